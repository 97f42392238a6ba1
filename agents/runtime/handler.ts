import type { JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { AnyStateMachine, Snapshot } from "xstate";
import {
  deterministicId,
  isBusError,
  publishEnvelope,
  sizeProblem,
  validateEnvelope,
  type BusConnection,
  type Envelope,
  type SnapshotStore,
} from "../../bus/index.ts";
import { deadLetter } from "./dead-letter.ts";
import { retryableOf, runMachineStep } from "./run-machine.ts";
import { transitionMessages } from "./actor-transitions.ts";
import type { Outbound, RoleContext, RoleDefinition } from "./role.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { RuntimeError } from "./errors.ts";
import type { RegistryLike } from "./registry-like.ts";
import { senderProblem } from "./sender-check.ts";
import { ideaOf, type SteeringState } from "./steering-state.ts";

/** What KV holds per actor: its settled snapshot, recently handled message ids, and outputs not yet confirmed sent. */
interface ActorRecord {
  snapshot: Snapshot<unknown> | null;
  processed: string[];
  outbox: Envelope[];
  /** The last step that failed without changing the actor (an invalid outbound message), for the operator. */
  lastError?: { message: string; code: string; at: string } | null;
}

/** Why a step's outbox may not be saved: a payload its schema rejects, or a type the role does not declare. */
export function outboundProblem(
  role: Pick<RoleDefinition, "name" | "emits">,
  outbox: readonly Envelope[],
  maxPayloadBytes?: number,
): string | null {
  for (const out of outbox) {
    if (out.type !== "actor.transitioned" && !role.emits.includes(out.type)) {
      return `role ${role.name} emitted ${out.type}, which is not in its emits (${role.emits.join(", ")})`;
    }
    try {
      validateEnvelope(out);
    } catch (error) {
      return `role ${role.name} emitted ${(error as Error).message}`;
    }
    const tooBig = sizeProblem(out, maxPayloadBytes);
    if (tooBig !== null) return `role ${role.name} emitted a ${tooBig}`;
  }
  return null;
}

const PROCESSED_KEPT = 500;
/** Publishes of fresh steps that JetStream called duplicates, in this process (logged with each one). */
let unexpectedDuplicates = 0;
export const duplicatePublishes = (): number => unexpectedDuplicates;
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
  /** The swarm's roles, to check each envelope's sender may send its type (sender-check.ts). */
  registry?: RegistryLike;
  /** The operator's steering (pauses hold deliveries, stopped ideas' messages are skipped); absent: none. */
  steering?: SteeringState;
}

/**
 * Wraps what a machine emitted into envelopes with deterministic ids (same cause → same ids → no duplicates). The id
 * names the sending role and actor, never the replica: every replica re-running a step agrees on it, while two roles
 * (or two actors) emitting one type from one cause get distinct ids instead of the second being dropped as a duplicate.
 */
