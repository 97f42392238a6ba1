import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { errors as natsErrors } from "@nats-io/transport-node";
/** Bus errors carry a code, a cause and whether retrying can help (STYLE.md item 5). */
export type BusErrorCode =
  | "BUS_INVALID_ENVELOPE"
  | "BUS_INVALID_PAYLOAD"
  | "BUS_UNKNOWN_TYPE"
  | "BUS_CONNECT_FAILED"
  | "BUS_SERVER_START_FAILED"
  | "BUS_CAS_CONFLICT"
  | "BUS_PUBLISH_FAILED"
  | "BUS_PAYLOAD_TOO_LARGE"
  | "BUS_KV_FAILED"
  | "BUS_ARTIFACT_FAILED"
  | "BUS_INFO_FAILED"
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

/** The JetStream API error code of a failure (10059 stream not found, 10071 wrong last sequence...), else null. */
export function jsApiCode(error: unknown): number | null {
  if (error instanceof JetStreamApiError) return error.code;
  // Some paths wrap the API error (e.g. a rejected publish inside a KV call).
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof JetStreamApiError ? cause.code : null;
}

/** A stream or consumer that does not exist (create it), as opposed to a server that did not answer. */
export function isNotFound(error: unknown): boolean {
  const code = jsApiCode(error);
  return code === JetStreamApiCodes.StreamNotFound || code === JetStreamApiCodes.ConsumerNotFound;
}

/** A compare-and-set that lost: the subject's last sequence was not the one expected. */
export function isWrongLastSequence(error: unknown): boolean {
  const code = jsApiCode(error);
  return (
    code === JetStreamApiCodes.StreamWrongLastSequence || code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
  );
}

/** A NATS client failure that may pass: a timeout, no responders (a server restarting), a lost connection. */
export function isTransientNatsError(error: unknown): boolean {
  return (
    error instanceof natsErrors.TimeoutError ||
    error instanceof natsErrors.NoRespondersError ||
    error instanceof natsErrors.RequestError ||
    error instanceof natsErrors.ConnectionError
  );
}
