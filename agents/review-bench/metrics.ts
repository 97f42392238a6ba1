// The benchmark's figures, pure. Accept is the positive class. Undefined figures (a class absent, no variance)
// are null rather than a misleading 0 or NaN.

export interface Judged {
  /** The venue accepted the paper. */
  truth: boolean;
  /** The reviewer accepted it. */
  predicted: boolean;
  /** The reviewer's Overall score (AUC ranks by it). */
  score: number;
  /** The human reviewers' mean score. */
  human: number;
}

export interface Metrics {
  n: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  accuracy: number | null;
  balancedAccuracy: number | null;
  f1: number | null;
  auc: number | null;
  pearson: number | null;
  spearman: number | null;
}

export function confusion(truth: boolean[], predicted: boolean[]) {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (t && p) c.tp++;
    else if (!t && p) c.fp++;
    else if (!t && !p) c.tn++;
    else c.fn++;
  });
  return c;
}

export function accuracy(truth: boolean[], predicted: boolean[]): number | null {
  return truth.length ? truth.filter((t, i) => t === predicted[i]).length / truth.length : null;
}

/** Mean of the true-positive and true-negative rates: 0.5 for any constant or random guess. */
export function balancedAccuracy(truth: boolean[], predicted: boolean[]): number | null {
  const { tp, fp, tn, fn } = confusion(truth, predicted);
  if (tp + fn === 0 || tn + fp === 0) return null;
  return (tp / (tp + fn) + tn / (tn + fp)) / 2;
}

export function f1(truth: boolean[], predicted: boolean[]): number | null {
  const { tp, fp, fn } = confusion(truth, predicted);
  return 2 * tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn);
}

/** 1-based ranks, ties sharing the mean of the ranks they span. */
export function averageRanks(values: number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const r = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = r;
    start = end + 1;
  }
  return ranks;
}

/** ROC AUC by the rank (Mann-Whitney) method: ties between a positive and a negative count one half. */
export function auc(truth: boolean[], scores: number[]): number | null {
  const pos = truth.filter(Boolean).length;
  const neg = truth.length - pos;
  if (pos === 0 || neg === 0) return null;
  const ranks = averageRanks(scores);
  const rankSum = ranks.reduce((s, r, i) => s + (truth[i] ? r : 0), 0);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function pearson(x: number[], y: number[]): number | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Pearson correlation of the average ranks. */
export function spearman(x: number[], y: number[]): number | null {
  return pearson(averageRanks(x), averageRanks(y));
}

export function metricsOf(items: Judged[]): Metrics {
  const truth = items.map((j) => j.truth);
  const predicted = items.map((j) => j.predicted);
  const scores = items.map((j) => j.score);
  const human = items.map((j) => j.human);
  return {
    n: items.length,
    confusion: confusion(truth, predicted),
    accuracy: accuracy(truth, predicted),
    balancedAccuracy: balancedAccuracy(truth, predicted),
    f1: f1(truth, predicted),
    auc: auc(truth, scores),
    pearson: pearson(scores, human),
    spearman: spearman(scores, human),
  };
}
