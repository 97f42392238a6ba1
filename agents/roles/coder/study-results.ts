// What the coder machine records of runs and plots: pure helpers over its context and the experimenter's results.
import type { Payload, RunResult } from "../../../bus/index.ts";
import type { CoderContext, Failure } from "./types.ts";

type Finished = Payload<"experiment.finished">;

export const failureOf = (r: Finished): Failure => ({ status: r.status, reason: r.reason, stderrTail: r.stderrTail });

/** The run just finished (or given up), as the study reports it. */
export function runResult(context: CoderContext, outcome: "ok" | "failed"): RunResult {
  const r = context.lastResult;
  return {
    runIndex: context.current!.runIndex,
    params: context.plan.find((p) => p.runIndex === context.current!.runIndex)?.params ?? {},
    status: r?.status ?? "error",
    finalInfo: outcome === "ok" ? (r?.finalInfo ?? null) : null,
    attempts: context.current!.attempt,
    reason: outcome === "ok" ? null : (context.lastFailure?.reason ?? r?.reason ?? null),
    description:
      context.runDescriptions[String(context.current!.runIndex)] ||
      context.plan.find((p) => p.runIndex === context.current!.runIndex)?.note ||
      (context.current!.runIndex === 0 ? "baseline" : ""),
  };
}

/** Why a study has no plots: how many attempts were made, how the last one ended, and the end of its stderr. */
export function plotFailed(f: Failure | null, made: number, why: string): string {
  if (!f || made === 0) return `no plots: plot.py was not run; ${why}`;
  const stderr = f.stderrTail ? `; stderr ends: ${f.stderrTail.slice(-300).replace(/\s+/g, " ").trim()}` : "";
  return `no plots: plot.py failed after ${made} attempt(s) (last: ${f.status}${f.reason ? `, ${f.reason}` : ""}${stderr}); ${why}`;
}

export function plotsOf(result: Finished): Record<string, string> {
  if (result.status !== "ok") return {};
  return Object.fromEntries(Object.entries(result.artifacts).filter(([path]) => /\.(png|svg|pdf|jpe?g)$/i.test(path)));
}

/** Why a study with no successful run after the baseline ends the idea. */
export function nothingToWriteUp(runs: RunResult[]): string {
  if (!runs.some((r) => r.runIndex > 0))
    return "the coder finished (ALL_COMPLETED) before any run after the baseline; nothing to write up";
  return `every planned run failed; nothing to write up (last: ${runs.at(-1)?.reason ?? "no reason given"})`;
}
