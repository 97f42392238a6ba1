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
  /** limit is not a whole number >= 0. */
  | "LITERATURE_BAD_REQUEST";

export class LiteratureError extends Error {
  override readonly name = "LiteratureError";
  readonly code: LiteratureErrorCode;
  readonly retryable: boolean;
  /** 1-based line of the corpus file, for LITERATURE_BAD_LINE. */
  readonly line: number | null;

  constructor(code: LiteratureErrorCode, message: string, options: { cause?: unknown; retryable?: boolean; line?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.line = options.line ?? null;
  }
}

export function isLiteratureError(error: unknown, code?: LiteratureErrorCode): error is LiteratureError {
  return error instanceof LiteratureError && (code === undefined || error.code === code);
}