export function toEnvelopes(
  cause: Envelope,
  outbox: Outbound[],
  agentId: string,
  now: Date,
  actorKey: string = cause.correlation,
): Envelope[] {
  const counts = new Map<string, number>();
  const sender = agentId.split("/")[0];
  return outbox.map((out) => {
    const n = counts.get(out.type) ?? 0;
    counts.set(out.type, n + 1);
    return {
      id: deterministicId(cause.id, out.type, `${sender}|${actorKey}|${out.seat ?? n}`, cause.run),
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
  const limit = { maxPayloadBytes: bus.maxPayloadBytes };
  if (msg.data.length > bus.maxPayloadBytes) {
    // Published around publishEnvelope's check: not even parsed (a huge body must not cost every replica its memory).
    const reason = `[BUS_PAYLOAD_TOO_LARGE] message is ${msg.data.length} bytes, over the ${bus.maxPayloadBytes}-byte limit (nats.maxPayloadBytes)`;
    logger.warn({ subject: msg.subject, bytes: msg.data.length }, "oversized message dead-lettered");
    await deadLetter(bus, deps.context.run, agentId, consumer, msg, reason, null);
    return;
  }
  let envelope: Envelope;
  try {
    envelope = validateEnvelope(JSON.parse(new TextDecoder().decode(msg.data)));
  } catch (error) {
    const reason = isBusError(error) ? error.message : `not JSON: ${(error as Error).message}`;
    logger.warn({ subject: msg.subject, reason }, "malformed message dead-lettered");
    await deadLetter(bus, deps.context.run, agentId, consumer, msg, reason, null);
    return;
  }
  if (envelope.run !== deps.context.run) {
    // The subject is this run's, the envelope names another: handling it would write into the wrong run's state.
    const reason = `[RUNTIME_UNKNOWN_RUN] envelope names run ${envelope.run} on run ${deps.context.run}'s subject ${msg.subject}`;
    logger.warn({ subject: msg.subject, named: envelope.run }, "message for another run dead-lettered");
    await deadLetter(bus, deps.context.run, agentId, consumer, msg, reason, null);
    return;
  }
  const forged = deps.registry ? senderProblem(envelope, deps.registry) : null;
  if (forged !== null) {
    // The bus permissions stop strangers; this stops a permitted identity claiming another role's type.
    logger.warn({ subject: msg.subject, from: envelope.from, reason: forged }, "forged message dead-lettered");
    await deadLetter(bus, envelope.run, agentId, consumer, msg, `[RUNTIME_FORGED_SENDER] ${forged}`, envelope);
    return;
  }
  const log = logger.child({ correlation: envelope.correlation, message: envelope.id, type: envelope.type });
  if (msg.info.deliveryCount > deps.maxDeliver) {
    await deadLetter(
      bus,
      envelope.run,
      agentId,
      consumer,
      msg,
      `not handled after ${deps.maxDeliver} deliveries`,
      envelope,
    );
    log.error("message dead-lettered after too many deliveries");
    return;
  }
  const actorKey = role.actorKey?.(envelope) ?? envelope.correlation;
  const key = deps.snapshots.key(envelope.run, role.name, actorKey);
  // working() keeps the delivery ours while a long effect (an experiment) runs.
  const heartbeat = setInterval(() => msg.working(), Math.max(1000, Math.floor(deps.ackWaitMs / 3)));
  try {
    if (deps.steering) {
      // Paused: the delivery is held (the heartbeat keeps its lease), so no new work starts and nothing is lost.
      await deps.steering.whenRunning(role.name, deps.signal);
      if (deps.signal.aborted) return;
      const idea = ideaOf(envelope);
      if (!envelope.type.startsWith("control.") && deps.steering.isStopped(idea)) {
        log.info({ idea, reason: deps.steering.stopReason(idea) }, "idea stopped by the operator; message not handled");
        msg.ack();
        return;
      }
    }
    await deps.mutex.run(key, async () => {
      for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
        const stored = await deps.snapshots.load<ActorRecord>(key);
        const record: ActorRecord = stored?.value ?? { snapshot: null, processed: [], outbox: [] };
        for (const pending of record.outbox) await publishEnvelope(bus.js, pending, limit);
        if (record.processed.includes(envelope.id)) {
          log.debug("already handled; outputs re-confirmed");
          return;
        }
        const input = role.input
          ? role.input(deps.context, envelope)
          : { run: envelope.run, correlation: envelope.correlation };
        const step = await runMachineStep(
          deps.machine,
          record.snapshot,
          input,
          { type: envelope.type, envelope },
          deps.signal,
        );
        // The actor's state changes go before what it emitted: a trace reads "entered closed, sent run.completed",
        // and run.completed stays the last message of a run, where followers stop reading.
        const transitions = transitionMessages(step.transitions, {
          role: role.name,
          agent: agentId,
          actorKey,
          machine: deps.machine.id,
        });
        const outbox = toEnvelopes(
          envelope,
          [...transitions, ...step.outbox],
          agentId,
          deps.context.services.now(),
          actorKey,
        );
        const problem = outboundProblem(role, outbox, bus.maxPayloadBytes);
        if (problem !== null) {
          // Checked before the save: a saved invalid outbox would be re-published (and fail) before every later
          // message, wedging the actor for good. The step is dropped, the actor keeps its state and stays usable.
          const failed: ActorRecord = {
            ...record,
            processed: [...record.processed, envelope.id].slice(-PROCESSED_KEPT),
            outbox: [],
            lastError: {
              code: "RUNTIME_INVALID_OUTBOUND",
              message: problem,
              at: deps.context.services.now().toISOString(),
            },
          };
          try {
            await deps.snapshots.save(key, failed, stored?.revision ?? 0);
          } catch (error) {
            if (isBusError(error, "BUS_CAS_CONFLICT") && attempt < CAS_ATTEMPTS) continue;
            throw error;
          }
          throw new RuntimeError("RUNTIME_INVALID_OUTBOUND", problem, { retryable: false });
        }
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
        for (const out of outbox) {
          // A fresh step's id was never published: a duplicate means another sender produced the same id.
          const { duplicate } = await publishEnvelope(bus.js, out, limit);
          if (duplicate) {
            unexpectedDuplicates++;
            log.warn(
              { id: out.id, type: out.type, unexpectedDuplicates },
              "publish answered as a duplicate where none was expected",
            );
          }
        }
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
    if (error instanceof RuntimeError && error.code === "RUNTIME_INVALID_OUTBOUND") {
      // Handling it again would emit the same invalid message: terminate now, with the reason in the trace.
      log.error({ err: error }, "the machine emitted an invalid message; the step was dropped");
      await deadLetter(bus, envelope.run, agentId, consumer, msg, `[RUNTIME_INVALID_OUTBOUND] ${reason}`, envelope);
      return;
    }
    if (!retryableOf(error)) {
      // Retry by cause: a coded error that says trying again cannot help is terminated after this one delivery,
      // instead of re-running the machine (and its model calls) up to maxDeliver times.
      const code = (error as { code?: string }).code ?? "UNCODED";
      log.error({ err: error, code }, "handling failed with a non-retryable error; terminated");
      await deadLetter(bus, envelope.run, agentId, consumer, msg, `[${code}] not retryable: ${reason}`, envelope);
      return;
    }
    log.error({ err: error, delivery: msg.info.deliveryCount }, "handling failed; will be redelivered");
    if (msg.info.deliveryCount >= deps.maxDeliver) {
      await deadLetter(
        bus,
        envelope.run,
        agentId,
        consumer,
        msg,
        `failed ${msg.info.deliveryCount} times; last error: ${reason}`,
        envelope,
      );
    } else {
      msg.nak(Math.min(30_000, 500 * 2 ** msg.info.deliveryCount));
    }
  } finally {
    clearInterval(heartbeat);
  }
}
