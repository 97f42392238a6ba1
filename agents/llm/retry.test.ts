import { describe, expect, it } from "vitest";
import { LlmError, isLlmError } from "./errors.ts";
import { backoffDelay, withRetry, type RetryPolicy } from "./retry.ts";

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    maxRetries: 3,
    timeoutMs: 10_000,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    sleeps,
    ...overrides,
  };
}

function failing(...errors: LlmError[]): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    attempt: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return "done";
    },
    calls: () => calls,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("withRetry", () => {
  it("retries retryable errors with growing, jittered delays until success", async () => {
    const retry = policy({ baseDelayMs: 100 });
    const script = failing(new LlmError("LLM_SERVER_ERROR", "500"), new LlmError("LLM_RATE_LIMITED", "429"));
    await expect(withRetry(script.attempt, retry)).resolves.toBe("done");
    expect(script.calls()).toBe(3);
    expect(retry.sleeps).toEqual([75, 150]); // step/2 + step/2 * 0.5, with steps 100 and 200
  });

  it("is bounded: after maxRetries it throws the last error with the attempt count", async () => {
    const retry = policy({ maxRetries: 2 });
    const script = failing(...Array.from({ length: 10 }, () => new LlmError("LLM_SERVER_ERROR", "500")));
    const error = await caught(withRetry(script.attempt, retry));
    expect(isLlmError(error, "LLM_SERVER_ERROR")).toBe(true);
    expect((error as LlmError).details["attempts"]).toBe(3);
    expect(script.calls()).toBe(3);
  });

  it("does not retry errors that cannot be helped by retrying", async () => {
    const retry = policy();
    const script = failing(new LlmError("LLM_BAD_REQUEST", "400"));
    expect(isLlmError(await caught(withRetry(script.attempt, retry)), "LLM_BAD_REQUEST")).toBe(true);
    expect(script.calls()).toBe(1);
    expect(retry.sleeps).toEqual([]);
  });

  it("honours the server's retry-after, up to a cap", async () => {
    const retry = policy({ maxRetryAfterMs: 5_000 });
    const script = failing(
      new LlmError("LLM_RATE_LIMITED", "429", { retryAfterMs: 2_000 }),
      new LlmError("LLM_RATE_LIMITED", "429", { retryAfterMs: 3_600_000 }),
    );
    await withRetry(script.attempt, retry);
    expect(retry.sleeps).toEqual([2_000, 5_000]);
  });

  it("caps the exponential step at maxDelayMs", () => {
    const error = new LlmError("LLM_SERVER_ERROR", "500");
    expect(
      backoffDelay(20, error, { maxRetries: 30, timeoutMs: 1, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 1 }),
    ).toBe(1_000);
    expect(backoffDelay(0, error, { maxRetries: 30, timeoutMs: 1, baseDelayMs: 100, random: () => 0 })).toBe(50);
  });

  it("turns an attempt that outlives the timeout into a retryable LLM_TIMEOUT", async () => {
    const retry = policy({ timeoutMs: 20, maxRetries: 0 });
    const hang = (signal: AbortSignal) =>
      new Promise<string>((_, reject) =>
        signal.addEventListener("abort", () => reject(new LlmError("LLM_ABORTED", "sdk abort"))),
      );
    const error = await caught(withRetry(hang, retry));
    expect(isLlmError(error, "LLM_TIMEOUT")).toBe(true);
    expect((error as LlmError).retryable).toBe(true);
  });

  it("stops with LLM_ABORTED when the caller aborts during a backoff wait", async () => {
    const controller = new AbortController();
    let sleeping!: () => void;
    const asleep = new Promise<void>((resolve) => (sleeping = resolve));
    const retry = policy({
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason));
          sleeping();
        }),
    });
    const script = failing(new LlmError("LLM_SERVER_ERROR", "500"));
    const pending = caught(withRetry(script.attempt, retry, controller.signal));
    await asleep;
    controller.abort();
    expect(isLlmError(await pending, "LLM_ABORTED")).toBe(true);
    expect(script.calls()).toBe(1);
  });

  it("does not start when the signal is already aborted", async () => {
    const script = failing();
    const error = await caught(withRetry(script.attempt, policy(), AbortSignal.abort()));
    expect(isLlmError(error, "LLM_ABORTED")).toBe(true);
    expect(script.calls()).toBe(0);
  });

  it("lets an error that is not an LlmError through unchanged, without retrying", async () => {
    const bug = new TypeError("bug");
    let calls = 0;
    const error = await caught(withRetry(async () => (calls++, Promise.reject(bug)), policy()));
    expect(error).toBe(bug);
    expect(calls).toBe(1);
  });
});
