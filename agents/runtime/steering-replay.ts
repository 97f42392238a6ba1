import type { Logger } from "pino";
import {
  deterministicId,
  followRun,
  publishEnvelope,
  readRun,
  runExists,
  type BusConnection,
  type Envelope,
} from "../../bus/index.ts";

/** Types that do not mark a causal point (their order among replicas is not reproducible). */
const unsteady = (type: string) => type === "actor.transitioned";

/**
 * A message's place in a run that a replay can find again: its type, its correlation (the run id normalised, ideas
 * keep their ids in a replay) and how many such messages came before it.
 */
function keyer(run: string) {
  const counts = new Map<string, number>();
  return (e: Envelope): string => {
    const base = `${e.type}|${e.correlation === run ? "$run" : e.correlation}`;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}|${n}`;
  };
}

interface Pending {
  control: Envelope;
  /** The causal point's key in the recorded run, or null: sent before any message. */
  after: string | null;
}

/** The recorded run's interventions, each with the key of the message it followed. */
export function interventionsToReplay(recorded: string, envelopes: readonly Envelope[]): Pending[] {
  const keyOf = keyer(recorded);
  const keys = new Map<string, string>();
  const out: Pending[] = [];
  for (const e of envelopes) {
    if (unsteady(e.type)) continue;
    keys.set(e.id, keyOf(e));
    if (e.type.startsWith("control.") && e.from.startsWith("operator/")) {
      out.push({ control: e, after: e.causation ? (keys.get(e.causation) ?? null) : null });
    }
  }
  return out;
}

/**
 * `--replay RUN`: re-applies the recorded run's interventions at the same causal points of the new run. Each is
 * published (from the same operator) right after the new run's message that matches the one it followed in the
 * recording, with that message as its causation. Resolves when all are sent, the run completes or `signal` aborts.
 */
export async function replayInterventions(options: {
  bus: BusConnection;
  recorded: string;
  run: string;
  signal: AbortSignal;
  logger: Logger;
}): Promise<number> {
  const { bus, recorded, run, signal, logger } = options;
  if (!(await runExists(bus.jsm, recorded))) return 0;
  const stored = await readRun(bus.js, bus.jsm, recorded);
  const pending = interventionsToReplay(
    recorded,
    stored.flatMap((s) => (s.envelope ? [s.envelope] : [])),
  );
  if (pending.length === 0) return 0;
  let sent = 0;
  const publish = async (p: Pending, cause: Envelope | null) => {
    const c = p.control;
    await publishEnvelope(bus.js, {
      ...c,
      id: deterministicId(cause?.id ?? null, c.type, `replay|${c.id}`, run),
      run,
      causation: cause?.id ?? null,
      correlation: c.correlation === recorded ? run : c.correlation,
      at: new Date().toISOString(),
    });
    sent++;
    logger.info({ type: c.type, after: p.after, recordedId: c.id }, "intervention re-applied from the recording");
  };
  const keyOf = keyer(run);
  let queue = pending;
  // Interventions sent before the recorded run had any message go first.
  while (queue[0] && queue[0].after === null) await publish(queue.shift()!, null);
  for await (const m of followRun(bus.js, run, signal)) {
    if (queue.length === 0) break;
    const e = m.envelope;
    if (!e || unsteady(e.type)) continue;
    const key = keyOf(e);
    // In stream order: an intervention whose point has passed is sent now, with this message's cause.
    const matched = queue.filter((p) => p.after === key);
    queue = queue.filter((p) => p.after !== key);
    for (const p of matched) await publish(p, e);
    if (e.type === "run.completed") break;
  }
  if (queue.length > 0) {
    const unsent = queue.map((p) => p.control.type);
    logger.warn({ unsent }, "the replay never reached the causal point of some interventions");
  }
  return sent;
}
