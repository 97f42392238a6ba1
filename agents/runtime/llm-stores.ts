// KV-backed persistence for the model layer: the run's ledger (so every replica, in any process, checks the same
// budget) and the recordings of model and literature answers (so `scientist run --replay` needs no network).
import type { KV } from "@nats-io/kv";
import { kvKey } from "../../bus/index.ts";
import {
  Ledger,
  type LedgerEntry,
  type LedgerJson,
  type PriceTable,
  type RecordedCall,
  type RecordingStore,
} from "../llm/index.ts";

const CAS_ATTEMPTS = 20;

/** The ledger of one run in KV, updated with compare-and-set so concurrent calls never lose each other's spend. */
export class LedgerStore {
  constructor(
    private readonly kv: KV,
    private readonly run: string,
    private readonly prices: PriceTable,
  ) {}

  private key(): string {
    return kvKey(this.run);
  }

  async load(): Promise<{ ledger: Ledger; revision: number }> {
    const entry = await this.kv.get(this.key());
    if (!entry || entry.operation !== "PUT" || entry.length === 0)
      return { ledger: Ledger.empty(this.prices), revision: 0 };
    return { ledger: Ledger.fromJSON(entry.json<LedgerJson>(), this.prices), revision: entry.revision };
  }

  async record(entry: LedgerEntry): Promise<Ledger> {
    for (let attempt = 1; ; attempt++) {
      const { ledger, revision } = await this.load();
      const next = ledger.record(entry);
      const data = JSON.stringify(next.toJSON());
      try {
        if (revision === 0) await this.kv.create(this.key(), data);
        else await this.kv.update(this.key(), data, revision);
        return next;
      } catch (error) {
        // Another replica recorded in between: reload and add ours on top.
        if (attempt >= CAS_ATTEMPTS) throw error;
      }
    }
  }
}

/** Reads a run's ledger without prices (report.json: the totals are already priced). */
export async function readLedger(kv: KV, run: string): Promise<LedgerJson | null> {
  const entry = await kv.get(kvKey(run));
  if (!entry || entry.operation !== "PUT" || entry.length === 0) return null;
  return entry.json<LedgerJson>();
}

/** Recorded answers of one run and one kind ("model" or "literature"), keyed by request hash. */
export function kvRecordingStore(kv: KV, run: string, kind: "model" | "literature"): RecordingStore {
  const key = (hash: string) => kvKey(run, kind, hash);
  return {
    async get(hash) {
      const entry = await kv.get(key(hash));
      if (!entry || entry.operation !== "PUT" || entry.length === 0) return undefined;
      return entry.json<RecordedCall>();
    },
    async put(hash, value) {
      await kv.put(key(hash), JSON.stringify(value));
    },
  };
}

/** Counts of the model layer's warnings for one run, by role, model and text, in the ledger bucket (CAS-updated). */
export class WarningStore {
  constructor(
    private readonly kv: KV,
    private readonly run: string,
  ) {}

  private key(): string {
    return kvKey(this.run, "warnings");
  }

  async read(): Promise<Array<{ role: string; model: string; warning: string; count: number }>> {
    const entry = await this.kv.get(this.key());
    if (!entry || entry.operation !== "PUT" || entry.length === 0) return [];
    return entry.json<Array<{ role: string; model: string; warning: string; count: number }>>();
  }

  async record(role: string, model: string, warnings: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const entry = await this.kv.get(this.key());
      const has = entry && entry.operation === "PUT" && entry.length > 0;
      const lines = has ? entry.json<Array<{ role: string; model: string; warning: string; count: number }>>() : [];
      for (const warning of warnings) {
        const line = lines.find((l) => l.role === role && l.model === model && l.warning === warning);
        if (line) line.count++;
        else lines.push({ role, model, warning, count: 1 });
      }
      try {
        if (!has) await this.kv.create(this.key(), JSON.stringify(lines));
        else await this.kv.update(this.key(), JSON.stringify(lines), entry.revision);
        return;
      } catch (error) {
        if (attempt >= CAS_ATTEMPTS) throw error;
      }
    }
  }
}
