import { afterEach, describe, expect, it, vi } from "vitest";
import { createWarmPool } from "./docker-warm-pool.ts";
import { silentLogger } from "./sandbox-logger.ts";

/** A pool of numbered fake entries that records what it discarded; `settled` resolves once fills are done. */
function fakePool(size: number, idleMs = 60_000) {
  const discarded: number[] = [];
  let made = 0;
  const pool = createWarmPool<number>({
    size,
    idleMs,
    discard: async (entry) => void discarded.push(entry),
    logger: silentLogger,
  });
  const fills: Promise<number>[] = [];
  const prepare = () => {
    const fill = Promise.resolve(++made);
    fills.push(fill);
    return fill;
  };
  // Fill promises resolve first, then the pool's own then/finally: flush a few microtask turns.
  const settled = async () => {
    await Promise.all(fills);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { pool, prepare, discarded, settled };
}

afterEach(() => void vi.useRealTimers());

describe("the warm pool", () => {
  it("hands each prepared entry out once, then has none for that shape", async () => {
    const { pool, prepare, settled } = fakePool(2);
    pool.refill("a", prepare);
    await settled();
    expect(pool.take("a")).toBe(1);
    expect(pool.take("a")).toBeNull();
    expect(pool.take("b")).toBeNull();
  });

  it("prepares at most one entry per shape at a time", async () => {
    const { pool, prepare, settled } = fakePool(4);
    pool.refill("a", prepare);
    pool.refill("a", prepare);
    await settled();
    pool.refill("a", prepare);
    await settled();
    expect(pool.waiting()).toBe(1);
  });

  it("keeps at most size entries, discarding the oldest", async () => {
    const { pool, prepare, discarded, settled } = fakePool(2);
    for (const key of ["a", "b", "c"]) {
      pool.refill(key, prepare);
      await settled();
    }
    expect(pool.waiting()).toBe(2);
    expect(discarded).toEqual([1]);
    expect(pool.take("c")).toBe(3);
  });

  it("prepares nothing when its size is 0", async () => {
    const { pool, prepare, settled } = fakePool(0);
    pool.refill("a", prepare);
    await settled();
    expect(pool.take("a")).toBeNull();
  });

  it("discards an entry that waited longer than idleMs", async () => {
    vi.useFakeTimers();
    const { pool, prepare, discarded, settled } = fakePool(2, 1_000);
    pool.refill("a", prepare);
    await settled();
    vi.advanceTimersByTime(1_001);
    expect(discarded).toEqual([1]);
    expect(pool.take("a")).toBeNull();
  });

  it("discards every waiting entry on close and prepares none after", async () => {
    const { pool, prepare, discarded, settled } = fakePool(2);
    pool.refill("a", prepare);
    pool.refill("b", prepare);
    await pool.close();
    expect(discarded.sort()).toEqual([1, 2]);
    pool.refill("c", prepare);
    await settled();
    expect(pool.waiting()).toBe(0);
  });
});
