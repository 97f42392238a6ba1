import type { JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { AnyStateMachine, Snapshot } from "xstate";
import {
  deterministicId,
  isBusError,
  publishEnvelope,
  validateEnvelope,
  type BusConnection,
  type Envelope,
  type SnapshotStore,
} from "../../bus/index.ts";
import { deadLetter } from "./dead-letter.ts";
import { runMachineStep } from "./run-machine.ts";
import { transitionMessages } from "./actor-transitions.ts";
import type { Outbound, RoleContext, RoleDefinition } from "./role.ts";
import { KeyedMutex } from "./keyed-mutex.ts";

/** What KV holds per actor: its settled snapshot, recently handled message ids, and outputs not yet confirmed sent. */
interface ActorRecord {
  snapshot: Snapshot<unknown> | null;
  processed: string[];
  outbox: Envelope[];
}

const PROCESSED_KEPT = 500;
const CAS_ATTEMPTS = 8;

export interface HandlerDeps {
  bus: BusConnection;
  snapshots: SnapshotStore;
  role: RoleDefinition;
  machine: AnyStateMachine;
  context: RoleContext;
  consumer: string;
  maxDeliver: number;
  ackWaitMs: number;
  logger: Logger;
  mutex: KeyedMutex;
  signal: AbortSignal;
}

/** Wraps what a machine emitted into envelopes with deterministic ids (same cause → same ids → no duplicates). */
export function toEnvelopes(cause: Envelope, outbox: Outbound[], agentId: string, now: Date): Envelope[] {
  const counts = new Map<string, number>();
  return outbox.map((out) => {
    const n = counts.get(out.type) ?? 0;
    counts.set(out.type, n + 1);
    return {
      id: deterministicId(cause.id, out.type, out.seat ?? n, cause.run),
      type: out.type,
      run: cause.run,
      from: agentId,
      causation: cause.id,
      correlation: out.correlation ?? cause.correlation,
      at: now.toISOString(),
      v: 1 as const,
      payload: out.payload,
    };
  });
}

/**
 * Handles one delivery: validate → load the actor's record → (re)publish any unconfirmed outbox → run the machine →
 * compare-and-set the record with the new outbox → publish → ack. Saving before publishing (a transactional
 * outbox) means two replicas racing on one actor can never both publish: the CAS loser re-runs on fresh state.
 */
export async function handleDelivery(deps: HandlerDeps, msg: JsMsg): Promise<void> {
  const { bus, role, logger, consumer } = deps;
  const agentId = deps.context.agentId;
  let envelope: Envelope;
  try {
    envelope = validateEnvelope(JSON.parse(new TextDecoder().decode(msg.data)));
  } catch (error) {
    const reason = isBusError(error) ? error.message : `not JSON: ${(error as Error).message}`;
    logger.warn({ subject: msg.subject, reason }, "malformed message dead-lettered");
    await deadLetter(bus, deps.context.run, agentId, consumer, msg, reason, null);
    return;
  }
  const log = logger.child({ correlation: envelope.correlation, message: envelope.id, type: envelope.type });
  if (msg.info.deliveryCount > deps.maxDeliver) {
    await deadLetter(bus, envelope.run, agentId, consumer, msg, `not handled after ${deps.maxDeliver} deliveries`, envelope);
    log.error("message dead-lettered after too many deliveries");
    return;
  }
  const actorKey = role.actorKey?.(envelope) ?? envelope.correlation;
  const key = deps.snapshots.key(envelope.run, role.name, actorKey);
  // working() keeps the delivery ours while a long effect (an experiment) runs.
  const heartbeat = setInterval(() => msg.working(), Math.max(1000, Math.floor(deps.ackWaitMs / 3)));
  try {
    await deps.mutex.run(key, async () => {
      for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
        const stored = await deps.snapshots.load<ActorRecord>(key);
        const record: ActorRecord = stored?.value ?? { snapshot: null, processed: [], outbox: [] };
        for (const pending of record.outbox) await publishEnvelope(bus.js, pending);
        if (record.processed.includes(envelope.id)) {
          log.debug("already handled; outputs re-confirmed");
          return;
        }
        const input = role.input ? role.input(deps.context, envelope) : { run: envelope.run, correlation: envelope.correlation };
        const step = await runMachineStep(deps.machine, record.snapshot, input, { type: envelope.type, envelope }, deps.signal);
        // The actor's state changes go before what it emitted: a trace reads "entered closed, sent run.completed",
        // and run.completed stays the last message of a run, where followers stop reading.
        const transitions = transitionMessages(step.transitions, { role: role.name, agent: agentId, actorKey, machine: deps.machine.id });
        const outbox = toEnvelopes(envelope, [...transitions, ...step.outbox], agentId, deps.context.services.now());
        const next: ActorRecord = {
          snapshot: step.snapshot,
          processed: [...record.processed, envelope.id].slice(-PROCESSED_KEPT),
          outbox,
        };
        let revision: number;
        try {
          revision = await deps.snapshots.save(key, next, stored?.revision ?? 0);
        } catch (error) {
          if (isBusError(error, "BUS_CAS_CONFLICT") && attempt < CAS_ATTEMPTS) {
            log.debug({ attempt }, "snapshot changed under us; handling again on fresh state");
            continue;
          }
          throw error;
        }
        for (const out of outbox) await publishEnvelope(bus.js, out);
        // Best effort: a failed clear only means the outbox is republished (and deduplicated) next time.
        await deps.snapshots.save(key, { ...next, outbox: [] }, revision).catch(() => undefined);
        log.debug({ emitted: outbox.map((o) => o.type) }, "handled");
        return;
      }
    });
    msg.ack();
  } catch (error) {
    if (deps.signal.aborted) return; // shutting down: leave it un-acked for a live replica
    const reason = (error as Error).message;
    log.error({ err: error, delivery: msg.info.deliveryCount }, "handling failed; will be redelivered");
    if (msg.info.deliveryCount >= deps.maxDeliver) {
      await deadLetter(bus, envelope.run, agentId, consumer, msg, `failed ${msg.info.deliveryCount} times; last error: ${reason}`, envelope);
    } else {
      msg.nak(Math.min(30_000, 500 * 2 ** msg.info.deliveryCount));
    }
  } finally {
    clearInterval(heartbeat);
  }
}
