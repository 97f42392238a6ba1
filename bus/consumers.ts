import { AckPolicy, DeliverPolicy, type JetStreamManager, type JsMsg, type JetStreamClient } from "@nats-io/jetstream";
import { isNotFound } from "./errors.ts";
import { infoFailed } from "./streams.ts";
import { consumerName, streamName, subjectFor } from "./subjects.ts";

export interface ConsumerOptions {
  /** How many deliveries before the message is dead-lettered. */
  maxDeliver: number;
  /** How long a delivery may stay unacknowledged before redelivery (working() extends it). */
  ackWaitMs: number;
}

export const defaultConsumerOptions: ConsumerOptions = { maxDeliver: 5, ackWaitMs: 30_000 };

/**
 * One durable pull consumer per (role, type) per run; every replica of the role pulls from it, so replicas
 * compete for messages and an un-acked message goes to whichever replica is alive.
 */
export async function ensureRoleConsumer(
  jsm: JetStreamManager,
  run: string,
  role: string,
  type: string,
  options: ConsumerOptions = defaultConsumerOptions,
): Promise<string> {
  const stream = streamName(run);
  const name = consumerName(role, type);
  try {
    await jsm.consumers.info(stream, name);
  } catch (error) {
    if (!isNotFound(error)) throw infoFailed(`consumer ${stream}/${name}`, error);
    await jsm.consumers.add(stream, {
      durable_name: name,
      filter_subject: subjectFor(run, type),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // One more than our own limit, so the runtime sees the last delivery and dead-letters it itself.
      max_deliver: options.maxDeliver + 1,
      ack_wait: options.ackWaitMs * 1_000_000,
      max_ack_pending: 1000,
    });
  }
  return name;
}

export interface PulledMessage {
  msg: JsMsg;
  deliveries: number;
}

/**
 * Pulls messages one at a time for a role replica, calling `handle` for each; resolves when `signal` aborts.
 * Pulling one message per replica keeps concurrency equal to the replica count.
 */
export async function pullLoop(
  js: JetStreamClient,
  run: string,
  consumer: string,
  handle: (message: PulledMessage) => Promise<void>,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): Promise<void> {
  const c = await js.consumers.get(streamName(run), consumer);
  let failures = 0;
  while (!signal.aborted) {
    let msg: JsMsg | null = null;
    try {
      msg = await c.next({ expires: 2000 });
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      onError(error);
      // A consumer that is gone or a server that is down must not turn this loop into a busy spin.
      failures++;
      await backoff(Math.min(10_000, 200 * 2 ** Math.min(failures, 6)), signal);
      continue;
    }
    if (!msg || signal.aborted) {
      // A message fetched after shutdown began is left un-acked; it is redelivered to a live replica.
      continue;
    }
    try {
      await handle({ msg, deliveries: msg.info.deliveryCount });
    } catch (error) {
      onError(error);
    }
  }
}

/** Waits `ms`, or less if `signal` aborts first (a retry loop's pause that does not hold up a shutdown). */
export function backoff(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
