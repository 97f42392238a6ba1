import type { StoredEnvelope } from "../bus/index.ts";

const SHOWN = new Set([
  "run.started",
  "idea.proposed",
  "idea.assessed",
  "experiment.finished",
  "study.completed",
  "idea.failed",
  "paper.drafted",
  "paper.decided",
  "run.completed",
  "message.deadlettered",
  "budget.exhausted",
]);

/** One line per milestone message: quiet and line-based, readable in CI logs and on a terminal alike. */
export function progressLine(message: StoredEnvelope, startedAt: number): string | null {
  const e = message.envelope;
  if (!e) return `[stream #${message.seq}] unreadable message on ${message.subject}: ${message.error}`;
  if (!SHOWN.has(e.type)) return null;
  const p = e.payload as Record<string, unknown>;
  const t = `+${((Date.parse(e.at) - startedAt) / 1000).toFixed(1)}s`.padStart(8);
  const idea = typeof p.ideaId === "string" ? ` ${p.ideaId}` : "";
  let detail = "";
  if (e.type === "idea.assessed") detail = p.novel ? " novel" : ` not novel: ${String(p.reason)}`;
  if (e.type === "experiment.finished")
    detail = ` ${String(p.kind)} run_${String(p.runIndex)} attempt ${String(p.attempt)}: ${String(p.status)}${p.reused ? " (reused)" : ""}${p.reason ? ` — ${String(p.reason).slice(0, 120)}` : ""}`;
  if (e.type === "idea.failed") detail = ` at ${String(p.stage)}: ${String(p.reason).slice(0, 160)}`;
  if (e.type === "paper.decided") detail = ` ${String(p.decision)} (overall ${String(p.overall)})`;
  if (e.type === "budget.exhausted") detail = ` ${String(p.reason)}`;
  if (e.type === "run.completed")
    detail = ` proposed ${String(p.proposed)}, decided ${String(p.decided)}, dropped ${String(p.dropped)}, failed ${String(p.failed)}`;
  return `${t} ${e.type.padEnd(20)}${idea}${detail}`;
}
