import { RoleError, type RoleErrorCode } from "../errors.ts";

export type ReviewerErrorCode = Extract<RoleErrorCode, `REVIEWER_${string}`>;

/** A reviewer failure with a code; the message starts with it, so a failed seat's recorded reason names it. */
export class ReviewerError extends RoleError {
  declare readonly code: ReviewerErrorCode;
  constructor(code: ReviewerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "ReviewerError";
  }
}
