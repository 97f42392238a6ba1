// A clock for tests: sleeping advances virtual time instead of waiting on the wall clock, and every requested
// sleep is recorded so a test asserts on the waits a source chose. Sleepers wake one per event-loop turn in
// order of their wake-up time, so what one sleeper does on waking (send a request, note the time) happens
// before time moves on to the next — as it would with real timers.
import type { Clock } from "../clock.ts";

export interface FakeClock extends Clock {
  /** Every requested sleep, in call order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  const pending: Sleeper[] = [];
  let scheduled = false;

  const wakeNext = (): void => {
    scheduled = false;
    const next = pending.shift();
    if (!next) return;
    time = Math.max(time, next.wakeAt);
    next.resolve();
    schedule();
  };
  const schedule = (): void => {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(wakeNext);
  };

  return {
    sleeps,
    now: () => time,
    advance(ms) {
      time += ms;
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = {
          wakeAt: time + ms,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          const index = pending.indexOf(sleeper);
          if (index !== -1) pending.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const at = pending.findIndex((other) => other.wakeAt > sleeper.wakeAt);
        pending.splice(at === -1 ? pending.length : at, 0, sleeper);
        schedule();
      });
    },
  };
}
