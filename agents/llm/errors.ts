// Every failure of the model layer is an LlmError with a stable code, the underlying cause and whether
// trying again can help. Callers (role machines, the retry loop, tests) branch on `code` and `retryable`,
// never on message text (STYLE item 5).

export const llmErrorCodes = [
  "LLM_RATE_LIMITED", // 429 or an overloaded signal: wait and try again
  "LLM_SERVER_ERROR", // 5xx or a dropped connection
  "LLM_TIMEOUT", // one attempt exceeded its per-call timeout
  "LLM_INVALID_OUTPUT", // structured output still failed validation after the repair rounds
  "LLM_REFUSAL", // the model declined; repeating the same prompt will not change that
  "LLM_BAD_REQUEST", // 4xx other than 429: our request is wrong, or the key is (see `status`)
  "LLM_ABORTED", // the caller's AbortSignal fired
  "LLM_BUDGET_EXHAUSTED", // the hard USD/token budget would be exceeded
  "LLM_PRICE_UNKNOWN", // a cost was asked for a model missing from the price table
  "LLM_REPLAY_MISS", // replay mode met a request that was never recorded
  "LLM_SCRIPT_EXHAUSTED", // a scripted provider ran out of replies
] as const;

export type LlmErrorCode = (typeof llmErrorCodes)[number];

export interface LlmErrorOptions {
  cause?: unknown;
  /** Defaults per code: rate limits, server errors and timeouts are retryable, the rest are not. */
  retryable?: boolean;
  /** HTTP status when the error came from the wire. */
  status?: number;
  /** Server-suggested wait (from retry-after / retry-after-ms), honoured by the retry loop. */
  retryAfterMs?: number;
  /** Free-form facts for logs and tests, e.g. the request hash of a replay miss. */
  details?: Record<string, unknown>;
}

const retryableByDefault: ReadonlySet<LlmErrorCode> = new Set(["LLM_RATE_LIMITED", "LLM_SERVER_ERROR", "LLM_TIMEOUT"]);

export class LlmError extends Error {
  override readonly name = "LlmError";
  readonly code: LlmErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: LlmErrorCode, message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault.has(code);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
  }
}

export function isLlmError(value: unknown, code?: LlmErrorCode): value is LlmError {
  return value instanceof LlmError && (code === undefined || value.code === code);
}
