/**
 * Time as an injected dependency (STYLE.md item 7): rate limits and backoff wait through `clock.sleep`, so
 * tests pass a fake clock and assert on the waits instead of sleeping on the wall clock.
 */

export interface Clock {
  /** Milliseconds since the epoch (Retry-After may be an HTTP date, so this must be wall time). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
