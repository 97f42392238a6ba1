import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { envelopeSchema, type Envelope } from "./envelope.ts";
import { BusError } from "./errors.ts";
import { backoff } from "./consumers.ts";
import { streamName } from "./subjects.ts";

export interface StoredEnvelope {
  seq: number;
  subject: string;
  envelope: Envelope | null;
  /** Set when the stored bytes are not a valid envelope (kept, not dropped, so a trace shows them). */
  error: string | null;
  traceparent: string | null;
}

function decode(seq: number, subject: string, data: Uint8Array, traceparent: string | null): StoredEnvelope {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(new TextDecoder().decode(data)));
    if (parsed.success) return { seq, subject, envelope: parsed.data as Envelope, error: null, traceparent };
    return { seq, subject, envelope: null, error: parsed.error.issues[0]?.message ?? "invalid", traceparent };
  } catch (error) {
    return { seq, subject, envelope: null, error: `not JSON: ${(error as Error).message}`, traceparent };
  }
}

/** Reads every message of a run's stream in stream order (an ordered, ephemeral consumer). */
export async function readRun(js: JetStreamClient, jsm: JetStreamManager, run: string): Promise<StoredEnvelope[]> {
  const name = streamName(run);
  let last: number;
  try {
    last = (await jsm.streams.info(name)).state.last_seq;
  } catch (error) {
    throw new BusError("BUS_RUN_NOT_FOUND", `no stream for run ${run} on this server`, { cause: error });
  }
  const out: StoredEnvelope[] = [];
  if (last === 0) return out;
  const consumer = await js.consumers.get(name, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push(decode(m.seq, m.subject, m.data, m.headers?.get("traceparent") ?? null));
    if (m.seq >= last) break;
  }
  await messages.close();
  return out;
}

/** Silence after which a follower re-subscribes from its next sequence (an ordered consumer can stall silently). */
const QUIET_MS = 15_000;

/**
 * Follows a run live from the start: yields stored messages then new ones until `signal` aborts. Survives the
 * loss of a cluster node: measured on a 3-node cluster, an ordered consumer stopped delivering after its node was
 * killed and never recovered, so the run owner waited for a run.completed it had already been sent. After any error,
 * end of delivery or `quietMs` without a message, it re-subscribes from the next sequence it has not yielded:
 * nothing is skipped, nothing yielded twice. Only the first subscription's error (no such run) reaches the caller.
 */
export async function* followRun(
  js: JetStreamClient,
  run: string,
  signal: AbortSignal,
  options: { quietMs?: number; onResubscribe?: (next: number) => void } = {},
): AsyncGenerator<StoredEnvelope> {
  const quietMs = options.quietMs ?? QUIET_MS;
  let next = 1;
  let failures = 0;
  let first = true;
  while (!signal.aborted) {
    let messages: ConsumerMessages;
    try {
      const start =
        next === 1
          ? { deliver_policy: DeliverPolicy.All }
          : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: next };
      messages = await (await js.consumers.get(streamName(run), start)).consume();
    } catch (error) {
      if (first) throw error;
      await backoff(Math.min(5_000, 250 * 2 ** Math.min(++failures, 5)), signal);
      continue;
    }
    if (!first) options.onResubscribe?.(next);
    first = false;
    const stop = () => void messages.close();
    signal.addEventListener("abort", stop, { once: true });
    const quiet = setTimeout(stop, quietMs);
    try {
      for await (const m of messages) {
        quiet.refresh();
        failures = 0;
        if (m.seq < next) continue;
        next = m.seq + 1;
        yield decode(m.seq, m.subject, m.data, m.headers?.get("traceparent") ?? null);
        if (signal.aborted) break;
      }
    } catch {
      // A consumer lost with its node: re-subscribed below from `next`.
    } finally {
      clearTimeout(quiet);
      signal.removeEventListener("abort", stop);
      await messages.close().catch(() => undefined);
    }
  }
}
