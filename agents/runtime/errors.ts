export type RuntimeErrorCode =
  | "RUNTIME_DUPLICATE_ROLE"
  | "RUNTIME_UNKNOWN_ROLE"
  | "RUNTIME_BAD_PLUGIN"
  | "RUNTIME_BAD_ROLE_CONFIG"
  | "RUNTIME_MACHINE_FAILED"
  | "RUNTIME_UNKNOWN_POLICY"
  | "RUNTIME_STORE_IN_USE"
  | "RUNTIME_INVALID_OUTBOUND"
  | "RUNTIME_UNCOVERED_ACTOR"
  | "RUNTIME_NATS_DOWN"
  | "RUNTIME_RUN_NOT_FOUND"
  | "RUNTIME_RUN_RUNNING"
  | "RUNTIME_RUN_COMPLETED"
  | "RUNTIME_ROLE_STALLED"
  | "RUNTIME_TEMPLATE_BUNDLE"
  | "RUNTIME_TEMPLATE_DIGEST"
  | "RUNTIME_POLICY_MISMATCH"
  | "RUNTIME_MOUNT_NAMESPACE";

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly retryable: boolean;
  constructor(code: RuntimeErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "RuntimeError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
