import { fromPromise } from "xstate";
import type { Params } from "../../../bus/index.ts";
import type { RoleContext, TemplateInfo } from "../../runtime/index.ts";
import type { CoderConfig } from "./config.ts";
import { describe, plotsSection } from "./notes-text.ts";
import { runChanges, runFingerprint } from "./run-files.ts";
import type {
  DescribePlotsInput,
  FixPlotInput,
  FixPlotOutput,
  PlannedRun,
  WriteCodeInput,
  WriteCodeOutput,
} from "./types.ts";
import { RoleError } from "../errors.ts";
import { allows, knobRule } from "../shared/steering-rules.ts";

/** Orders a knob's values by closeness to `target` (log scale for positive numbers). */
function byCloseness(values: Array<string | number | boolean>, target: string | number | boolean) {
  const distance = (v: string | number | boolean) =>
    typeof v === "number" && typeof target === "number" && v > 0 && target > 0
      ? Math.abs(Math.log(v / target))
      : v === target
        ? 0
        : 1;
  return [...values].sort((a, b) => distance(a) - distance(b));
}

/**
 * The rules plan: run_1 applies the idea's settings; further runs sweep the knob the idea changed through its
 * nearest other values in the template's space, so the paper can show a trend, not one point.
 */
export function planRules(
  template: TemplateInfo,
  params: Params,
  runs: number,
  notes: readonly string[] = [],
): PlannedRun[] {
  // The operator's notes for the idea restrict the sweep where they name knobs ("only change the learning rate").
  const rule = knobRule(notes, Object.keys(template.space));
  const full = { ...template.baselineParams, ...params };
  const plan: PlannedRun[] = [{ runIndex: 1, params: full, note: `the idea's setting: ${describe(params)}` }];
  // The first knob is the idea's own change (the rules ideator puts it before the knobs inherited from its parent).
  const knob = Object.keys(params).find((k) => template.space[k]);
  if (knob) {
    const tried = new Set([JSON.stringify(params[knob]), JSON.stringify(template.baselineParams[knob])]);
    for (const value of byCloseness(template.space[knob] ?? [], params[knob]!)) {
      if (plan.length >= runs) break;
      if (tried.has(JSON.stringify(value)) || !allows(rule, knob, value)) continue;
      tried.add(JSON.stringify(value));
      plan.push({
        runIndex: plan.length + 1,
        params: { ...full, [knob]: value },
        note: `sweep: ${knob}=${String(value)}`,
      });
    }
  }
  return plan;
}

/** Statuses where running the same code again can succeed (the run was cut short from outside). */
const TRANSIENT = new Set(["killed"]);

export function writeCodeRules(template: TemplateInfo, input: WriteCodeInput): WriteCodeOutput {
  const source = template.files["experiment.py"];
  if (!source) return { giveUp: "the template has no experiment.py", files: {}, command: [], cacheKey: null };
  if (input.lastFailure && !TRANSIENT.has(input.lastFailure.status)) {
    // Rules cannot edit code; re-running deterministic code that failed would fail the same way.
    return {
      giveUp: `rules coder cannot repair a ${input.lastFailure.status} run: ${input.lastFailure.reason ?? "no reason"}`,
      files: {},
      command: [],
      cacheKey: null,
    };
  }
  // The baseline is the template as given; a run applies its settings the template's way (block, flags or wrapper).
  const { files, command } = template.prepareRun(input.runIndex === 0 ? {} : input.params, input.runIndex);
  return {
    giveUp: null,
    files,
    command,
    cacheKey: baselineKey(template, input.runIndex, files, command),
    changes: runChanges(template, files, command, input.runIndex),
  };
}

/** Identical baselines (every file that defines the run, and the command) give one result, shared by a run's ideas. */
export function baselineKey(
  template: TemplateInfo,
  runIndex: number,
  files: Record<string, string>,
  command: string[],
): string | null {
  return runIndex === 0 ? `baseline-${runFingerprint(template, files, command)}` : null;
}

/** Rules cannot edit plot.py: the template's script runs as given, again only when it was cut short from outside. */
export function fixPlotRules(input: FixPlotInput): FixPlotOutput {
  const f = input.lastFailure;
  if (f && !TRANSIENT.has(f.status))
    return {
      giveUp: `the rules coder cannot edit plot.py (${f.status}: ${f.reason ?? "no reason"})`,
      plotScript: input.plotScript,
    };
  return { giveUp: null, plotScript: input.plotScript };
}

/** Rules notes name each figure (no model to say what it shows) or record why there are none. */
export async function describePlotsRules(
  context: RoleContext<CoderConfig>,
  input: DescribePlotsInput,
): Promise<string> {
  const notes = `${input.notes.trimEnd()}\n\n${plotsSection(input.plots, input.plotStatus)}`;
  await context.services.artifacts.put(`${input.ideaId}/notes.txt`, notes);
  return notes;
}

export function coderRulesPolicy(context: RoleContext<CoderConfig>) {
  const template = context.services.template;
  const runs = Math.min(context.config.rulesRuns, context.config.maxRuns);
  return {
    planStudy: fromPromise<PlannedRun[], { ideaId?: string; params: Params }>(async ({ input }) => {
      // Rules apply an idea as parameter settings; an idea without any (an llm ideator's) would silently rerun the
      // baseline.
      if (Object.keys(input.params).length === 0) {
        throw new RoleError(
          "CODER_NO_PARAMS",
          "the rules coder applies an idea as parameter settings and this idea has none (set roles.coder.policy: llm for ideas written by a model)",
        );
      }
      return planRules(
        template,
        input.params,
        runs,
        input.ideaId ? (context.services.steering?.notesFor(input.ideaId) ?? []) : [],
      );
    }),
    writeCode: fromPromise<WriteCodeOutput, WriteCodeInput>(async ({ input }) => writeCodeRules(template, input)),
    fixPlot: fromPromise<FixPlotOutput, FixPlotInput>(async ({ input }) => fixPlotRules(input)),
    describePlots: fromPromise<string, DescribePlotsInput>(async ({ input }) => describePlotsRules(context, input)),
  };
}
