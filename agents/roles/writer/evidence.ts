// The measured facts a paper rests on. A paper credits the idea with what the idea's own setting did: the idea's
// run (run_1 for the rules coder, whose plan starts with the idea's settings; see coder/rules-policy.ts planRules),
// never the best run of a sweep that may have used the opposite setting.
import type { Payload, RunResult } from "../../../bus/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";

type Study = Payload<"study.completed">;
type Drafted = Payload<"paper.drafted">;
type Effect = Drafted["evidence"]["effects"][number];

/** Which way the primary metric is better, and where that comes from (a paper says which). */
export interface MetricDirection {
  higherIsBetter: boolean;
  source:
    | "from template.yaml"
    | "inferred from the metric's name"
    | "assumed (template.yaml sets no direction and the name does not tell)";
}

const LOWER =
  /loss|err(or)?\b|error|mse|rmse|mae|nll|perplexity|ppl|regret|cost|time|latency|infected|peak|death|case|distance|divergence|\bkl\b|wer|cer/i;
const HIGHER = /acc|f1|auc|score|reward|return|precision|recall|bleu|rouge|iou|\bmap\b|r2|success|likelihood/i;

/**
 * template.yaml's metrics.higherIsBetter when the file sets it; otherwise the metric's name decides (loss, error,
 * infected_peak ... lower; accuracy, score, reward ... higher); otherwise higher, and the paper says it was assumed.
 */
export function metricDirection(template: Pick<TemplateInfo, "files" | "metrics">): MetricDirection {
  if (/^\s*higherIsBetter\s*:/m.test(template.files["template.yaml"] ?? ""))
    return { higherIsBetter: template.metrics.higherIsBetter, source: "from template.yaml" };
  const name = template.metrics.primary;
  if (LOWER.test(name) && !HIGHER.test(name))
    return { higherIsBetter: false, source: "inferred from the metric's name" };
  if (HIGHER.test(name)) return { higherIsBetter: true, source: "inferred from the metric's name" };
  return { higherIsBetter: true, source: "assumed (template.yaml sets no direction and the name does not tell)" };
}

/**
 * The run that applied the idea's own settings: the first run after the baseline whose params hold every setting of
 * the idea (the rules coder's run_1); when no run's params name them (an llm coder describes its changes in code),
 * the first run after the baseline (its plan starts with the idea). null when that run did not succeed: a sweep
 * run is never credited in its place.
 */
export function ideaRunOf(study: Study): RunResult | null {
  const after = study.runs.filter((r) => r.runIndex > 0).sort((a, b) => a.runIndex - b.runIndex);
  const entries = Object.entries(study.params);
  const run = after.find((r) => entries.length > 0 && entries.every(([k, v]) => r.params[k] === v)) ?? after[0];
  return run && run.status === "ok" && run.finalInfo ? run : null;
}

/** A run's seed spread of `metric` on `dataset` (its stds entry), or null when the run recorded none. */
export function spreadOf(run: Pick<RunResult, "finalInfo">, dataset: string, metric: string): number | null {
  const stds = (run.finalInfo?.[dataset] as { stds?: Record<string, unknown> } | undefined)?.stds;
  const value = stds?.[metric];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The idea's run against the baseline, per dataset, on `metric` (the paper's effect lines and the reviewers' evidence).
 */
export function ideaEffects(study: Study, metric: string): Effect[] {
  const run = ideaRunOf(study);
  if (!run) return [];
  const effects: Effect[] = [];
  for (const [dataset, info] of Object.entries(study.baseline)) {
    const baseline = info.means[metric];
    const value = run.finalInfo?.[dataset]?.means[metric];
    if (baseline === undefined || value === undefined) continue;
    const spread = spreadOf(run, dataset, metric);
    effects.push({
      dataset,
      baseline,
      best: value,
      delta: Number((value - baseline).toFixed(6)),
      spread: spread ?? 0,
      spreadKnown: spread !== null,
      runIndex: run.runIndex,
    });
  }
  return effects;
}

/**
 * paper.drafted's evidence. Its schema is unchanged, but `best` is the idea's own run's value and `runIndex` that
 * run (not the best run of the sweep); `spread` is that run's recorded std, 0 when it recorded none (`spreadKnown`
 * false: the spread is unknown, not zero).
 */
export function measureEvidence(
  study: Study,
  primary: string,
  higherIsBetter: boolean,
): Omit<Drafted["evidence"], "checkedNumbers"> {
  const attempted = study.runs.filter((r) => r.runIndex > 0);
  const noveltyHits = study.evidence.filter(
    (e) => e.source !== "archive" && /overlap (0\.[5-9]|1\.)/.test(e.note ?? ""),
  ).length;
  return {
    primaryMetric: primary,
    higherIsBetter,
    effects: ideaEffects(study, primary),
    runsAttempted: attempted.length,
    runsFailed: attempted.filter((r) => r.status !== "ok").length,
    noveltyHits,
  };
}
