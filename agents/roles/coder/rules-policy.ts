import { createHash } from "node:crypto";
import { fromPromise } from "xstate";
import type { Params } from "../../../bus/index.ts";
import type { RoleContext, TemplateInfo } from "../../runtime/index.ts";
import type { CoderConfig } from "./config.ts";
import type { PlannedRun, WriteCodeInput, WriteCodeOutput } from "./types.ts";

/** Orders a knob's values by closeness to `target` (log scale for positive numbers). */
function byCloseness(values: Array<string | number | boolean>, target: string | number | boolean) {
  const distance = (v: string | number | boolean) =>
    typeof v === "number" && typeof target === "number" && v > 0 && target > 0 ? Math.abs(Math.log(v / target)) : v === target ? 0 : 1;
  return [...values].sort((a, b) => distance(a) - distance(b));
}

/**
 * The rules plan: run_1 applies the idea's settings; further runs sweep the knob the idea changed through its
 * nearest other values in the template's space, so the paper can show a trend, not one point.
 */
export function planRules(template: TemplateInfo, params: Params, runs: number): PlannedRun[] {
  const full = { ...template.baselineParams, ...params };
  const plan: PlannedRun[] = [{ runIndex: 1, params: full, note: `the idea's setting: ${describe(params)}` }];
  const knob = Object.keys(params).find((k) => template.space[k]);
  if (knob) {
    const tried = new Set([JSON.stringify(params[knob]), JSON.stringify(template.baselineParams[knob])]);
    for (const value of byCloseness(template.space[knob] ?? [], params[knob]!)) {
      if (plan.length >= runs) break;
      if (tried.has(JSON.stringify(value))) continue;
      tried.add(JSON.stringify(value));
      plan.push({ runIndex: plan.length + 1, params: { ...full, [knob]: value }, note: `sweep: ${knob}=${String(value)}` });
    }
  }
  return plan;
}

export function describe(params: Params): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? "baseline settings" : entries.map(([k, v]) => `${k}=${String(v)}`).join(", ");
}

/** Statuses where running the same code again can succeed (the run was cut short from outside). */
const TRANSIENT = new Set(["killed"]);

export function writeCodeRules(template: TemplateInfo, input: WriteCodeInput): WriteCodeOutput {
  const source = template.files["experiment.py"];
  if (!source) return { giveUp: "the template has no experiment.py", files: {}, command: [], cacheKey: null };
  if (input.lastFailure && !TRANSIENT.has(input.lastFailure.status)) {
    // Rules cannot edit code; re-running deterministic code that failed would fail the same way.
    return { giveUp: `rules coder cannot repair a ${input.lastFailure.status} run: ${input.lastFailure.reason ?? "no reason"}`, files: {}, command: [], cacheKey: null };
  }
  const code = input.runIndex === 0 ? source : template.applyParams(source, input.params);
  const command = ["python3", "experiment.py", `--out_dir=run_${input.runIndex}`];
  // Identical baseline code gives an identical result, so ideas of one run share a single run_0.
  const cacheKey = input.runIndex === 0 ? `baseline-${createHash("sha256").update(code).digest("hex").slice(0, 16)}` : null;
  return { giveUp: null, files: { "experiment.py": code }, command, cacheKey };
}

export function coderRulesPolicy(context: RoleContext<CoderConfig>) {
  const template = context.services.template;
  const runs = Math.min(context.config.rulesRuns, context.config.maxRuns);
  return {
    planStudy: fromPromise<PlannedRun[], { params: Params }>(async ({ input }) => {
      // Rules apply an idea as parameter settings; an idea without any (an llm ideator's) would silently rerun the baseline.
      if (Object.keys(input.params).length === 0) {
        throw new Error("the rules coder applies an idea as parameter settings and this idea has none (set roles.coder.policy: llm for ideas written by a model)");
      }
      return planRules(template, input.params, runs);
    }),
    writeCode: fromPromise<WriteCodeOutput, WriteCodeInput>(async ({ input }) => writeCodeRules(template, input)),
  };
}
