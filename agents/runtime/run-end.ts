import type { Logger } from "pino";
import {
  busAccessFor,
  connectBus,
  deterministicId,
  publishEnvelope,
  type BusConnection,
  type Envelope,
  type StoredEnvelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { RegistryLike } from "./registry-like.ts";
import { RunGuard } from "./run-guard.ts";
import { senderProblem } from "./sender-check.ts";

/**
 * Whether a stored message ends the run: a `run.completed` from a sender allowed to send it. A forged one (a
 * `from` that may not send run.completed) is not the end; `onForged` gets the reason.
 */
export function endsRun(message: StoredEnvelope, registry: RegistryLike, onForged: (reason: string) => void): boolean {
  if (message.envelope?.type !== "run.completed") return false;
  const problem = senderProblem(message.envelope, registry);
  if (problem === null) return true;
  onForged(problem);
  return false;
}

/**
 * Dead-letters a forged message the run owner found (a run.completed nobody else consumes, what RunGuard names), so
 * the report lists it. `reason` starts with its code, e.g. `[RUNTIME_FORGED_SENDER] ...`.
 */
export async function deadLetterStored(
  bus: BusConnection,
  run: string,
  from: string,
  message: StoredEnvelope,
  reason: string,
): Promise<void> {
  const original = message.envelope;
  const envelope: Envelope = {
    id: deterministicId(original?.id ?? `seq-${message.seq}`, "message.deadlettered", "run-owner", run),
    type: "message.deadlettered",
    run,
    from,
    causation: original?.id ?? null,
    correlation: original?.correlation ?? `seq-${message.seq}`,
    at: new Date().toISOString(),
    v: 1,
    payload: {
      subject: message.subject,
      stream: "",
      streamSequence: message.seq,
      deliveries: 1,
      consumer: "run-owner",
      reason: reason.slice(0, 4000),
      raw: JSON.stringify(original).slice(0, 8000),
    },
  };
  await publishEnvelope(bus.js, envelope);
}

/**
 * The run owner's reading of its run's stream: whether a message ends the run, and dead letters for forgeries only
 * it can see (a forged run.completed, RunGuard's unrequested seats, double decisions, unknown ideas). The run goes
 * on; `settled()` resolves when every dead letter is stored, so the report that follows lists them all.
 */
export function runOwnerWatch(options: {
  bus: BusConnection;
  run: string;
  registry: RegistryLike;
  from: string;
  logger: Logger;
}) {
  const { bus, run, registry, from, logger } = options;
  const guard = new RunGuard(registry);
  const writes: Promise<void>[] = [];
  const deadLetter = (m: StoredEnvelope, reason: string) => {
    logger.warn({ seq: m.seq, from: m.envelope?.from, reason }, "forged message dead-lettered; the run goes on");
    const failed = (error: unknown) =>
      logger.error({ err: error, seq: m.seq }, "could not dead-letter a forged message");
    writes.push(deadLetterStored(bus, run, from, m, reason).catch(failed));
  };
  return {
    isEnd: (m: StoredEnvelope): boolean => {
      const problem = m.envelope ? guard.check(m.envelope) : null;
      if (problem !== null) deadLetter(m, problem);
      return endsRun(m, registry, (reason) => deadLetter(m, `[RUNTIME_FORGED_SENDER] ${reason}`));
    },
    settled: async (): Promise<void> => {
      await Promise.all(writes);
    },
  };
}

/**
 * One connection per hosted role with that role's credentials (auth on), opened on first use and closed together;
 * with auth off every role shares `shared`.
 */
export function roleBuses(
  config: SwarmConfig,
  url: string,
  shared: BusConnection,
): { busFor(role: string): Promise<BusConnection>; close(): Promise<void> } | null {
  if (!config.nats.auth.enabled) return null;
  const open = new Map<string, Promise<BusConnection>>();
  return {
    busFor: (role) => {
      let bus = open.get(role);
      if (!bus) {
        bus = connectBus(url, { name: `scientist-${role}`, ...busAccessFor(config.nats, role) });
        open.set(role, bus);
      }
      return bus;
    },
    close: async () => {
      const all = await Promise.allSettled(open.values());
      await Promise.all(all.map((r) => (r.status === "fulfilled" && r.value !== shared ? r.value.close() : undefined)));
    },
  };
}
