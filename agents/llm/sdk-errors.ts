// The OpenAI and Anthropic SDKs are generated from the same template and throw the same family of errors.
// This maps that family onto LlmError codes once, for both adapters.
import { LlmError } from "./errors.ts";

/** The subset of an SDK's error classes this mapping needs (both SDKs export these names). */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error & { status?: number | undefined; headers?: Headers | undefined };
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

/** Reads retry-after-ms (milliseconds) or retry-after (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now: () => number = Date.now): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

export function toLlmError(error: unknown, classes: SdkErrorClasses, provider: string): unknown {
  if (error instanceof LlmError) return error;
  // Order matters: the timeout and abort errors are subclasses of APIError/APIConnectionError.
  if (error instanceof classes.APIConnectionTimeoutError) {
    return new LlmError("LLM_TIMEOUT", `${provider}: request timed out`, { cause: error });
  }
  if (error instanceof classes.APIUserAbortError) {
    // The retry loop decides whether this abort was our timeout or the caller's signal.
    return new LlmError("LLM_ABORTED", `${provider}: request aborted`, { cause: error });
  }
  if (error instanceof classes.APIConnectionError) {
    return new LlmError("LLM_SERVER_ERROR", `${provider}: connection failed`, { cause: error, retryable: true });
  }
  if (error instanceof classes.APIError) {
    const status = error.status;
    const base = { cause: error, ...(status !== undefined && { status }) };
    const wait = retryAfterMs(error.headers);
    const withWait = { ...base, ...(wait !== undefined && { retryAfterMs: wait }) };
    if (status === 429) return new LlmError("LLM_RATE_LIMITED", `${provider}: rate limited (429)`, withWait);
    if (status === 408) return new LlmError("LLM_TIMEOUT", `${provider}: server timed out (408)`, withWait);
    if (status === 409)
      return new LlmError("LLM_SERVER_ERROR", `${provider}: conflict (409)`, { ...withWait, retryable: true });
    if (status !== undefined && status >= 500) {
      return new LlmError("LLM_SERVER_ERROR", `${provider}: server error (${status})`, withWait);
    }
    return new LlmError(
      "LLM_BAD_REQUEST",
      `${provider}: request rejected (${status ?? "no status"}): ${error.message}`,
      base,
    );
  }
  return error; // not from the SDK: let the caller see it unchanged
}
