import { isBusError, isTransientNatsError } from "../../../bus/index.ts";

/**
 * A bus fault that may pass (NATS down or slow, an object store not reachable): never a result of the idea. Looks
 * down the cause chain, since effects wrap what they call.
 */
export function isTransientBusFault(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    if (isBusError(e)) return e.retryable;
    if (isTransientNatsError(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The action of an `onError` branch guarded by isTransientBusFault: throwing makes the machine error, so the
 * runtime naks the delivery with backoff and the step runs again from the last settled snapshot — instead of the
 * fault being recorded as a failed experiment or idea.
 */
export function rethrowError({ event }: { event: unknown }): never {
  throw (event as { error?: unknown }).error;
}

/** The last few errors a machine got past without failing (kept in its snapshot, where the operator reads it). */
export function withWarning(warnings: readonly string[] | undefined, warning: string): string[] {
  return [...(warnings ?? []), warning].slice(-20);
}

/**
 * The first `onError` branch of an invoke in every role machine: a transient bus fault fails the step for
 * redelivery (rethrowError) instead of taking the branches after it, which record the failure.
 */
export const retryOnBusFault = {
  guard: ({ event }: { event: { error: unknown } }) => isTransientBusFault(event.error),
  actions: rethrowError,
};
