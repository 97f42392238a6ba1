export type ReviewerErrorCode = "REVIEWER_FEWSHOT_MISSING" | "REVIEWER_FEWSHOT_INVALID" | "REVIEWER_PAPER_UNREADABLE";

/** A reviewer failure with a code; the message starts with it, so a failed seat's recorded reason names it. */
export class ReviewerError extends Error {
  readonly code: ReviewerErrorCode;
  constructor(code: ReviewerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(`[${code}] ${message}`, { cause: options.cause });
    this.name = "ReviewerError";
    this.code = code;
  }
}
