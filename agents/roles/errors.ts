// Coded failures of the built-in roles. A role's failure usually ends up as a recorded reason (idea.failed,
// review.failed, a writer status line), so the message starts with the code: the record names what went wrong.
export type RoleErrorCode =
  | "ROLE_NO_MODEL"
  | "ROLE_MODEL_FAILED"
  | "ROLE_ACTOR_NOT_PROVIDED"
  | "ROLE_BAD_EDIT_BLOCK"
  | "CODER_NO_PARAMS"
  | "EXPERIMENTER_NO_SANDBOX"
  | "EXPERIMENTER_BAD_REQUEST"
  | "EXPERIMENTER_ABORTED"
  | "WRITER_NO_RESULTS_TABLE"
  | "WRITER_NUMBER_MISMATCH"
  | "WRITER_NO_LATEX_TEMPLATE"
  | "WRITER_TEMPLATE_PLACEHOLDER"
  | "WRITER_FIX_DROPS_FIGURES"
  | "WRITER_FIX_UNSUPPORTED_CLAIMS"
  | "REVIEWER_FEWSHOT_MISSING"
  | "REVIEWER_FEWSHOT_INVALID"
  | "REVIEWER_PAPER_UNREADABLE";

export interface RoleErrorOptions {
  cause?: unknown;
  /** Whether trying the same step again can succeed (default false: these are facts of the input). */
  retryable?: boolean;
  /** Leave the message untagged: for a message that already names a more precise code (a model error's). */
  untagged?: boolean;
}

export class RoleError extends Error {
  readonly code: RoleErrorCode;
  readonly retryable: boolean;
  constructor(code: RoleErrorCode, message: string, options: RoleErrorOptions = {}) {
    super(options.untagged ? message : `[${code}] ${message}`, { cause: options.cause });
    this.name = "RoleError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isRoleError(error: unknown): error is RoleError {
  return error instanceof RoleError;
}
