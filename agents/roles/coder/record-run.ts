import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { CoderConfig } from "./config.ts";
import { describe } from "./rules-policy.ts";
import type { CoderContext } from "./types.ts";

type Finished = Payload<"experiment.finished">;

/** notes.txt as the seed keeps it: one entry per run attempt, rebuilt from state so rewriting it is idempotent. */
export function renderNotes(context: CoderContext, result: Finished): string {
  const lines = [`# Notes for ${context.ideaId}: ${context.idea?.Title ?? ""}`, "", `Idea: ${context.idea?.Experiment ?? ""}`, ""];
  const entries = [...context.runs.map((r) => ({ runIndex: r.runIndex, status: r.status, attempts: r.attempts, reason: r.reason, info: r.finalInfo, params: r.params }))];
  entries.push({ runIndex: result.runIndex, status: result.status, attempts: result.attempt, reason: result.reason, info: result.finalInfo, params: context.plan.find((p) => p.runIndex === result.runIndex)?.params ?? {} });
  for (const e of entries) {
    lines.push(`## Run ${e.runIndex}${e.runIndex === 0 ? " (baseline)" : ""}: ${e.status} after ${e.attempts} attempt(s)`);
    lines.push(`Settings: ${e.runIndex === 0 ? "baseline settings" : describe(e.params)}`);
    if (e.reason) lines.push(`Reason: ${e.reason}`);
    if (e.info) lines.push(`Results: ${JSON.stringify(e.info)}`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Writes run_<i>.py (the code that ran) and notes.txt into the idea's folder. */
export function recordRunActor(context: RoleContext<CoderConfig>) {
  return fromPromise<string, { context: CoderContext; result: Finished; code: string | null }>(async ({ input }) => {
    const { artifacts } = context.services;
    const id = input.context.ideaId!;
    if (input.code !== null && input.result.status === "ok") await artifacts.put(`${id}/run_${input.result.runIndex}.py`, input.code);
    const notes = renderNotes(input.context, input.result);
    await artifacts.put(`${id}/notes.txt`, notes);
    return notes;
  });
}
