// The text of notes.txt, built from the coder's state: pure, so rewriting it after any redelivery gives the same file.
import type { Params, Payload } from "../../../bus/index.ts";
import type { CoderContext } from "./types.ts";

type Finished = Payload<"experiment.finished">;

/** Settings as the notes and plans show them: `k=v, ...`. */
export function describe(params: Params): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? "baseline settings" : entries.map(([k, v]) => `${k}=${String(v)}`).join(", ");
}

/**
 * notes.txt as the seed keeps it: one entry per run, rebuilt from state so rewriting it is idempotent. Each entry
 * says what the run changed (the policy's description, the settings, and the code's diff against the baseline).
 */
export function renderNotes(context: CoderContext, result: Finished): string {
  const lines = [
    `# Notes for ${context.ideaId}: ${context.idea?.Title ?? ""}`,
    "",
    `Idea: ${context.idea?.Experiment ?? ""}`,
    "",
  ];
  const entries = context.runs.map((r) => ({
    runIndex: r.runIndex,
    status: r.status,
    attempts: r.attempts,
    reason: r.reason,
    info: r.finalInfo,
    params: r.params,
  }));
  entries.push({
    runIndex: result.runIndex,
    status: result.status,
    attempts: result.attempt,
    reason: result.reason,
    info: result.finalInfo,
    params: context.plan.find((p) => p.runIndex === result.runIndex)?.params ?? {},
  });
  for (const e of entries) {
    const key = String(e.runIndex);
    const description =
      context.runDescriptions?.[key] || context.plan.find((p) => p.runIndex === e.runIndex)?.note || "";
    lines.push(
      `## Run ${e.runIndex}${e.runIndex === 0 ? " (baseline)" : ""}: ${e.status} after ${e.attempts} attempt(s)`,
    );
    if (e.runIndex === 0) lines.push("Description: the baseline, the template's code as given");
    else if (description) lines.push(`Description: ${description}`);
    if (e.runIndex > 0 && Object.keys(e.params).length > 0) lines.push(`Settings: ${describe(e.params)}`);
    const changes = context.runChanges?.[key];
    if (e.runIndex > 0 && changes) lines.push(`Changes: ${changes}`);
    if (e.reason) lines.push(`Reason: ${e.reason}`);
    if (e.info) lines.push(`Results: ${JSON.stringify(e.info)}`);
    lines.push("");
  }
  return lines.join("\n");
}

/**
 * The plots section of notes.txt: each figure's file and, when the coder wrote them, what it shows; or why there are
 * none.
 */
export function plotsSection(plots: Record<string, string>, plotStatus: string, descriptions = ""): string {
  const files = Object.keys(plots).sort();
  if (plotStatus !== "ok" || files.length === 0)
    return `## Plots\n${plotStatus === "ok" ? "plot.py ran but wrote no figure" : plotStatus}\n`;
  const listed = files.map((f) => `- ${f}`).join("\n");
  return `## Plots\nFigures written by plot.py:\n${listed}\n${descriptions ? `\n${descriptions.trim()}\n` : ""}`;
}
