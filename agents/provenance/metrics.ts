// Which metrics a sentence speaks of. "val_acc" is named by "val_acc" itself or by "accuracy"; a sentence about
// accuracy whose number only matches a loss is then unsupported, where otherwise some difference of some metric
// would fit almost any percentage.
import { nameTokens } from "./datasets.ts";

const SYNONYMS: Record<string, string[]> = {
  acc: ["accuracy", "accuracies", "acc"],
  accuracy: ["accuracy", "accuracies"],
  err: ["error", "errors"],
  error: ["error", "errors"],
  ppl: ["perplexity"],
  perplexity: ["perplexity"],
  loss: ["loss", "losses"],
  gap: ["gap", "gaps"],
  nll: ["nll", "likelihood"],
  mse: ["mse", "squared"],
  mae: ["mae"],
  rmse: ["rmse"],
  f1: ["f1"],
  auc: ["auc"],
  bleu: ["bleu"],
  diverged: ["diverged", "divergence", "diverge"],
  epochs: ["epochs"],
  time: ["time", "seconds"],
  r0: ["r0"],
};
// Parts of metric names that do not say which metric: "val" of val_acc and val_loss alike.
const GENERIC = new Set([
  "val",
  "valid",
  "validation",
  "train",
  "training",
  "test",
  "mean",
  "final",
  "best",
  "avg",
  "average",
  "total",
  "to",
  "of",
  "rate",
  "score",
  "max",
  "min",
  "std",
  "stderr",
  "dev",
  "eval",
]);

function keywords(metric: string): string[] {
  const words = nameTokens(metric).filter((t) => !GENERIC.has(t) && !/^\d+$/.test(t));
  return [...new Set(words.flatMap((w) => SYNONYMS[w] ?? [w, `${w}s`]))];
}

const cache = new Map<string, RegExp>();

/** The metrics (of `metrics`) the sentence names, by their own name or a keyword of it. */
export function metricMentions(sentence: string, metrics: string[]): Set<string> {
  const out = new Set<string>();
  for (const metric of metrics) {
    let pattern = cache.get(metric);
    if (!pattern) {
      const words = [metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), ...keywords(metric)];
      pattern = new RegExp(`(?<![A-Za-z0-9])(?:${words.join("|")})(?![A-Za-z0-9])`, "i");
      cache.set(metric, pattern);
    }
    if (pattern.test(sentence)) out.add(metric);
  }
  return out;
}
