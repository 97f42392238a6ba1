/**
 * A token bucket, kept as the equivalent "generic cell rate algorithm": instead of counting tokens it keeps the
 * time at which the bucket will next be full, so a reservation is one synchronous step. Concurrent callers
 * therefore queue in call order without a lock, each learning at once how long it must wait.
 *
 * Semantic Scholar allows 1 request/s per key (capacity 1, interval 1000 ms); arXiv asks for 3 s between
 * requests (capacity 1, interval 3000 ms). The bucket is per process: replicas on other hosts share the
 * service's quota but not this bucket, which is why 429 answers are still handled (http-client.ts).
 */
import { abortedError } from "./errors.ts";
import { systemClock, type Clock } from "./clock.ts";

export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects with LITERATURE_ABORTED if the signal fires first. */
  take(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** Time for one token to refill: 1000 for 1 request/s. */
  intervalMs: number;
  /** Requests that may go out back to back after a quiet period; default 1 (strict spacing). */
  capacity?: number;
  clock?: Clock;
}

export function createTokenBucket(options: TokenBucketOptions): RateLimiter {
  const { intervalMs } = options;
  const capacity = options.capacity ?? 1;
  const clock = options.clock ?? systemClock;
  if (!(intervalMs >= 0) || !Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(
      `token bucket needs intervalMs >= 0 and a whole capacity >= 1 (got ${intervalMs}, ${capacity})`,
    );
  }
  const burstMs = (capacity - 1) * intervalMs;
  // Theoretical arrival time: when the last reserved token will have been refilled.
  let fullAt = Number.NEGATIVE_INFINITY;

  return {
    async take(signal) {
      if (signal?.aborted) throw abortedError(signal);
      const now = clock.now();
      const sendAt = Math.max(now, fullAt - burstMs);
      fullAt = Math.max(fullAt, sendAt) + intervalMs;
      // An aborted wait keeps its reservation: callers behind it were already given later slots, so handing
      // it back could only help a caller still to come, and being conservative costs at most one interval.
      if (sendAt > now) {
        try {
          await clock.sleep(sendAt - now, signal);
        } catch (error) {
          if (signal?.aborted) throw abortedError(signal);
          throw error;
        }
      }
    },
  };
}
