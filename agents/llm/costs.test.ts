import { describe, expect, it } from "vitest";
import { costOf, Ledger, type PriceTable } from "./costs.ts";
import { isLlmError } from "./errors.ts";

const prices: PriceTable = {
  "big-model": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  "small-model": { input: 0.25, output: 1.25, cacheRead: 0.025, cacheWrite: 0.3 },
};
const million = { inputTokens: 1_000_000, outputTokens: 0, cachedReadTokens: 0, cacheWriteTokens: 0 };

describe("costOf", () => {
  it("prices each kind of token at its own rate", () => {
    expect(
      costOf(
        { inputTokens: 1_000_000, outputTokens: 100_000, cachedReadTokens: 2_000_000, cacheWriteTokens: 400_000 },
        "big-model",
        prices,
      ),
    ).toBeCloseTo(3 + 1.5 + 0.6 + 1.5);
  });

  it("refuses to price an unknown model instead of calling it free", () => {
    let error: unknown;
    try {
      costOf(million, "mystery", prices);
    } catch (thrown) {
      error = thrown;
    }
    expect(isLlmError(error, "LLM_PRICE_UNKNOWN")).toBe(true);
  });
});

describe("Ledger", () => {
  const call = (role: string, model: string, idea?: string) => ({
    role,
    model,
    ...(idea && { idea }),
    usage: { inputTokens: 1_000, outputTokens: 500, cachedReadTokens: 0, cacheWriteTokens: 0 },
  });

  it("keeps totals per role, per model and per idea", () => {
    const ledger = Ledger.empty(prices)
      .record(call("reviewer", "big-model", "idea-1"))
      .record(call("reviewer", "small-model", "idea-2"))
      .record(call("ideator", "big-model"));
    const totals = ledger.totals();
    expect(totals.total.calls).toBe(3);
    expect(totals.byRole["reviewer"]!.calls).toBe(2);
    expect(totals.byModel["big-model"]!.usd).toBeCloseTo(2 * (0.003 + 0.0075));
    expect(Object.keys(totals.byIdea)).toEqual(["idea-1", "idea-2"]);
    expect(totals.total.inputTokens).toBe(3_000);
  });

  it("is a value: recording returns a new ledger and leaves the old one alone", () => {
    const empty = Ledger.empty(prices);
    const one = empty.record(call("writer", "small-model"));
    expect(empty.total.calls).toBe(0);
    expect(one.total.calls).toBe(1);
  });

  it("survives a JSON round trip", () => {
    const ledger = Ledger.empty(prices).record(call("coder", "big-model", "idea-9"));
    const restored = Ledger.fromJSON(JSON.parse(JSON.stringify(ledger)), prices);
    expect(restored.toJSON()).toEqual(ledger.toJSON());
    expect(restored.record(call("coder", "big-model")).total.calls).toBe(2);
  });

  it("says when a USD or token budget would be exceeded, counting the pending call", () => {
    const ledger = Ledger.empty(prices).record({ role: "writer", model: "big-model", usage: million }); // $3, 1M tokens
    expect(ledger.wouldExceed({ maxUsd: 5 })).toBe(false);
    expect(ledger.wouldExceed({ maxUsd: 5 }, { model: "big-model", usage: million })).toBe(true); // $6
    expect(ledger.wouldExceed({ maxTokens: 1_500_000 }, { model: "small-model", usage: million })).toBe(true);
    expect(ledger.wouldExceed({ maxTokens: 2_000_000 }, { model: "small-model", usage: million })).toBe(false);
    expect(ledger.wouldExceed({})).toBe(false);
  });

  it("throws LLM_BUDGET_EXHAUSTED from assertWithin once the budget is spent", () => {
    const ledger = Ledger.empty(prices).record({ role: "writer", model: "big-model", usage: million });
    expect(() => ledger.assertWithin({ maxUsd: 10 })).not.toThrow();
    let error: unknown;
    try {
      ledger.assertWithin({ maxUsd: 2 });
    } catch (thrown) {
      error = thrown;
    }
    expect(isLlmError(error, "LLM_BUDGET_EXHAUSTED")).toBe(true);
  });
});
