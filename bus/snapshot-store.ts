import type { KV } from "@nats-io/kv";
import { BusError, isWrongLastSequence } from "./errors.ts";
import { kvKey } from "./subjects.ts";

export interface StoredSnapshot<T> {
  value: T;
  /** KV revision, for compare-and-set; 0 when absent. */
  revision: number;
}

/** Actor snapshots in KV, written with compare-and-set so two replicas can never both advance one actor. */
export class SnapshotStore {
  constructor(private readonly kv: KV) {}

  key(run: string, role: string, correlation: string): string {
    return kvKey(run, role, correlation);
  }

  async load<T>(key: string): Promise<StoredSnapshot<T> | null> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== "PUT" || entry.length === 0) return null;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  /**
   * Writes iff the stored revision is still `revision` (0 = must not exist). Throws BUS_CAS_CONFLICT when another
   * writer got there first (the server's wrong-last-sequence answer), BUS_KV_FAILED with the cause for anything else.
   */
  async save<T>(key: string, value: T, revision: number): Promise<number> {
    const data = JSON.stringify(value);
    try {
      return revision === 0 ? await this.kv.create(key, data) : await this.kv.update(key, data, revision);
    } catch (error) {
      if (isWrongLastSequence(error)) {
        throw new BusError("BUS_CAS_CONFLICT", `snapshot ${key} changed since revision ${revision}`, {
          cause: error,
          retryable: true,
        });
      }
      throw new BusError("BUS_KV_FAILED", `snapshot ${key} not saved: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }
}

/** Records of effects that completed, so a redelivered message reuses the result instead of redoing the work. */
export class EffectJournal {
  constructor(private readonly kv: KV) {}

  async get<T>(key: string): Promise<T | null> {
    const entry = await this.kv.get(kvKey(key));
    if (!entry || entry.operation !== "PUT" || entry.length === 0) return null;
    return entry.json<{ result: T }>().result;
  }

  async put<T>(key: string, result: T): Promise<void> {
    await this.kv.put(kvKey(key), JSON.stringify({ result, at: new Date().toISOString() }));
  }

  /** Runs `work` once per key: a completed result is returned as is on any later call. */
  async once<T>(
    key: string,
    work: () => Promise<T>,
    keep: (result: T) => boolean = () => true,
  ): Promise<{ result: T; reused: boolean }> {
    const done = await this.get<T>(key);
    if (done !== null) return { result: done, reused: true };
    const result = await work();
    if (keep(result)) await this.put(key, result);
    return { result, reused: false };
  }
}
