// The only retry policy of the model layer: the SDKs are built with maxRetries: 0 so that attempts, waits and
// timeouts are counted in one place and are visible to tests through the injected `sleep` and `random`.
import { LlmError } from "./errors.ts";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Retries after the first attempt; bounded by construction, never unbounded. */
  maxRetries: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A server asking for a longer wait than this is still honoured, but only up to this cap. */
  maxRetryAfterMs?: number;
  sleep?: Sleep;
  /** In [0, 1); drives jitter. */
  random?: () => number;
  /** Observability hook: called before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: LlmError }) => void;
}

export const defaultRetryDelays = { baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 } as const;

/** Real-time sleep that stops early (rejecting) when the signal fires. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so replicas hitting the same
 * 429 spread out while each still waits at least half the step. A retry-after from the server wins when given.
 */
export function backoffDelay(attempt: number, error: LlmError, policy: RetryPolicy): number {
  const base = policy.baseDelayMs ?? defaultRetryDelays.baseDelayMs;
  const max = policy.maxDelayMs ?? defaultRetryDelays.maxDelayMs;
  if (error.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, error.retryAfterMs), policy.maxRetryAfterMs ?? defaultRetryDelays.maxRetryAfterMs);
  }
  const step = Math.min(max, base * 2 ** attempt);
  const random = policy.random ?? Math.random;
  return step / 2 + (step / 2) * random();
}

function abortedError(signal: AbortSignal): LlmError {
  return new LlmError("LLM_ABORTED", "the model call was cancelled", { cause: signal.reason });
}

/**
 * Runs `attempt` with a fresh per-attempt signal that fires on the caller's abort or on the timeout, and retries
 * retryable LlmErrors. The timeout/abort distinction is made here, because the SDKs report both as an abort.
 */
export async function withRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  for (let attemptIndex = 0; ; attemptIndex++) {
    if (signal?.aborted) throw abortedError(signal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${policy.timeoutMs} ms`));
    }, policy.timeoutMs);
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forwardAbort, { once: true });
    let error: LlmError;
    try {
      return await attempt(controller.signal);
    } catch (thrown) {
      if (signal?.aborted) throw abortedError(signal);
      if (timedOut) {
        error = new LlmError("LLM_TIMEOUT", `no answer within ${policy.timeoutMs} ms`, { cause: thrown });
      } else if (thrown instanceof LlmError) {
        error = thrown;
      } else {
        throw thrown; // not a wire condition: a bug, so surface it unchanged
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forwardAbort);
    }
    if (!error.retryable || attemptIndex >= policy.maxRetries) {
      if (attemptIndex > 0) error.details["attempts"] = attemptIndex + 1;
      throw error;
    }
    const delayMs = backoffDelay(attemptIndex, error, policy);
    policy.onRetry?.({ attempt: attemptIndex + 1, delayMs, error });
    try {
      await sleep(delayMs, signal);
    } catch (sleepError) {
      if (signal?.aborted) throw abortedError(signal);
      throw sleepError;
    }
  }
}
