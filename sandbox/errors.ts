/**
 * Sandbox errors: every failure of the sandbox machinery (not of the sandboxed code, which becomes a
 * SandboxRunResult status) is a SandboxError with a code callers match on, the underlying cause, and whether
 * retrying the same call can help.
 */

export type SandboxErrorCode =
  /** No Docker engine answered (or bwrap is not installed) for the requested backend. */
  | "SANDBOX_NO_ENGINE"
  /** The image is neither present nor one of the known recipes, so it cannot be built. */
  | "SANDBOX_IMAGE_MISSING"
  /** The offline image build (debootstrap, trim, import) failed. */
  | "SANDBOX_BUILD_FAILED"
  /** The size-capped work dir could not be created (needs root and a loop device). */
  | "SANDBOX_WORKDIR_FAILED"
  /** The request itself is invalid (bad path in files, bad env name, bad limits). */
  | "SANDBOX_BAD_REQUEST"
  /** The engine failed while creating, starting or inspecting the run. */
  | "SANDBOX_ENGINE_FAILED";

export class SandboxError extends Error {
  override readonly name = "SandboxError";
  readonly code: SandboxErrorCode;
  readonly retryable: boolean;

  constructor(code: SandboxErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isSandboxError(error: unknown, code?: SandboxErrorCode): error is SandboxError {
  return error instanceof SandboxError && (code === undefined || error.code === code);
}

/** Short text of an unknown thrown value, for log lines and error messages. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
