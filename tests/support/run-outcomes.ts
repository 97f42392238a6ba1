import type { Envelope, Payload } from "../../bus/index.ts";

/** What a fault test checks at the end of a run: every idea's outcome and every experiment result, from the stream. */
export interface RunOutcomes {
  proposed: string[];
  /** ideaId -> its terminal outcomes (paper.decided, idea.failed, not novel): 1 each when nothing is lost. */
  outcomes: Map<string, number>;
  decided: number;
  failed: { ideaId: string; reason: string }[];
  notNovel: number;
  /** `ideaId/kind/runIndex/attempt` of every experiment.requested / experiment.finished, duplicates kept. */
  requested: string[];
  finished: string[];
  deadLetters: number;
}

type Attempt = { ideaId: string; kind: string; runIndex: number; attempt: number };
const key = (p: Attempt) => `${p.ideaId}/${p.kind}/${p.runIndex}/${p.attempt}`;

export function runOutcomes(stored: readonly Envelope[]): RunOutcomes {
  const of = (type: string): unknown[] => stored.filter((e) => e.type === type).map((e) => e.payload);
  const proposed = (of("idea.proposed") as Payload<"idea.proposed">[]).map((p) => p.ideaId);
  const outcomes = new Map(proposed.map((id) => [id, 0]));
  const bump = (id: string) => outcomes.set(id, (outcomes.get(id) ?? 0) + 1);
  const decided = of("paper.decided") as Payload<"paper.decided">[];
  const failed = of("idea.failed") as Payload<"idea.failed">[];
  const notNovel = (of("idea.assessed") as Payload<"idea.assessed">[]).filter((a) => !a.novel);
  for (const d of decided) bump(d.ideaId);
  for (const f of failed) bump(f.ideaId);
  for (const a of notNovel) bump(a.ideaId);
  return {
    proposed,
    outcomes,
    decided: decided.length,
    failed: failed.map((f) => ({ ideaId: f.ideaId, reason: `${f.stage}: ${f.reason}` })),
    notNovel: notNovel.length,
    requested: (of("experiment.requested") as Payload<"experiment.requested">[]).map(key),
    finished: (of("experiment.finished") as Payload<"experiment.finished">[]).map(key),
    deadLetters: stored.filter((e) => e.type === "message.deadlettered").length,
  };
}
