/** Provenance errors carry a code (STYLE.md item 5); the checker is pure, so the only failure is bad input. */
export type ProvenanceErrorCode =
  /** The sources are not what the checker needs (not an object, a run index that is not a whole number, ...). */
  | "PROVENANCE_BAD_SOURCES"
  /** The paper text is not a string. */
  | "PROVENANCE_BAD_PAPER";

export class ProvenanceError extends Error {
  readonly code: ProvenanceErrorCode;
  readonly retryable = false;
  constructor(code: ProvenanceErrorCode, message: string) {
    super(message);
    this.name = "ProvenanceError";
    this.code = code;
  }
}

export function isProvenanceError(error: unknown, code?: ProvenanceErrorCode): error is ProvenanceError {
  return error instanceof ProvenanceError && (code === undefined || error.code === code);
}
