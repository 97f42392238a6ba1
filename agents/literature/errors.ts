/** Literature errors carry a code, a cause and whether retrying can help (STYLE.md item 5). */

export type LiteratureErrorCode =
  /** The corpus file does not exist and no fallback corpus was allowed. */
  | "LITERATURE_CORPUS_MISSING"
  /** The corpus file exists but could not be read. */
  | "LITERATURE_CORPUS_UNREADABLE"
  /** A corpus line is not JSON or not a paper record (strict mode only); the message names the line. */
  | "LITERATURE_BAD_LINE"
  /** The caller's AbortSignal fired before the search finished. */
  | "LITERATURE_ABORTED"
  /** limit is not a whole number >= 0 (the caller's mistake: no other source would do better). */
  | "LITERATURE_BAD_REQUEST"
  /** The service kept answering 429 through every retry, or asked for a longer wait than we allow. Retryable. */
  | "LITERATURE_RATE_LIMITED"
  /** The service answered 5xx through every retry. Retryable. */
  | "LITERATURE_SERVER_ERROR"
  /** The service refused the request (4xx other than 429: bad key, malformed query). Not retryable. */
  | "LITERATURE_REJECTED"
  /** No HTTP answer at all (connection refused, reset, DNS). Retryable. */
  | "LITERATURE_NETWORK"
  /** One attempt took longer than its timeout. Retryable. */
  | "LITERATURE_TIMEOUT"
  /** A 2xx answer whose body is not the wire format we expect. */
  | "LITERATURE_BAD_RESPONSE"
  /** Every source of a fallback chain failed; `failures` names each source's error. */
  | "LITERATURE_UNAVAILABLE"
  /** A source threw something that is not a LiteratureError (wrapped so a chain can report it). */
  | "LITERATURE_SOURCE_FAILED"
  /** A source spec (kind, options) is invalid; the message lists what is allowed. */
  | "LITERATURE_BAD_CONFIG";

/** One source's failure inside a fallback chain. */
export interface SourceFailure {
  source: string;
  error: LiteratureError;
}

export interface LiteratureErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  line?: number;
  source?: string;
  status?: number;
  retryAfterMs?: number;
  failures?: SourceFailure[];
}

export class LiteratureError extends Error {
  override readonly name = "LiteratureError";
  readonly code: LiteratureErrorCode;
  readonly retryable: boolean;
  /** 1-based line of the corpus file, for LITERATURE_BAD_LINE. */
  readonly line: number | null;
  /** Name of the source that failed, where one did. */
  readonly source: string | null;
  /** HTTP status of the last answer, for HTTP sources. */
  readonly status: number | null;
  /** The wait the service asked for (Retry-After), when it asked. */
  readonly retryAfterMs: number | null;
  /** For LITERATURE_UNAVAILABLE: every source's failure, in chain order. */
  readonly failures: readonly SourceFailure[];

  constructor(code: LiteratureErrorCode, message: string, options: LiteratureErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.line = options.line ?? null;
    this.source = options.source ?? null;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.failures = options.failures ?? [];
  }
}

export function isLiteratureError(error: unknown, code?: LiteratureErrorCode): error is LiteratureError {
  return error instanceof LiteratureError && (code === undefined || error.code === code);
}

export function abortedError(signal: AbortSignal, source?: string): LiteratureError {
  return new LiteratureError("LITERATURE_ABORTED", "literature search aborted", {
    cause: signal.reason,
    ...(source && { source }),
  });
}

/** Shared by every source, so a bad limit fails the same way everywhere (and before any request is made). */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new LiteratureError("LITERATURE_BAD_REQUEST", `limit must be a whole number >= 0, got ${limit}`);
  }
}
