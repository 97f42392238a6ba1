import { describe, expect, it } from "vitest";
import {
  accuracy,
  auc,
  averageRanks,
  balancedAccuracy,
  confusion,
  f1,
  metricsOf,
  pearson,
  spearman,
} from "./metrics.ts";

const T = true;
const F = false;

describe("benchmark metrics on hand-computed cases", () => {
  it("counts the confusion matrix with Accept as the positive class", () => {
    expect(confusion([T, T, F, F, F], [T, F, T, F, F])).toEqual({ tp: 1, fn: 1, fp: 1, tn: 2 });
  });

  it("accuracy, balanced accuracy and F1", () => {
    const truth = [T, T, F, F, F];
    const pred = [T, F, T, F, F];
    expect(accuracy(truth, pred)).toBeCloseTo(3 / 5);
    // TPR 1/2, TNR 2/3
    expect(balancedAccuracy(truth, pred)).toBeCloseTo((1 / 2 + 2 / 3) / 2);
    // 2TP / (2TP + FP + FN) = 2 / 4
    expect(f1(truth, pred)).toBeCloseTo(0.5);
  });

  it("a constant guess has balanced accuracy 0.5 however skewed the classes", () => {
    const truth = [T, F, F, F, F, F, F, F, F, F];
    expect(
      accuracy(
        truth,
        truth.map(() => F),
      ),
    ).toBeCloseTo(0.9);
    expect(
      balancedAccuracy(
        truth,
        truth.map(() => F),
      ),
    ).toBe(0.5);
    expect(
      balancedAccuracy(
        truth,
        truth.map(() => T),
      ),
    ).toBe(0.5);
    expect(
      f1(
        truth,
        truth.map(() => F),
      ),
    ).toBe(0);
  });

  it("undefined figures are null, not 0 or NaN", () => {
    expect(balancedAccuracy([T, T], [T, F])).toBeNull();
    expect(auc([T, T], [1, 2])).toBeNull();
    expect(f1([F, F], [F, F])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(accuracy([], [])).toBeNull();
  });

  it("average ranks share ties", () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 2])).toEqual([3, 1, 2]);
  });

  it("AUC by ranks: perfect, inverted, and ties counting one half", () => {
    expect(auc([F, F, T, T], [1, 2, 3, 4])).toBe(1);
    expect(auc([F, F, T, T], [4, 3, 2, 1])).toBe(0);
    expect(auc([F, T], [5, 5])).toBe(0.5);
    // Positives 6, 6; negatives 6, 4: pairs (6>4)=1, (6=6)=0.5, twice each -> 3 of 4.
    expect(auc([T, T, F, F], [6, 6, 6, 4])).toBe(0.75);
  });

  it("Pearson and Spearman", () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    // x = 1..4, y = 1, 3, 2, 4: r = 0.8 by hand (sxy 4, sxx 5, syy 5)
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8);
    // Monotone but not linear: Spearman 1, Pearson below 1.
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1);
    expect(pearson([1, 2, 3, 4], [1, 10, 100, 1000])!).toBeLessThan(0.95);
  });

  it("metricsOf bundles them", () => {
    const m = metricsOf([
      { truth: T, predicted: T, score: 7, human: 6.5 },
      { truth: F, predicted: F, score: 4, human: 4 },
      { truth: F, predicted: T, score: 6, human: 5 },
    ]);
    expect(m).toMatchObject({ n: 3, confusion: { tp: 1, fp: 1, tn: 1, fn: 0 }, auc: 1 });
    expect(m.balancedAccuracy).toBeCloseTo(0.75);
    expect(m.spearman).toBeCloseTo(1);
  });
});
