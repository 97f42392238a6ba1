import { describe, expect, it } from "vitest";
import { numberTokens } from "./numbers.ts";

const one = (text: string) => {
  const tokens = numberTokens(text);
  expect(tokens).toHaveLength(1);
  return tokens[0]!;
};

describe("numberTokens", () => {
  it("keeps the printed precision", () => {
    expect(one("reaches 0.9781 here")).toMatchObject({ value: 0.9781, decimals: 4, sig: 4, percent: false });
    expect(one("reaches 97.8% here")).toMatchObject({ value: 97.8, decimals: 1, sig: 3, percent: true, text: "97.8%" });
    expect(one("reaches 97.81 % here")).toMatchObject({ value: 97.81, decimals: 2, percent: true, text: "97.81 %" });
    expect(one("a gap of 0.0120")).toMatchObject({ decimals: 4, sig: 3 });
    expect(one("and .978 without a zero")).toMatchObject({ value: 0.978, decimals: 3, text: ".978" });
  });

  it("reads scientific notation with the exponent's precision", () => {
    expect(one("is 1.2e-3.")).toMatchObject({ value: 0.0012, decimals: 4, sig: 2 });
    expect(one("is 1.2E-03")).toMatchObject({ value: 0.0012, decimals: 4 });
    expect(one("is 1.2 × 10^-3")).toMatchObject({ value: 0.0012, decimals: 4 });
    expect(one("is 10^-3")).toMatchObject({ value: 0.001, decimals: 3 });
  });

  it("reads signs, the unicode minus and thousands separators", () => {
    expect(one("is −0.35")).toMatchObject({ value: -0.35, negative: true });
    expect(one("(-0.35)")).toMatchObject({ value: -0.35, negative: true });
    expect(one("7,500 points")).toMatchObject({ value: 7500, decimals: 0, plainInteger: false });
    expect(numberTokens("0.91-0.95").map((t) => t.value)).toEqual([0.91, 0.95]);
    expect(numberTokens("lists 1,2 and 3").map((t) => t.value)).toEqual([1, 2, 3]);
  });

  it("reads percentage points, not percent, from pp and 'percentage points'", () => {
    expect(one("by 12.5 pp")).toMatchObject({ points: true, percent: false });
    expect(one("by 12.5 percentage points")).toMatchObject({ points: true, percent: false });
    expect(one("by 12.5 percent")).toMatchObject({ points: false, percent: true });
  });

  it("skips digits that are parts of names", () => {
    expect(numberTokens("ResNet-50, GPT-4, CIFAR10, v2, run_2, x1.5.2")).toEqual([]);
  });
});
