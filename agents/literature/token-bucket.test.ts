import { describe, expect, it } from "vitest";
import { createTokenBucket, type Clock } from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";

/** Takes `count` tokens in parallel and returns the virtual times at which each was granted. */
async function grantTimes(take: () => Promise<void>, clock: Clock, count: number): Promise<number[]> {
  const start = clock.now();
  return Promise.all(Array.from({ length: count }, () => take().then(() => clock.now() - start)));
}

describe("token bucket", () => {
  it("with capacity 1 spaces requests one interval apart, in call order", async () => {
    const clock = createFakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000, clock });
    expect(await grantTimes(() => bucket.take(), clock, 4)).toEqual([0, 1000, 2000, 3000]);
  });

  it("lets a full bucket's burst through at once, then refills one token per interval", async () => {
    const clock = createFakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000, capacity: 3, clock });
    expect(await grantTimes(() => bucket.take(), clock, 5)).toEqual([0, 0, 0, 1000, 2000]);
    clock.advance(10_000); // a long quiet spell refills the bucket, but never beyond its capacity
    expect(await grantTimes(() => bucket.take(), clock, 4)).toEqual([0, 0, 0, 1000]);
  });

  it("does not wait when the interval has already passed", async () => {
    const clock = createFakeClock();
    const bucket = createTokenBucket({ intervalMs: 3000, clock });
    await bucket.take();
    clock.advance(5000);
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
  });

  it("stops waiting with LITERATURE_ABORTED when the caller's signal fires", async () => {
    // A clock whose sleeps never end by themselves, so only the abort can end this one.
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true }),
        ),
    };
    const bucket = createTokenBucket({ intervalMs: 1000, clock });
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "LITERATURE_ABORTED" });
    await expect(bucket.take(AbortSignal.abort())).rejects.toMatchObject({ code: "LITERATURE_ABORTED" });
  });

  it("refuses a capacity below one", () => {
    expect(() => createTokenBucket({ intervalMs: 1000, capacity: 0 })).toThrow(RangeError);
  });
});
