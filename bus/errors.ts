/** Bus errors carry a code, a cause and whether retrying can help (STYLE.md item 5). */
export type BusErrorCode =
  | "BUS_INVALID_ENVELOPE"
  | "BUS_INVALID_PAYLOAD"
  | "BUS_UNKNOWN_TYPE"
  | "BUS_CONNECT_FAILED"
  | "BUS_SERVER_START_FAILED"
  | "BUS_CAS_CONFLICT"
  | "BUS_PUBLISH_FAILED"
  | "BUS_ARTIFACT_MISSING"
  | "BUS_ARTIFACT_BAD_NAME"
  | "BUS_RUN_NOT_FOUND"
  | "BUS_CREDS_MISSING"
  | "BUS_CREDS_CONFLICT";

export class BusError extends Error {
  readonly code: BusErrorCode;
  readonly retryable: boolean;
  constructor(code: BusErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "BusError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isBusError(error: unknown, code?: BusErrorCode): error is BusError {
  return error instanceof BusError && (code === undefined || error.code === code);
}
