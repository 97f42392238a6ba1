// Prices and spend. The ledger is a plain immutable value (record() returns a new ledger) so it can live in a
// machine's context or a KV entry; persisting it is the caller's job (toJSON/fromJSON).
import { LlmError } from "./errors.ts";
import type { Usage } from "./types.ts";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export function costOf(usage: Usage, model: string, table: PriceTable): number {
  const price = table[model];
  if (!price) {
    // A hard budget cannot be enforced on a model we cannot price, so this is loud rather than zero.
    throw new LlmError(
      "LLM_PRICE_UNKNOWN",
      `no price for model "${model}"; known: ${Object.keys(table).join(", ") || "none"}`,
      {
        details: { model },
      },
    );
  }
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cachedReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000
  );
}

export interface SpendTotals {
  calls: number;
  usd: number;
  inputTokens: number;
  outputTokens: number;
  cachedReadTokens: number;
  cacheWriteTokens: number;
}

export interface LedgerEntry {
  role: string;
  /** The idea (correlation id) the call was made for; omitted for calls outside any idea. */
  idea?: string;
  model: string;
  usage: Usage;
}

/** A hard limit; either bound may be omitted. Tokens count input, output, cache reads and cache writes. */
export interface Budget {
  maxUsd?: number;
  maxTokens?: number;
}

export interface LedgerJson {
  v: 1;
  total: SpendTotals;
  byRole: Record<string, SpendTotals>;
  byModel: Record<string, SpendTotals>;
  byIdea: Record<string, SpendTotals>;
}

const emptyTotals: SpendTotals = Object.freeze({
  calls: 0,
  usd: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedReadTokens: 0,
  cacheWriteTokens: 0,
});

function tokensOf(totals: SpendTotals | Usage): number {
  return totals.inputTokens + totals.outputTokens + totals.cachedReadTokens + totals.cacheWriteTokens;
}

function add(totals: SpendTotals | undefined, usage: Usage, usd: number): SpendTotals {
  const base = totals ?? emptyTotals;
  return {
    calls: base.calls + 1,
    usd: base.usd + usd,
    inputTokens: base.inputTokens + usage.inputTokens,
    outputTokens: base.outputTokens + usage.outputTokens,
    cachedReadTokens: base.cachedReadTokens + usage.cachedReadTokens,
    cacheWriteTokens: base.cacheWriteTokens + usage.cacheWriteTokens,
  };
}

export class Ledger {
  private constructor(
    private readonly prices: PriceTable,
    private readonly state: LedgerJson,
  ) {}

  static empty(prices: PriceTable): Ledger {
    return new Ledger(prices, { v: 1, total: emptyTotals, byRole: {}, byModel: {}, byIdea: {} });
  }

  /** Prices are not serialised: the cost of past calls is already folded into the totals. */
  static fromJSON(json: LedgerJson, prices: PriceTable): Ledger {
    if (json.v !== 1) throw new TypeError(`unsupported ledger version ${String(json.v)}`);
    return new Ledger(prices, structuredClone(json));
  }

  /** Returns a new ledger including this call; the cost is priced now, at today's table. */
  record(entry: LedgerEntry): Ledger {
    const usd = costOf(entry.usage, entry.model, this.prices);
    const s = this.state;
    return new Ledger(this.prices, {
      v: 1,
      total: add(s.total, entry.usage, usd),
      byRole: { ...s.byRole, [entry.role]: add(s.byRole[entry.role], entry.usage, usd) },
      byModel: { ...s.byModel, [entry.model]: add(s.byModel[entry.model], entry.usage, usd) },
      byIdea:
        entry.idea === undefined
          ? s.byIdea
          : { ...s.byIdea, [entry.idea]: add(s.byIdea[entry.idea], entry.usage, usd) },
    });
  }

  get total(): SpendTotals {
    return this.state.total;
  }

  totals(): Pick<LedgerJson, "total" | "byRole" | "byModel" | "byIdea"> {
    return structuredClone(this.state);
  }

  /**
   * True when spend so far, plus an optional expected next call, would go past the budget. Checking the
   * pending call (an estimate, e.g. prompt size plus maxTokens) keeps a hard budget hard, not "one call over".
   */
  wouldExceed(budget: Budget, pending?: { model: string; usage: Usage }): boolean {
    const pendingUsd = pending ? costOf(pending.usage, pending.model, this.prices) : 0;
    const pendingTokens = pending ? tokensOf(pending.usage) : 0;
    if (budget.maxUsd !== undefined && this.state.total.usd + pendingUsd > budget.maxUsd) return true;
    if (budget.maxTokens !== undefined && tokensOf(this.state.total) + pendingTokens > budget.maxTokens) return true;
    return false;
  }

  /** Throws LLM_BUDGET_EXHAUSTED when wouldExceed; for call sites that want the coded error. */
  assertWithin(budget: Budget, pending?: { model: string; usage: Usage }): void {
    if (this.wouldExceed(budget, pending)) {
      throw new LlmError(
        "LLM_BUDGET_EXHAUSTED",
        `budget exhausted: spent $${this.state.total.usd.toFixed(4)}, ${tokensOf(this.state.total)} tokens`,
        {
          details: { budget, total: this.state.total },
        },
      );
    }
  }

  toJSON(): LedgerJson {
    return structuredClone(this.state);
  }
}
