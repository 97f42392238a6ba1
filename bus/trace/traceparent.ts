import { createHash } from "node:crypto";

/*
 * Ids are derived, not stored: sha256 of the run id gives the trace id, sha256 of the message id the span id —
 * the same derivation bus/publisher.ts uses for the `traceparent` header, so an exported trace joins the spans
 * that agents log on any host without anyone keeping a table of ids.
 */

/** 32 lower-case hex: one trace per run. */
export function traceIdFor(runId: string): string {
  return createHash("sha256").update(runId).digest("hex").slice(0, 32);
}

/** 16 lower-case hex: one span per message. */
export function spanIdFor(messageId: string): string {
  return createHash("sha256").update(messageId).digest("hex").slice(0, 16);
}

/** `00-<trace>-<span>-01`: version 00, sampled, the span of the message itself. */
export function traceparentFor(runId: string, messageId: string): string {
  return `00-${traceIdFor(runId)}-${spanIdFor(messageId)}-01`;
}

export interface Traceparent {
  version: string;
  traceId: string;
  spanId: string;
  flags: string;
  sampled: boolean;
}

const HEADER = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a W3C trace-context `traceparent`. Returns null for anything invalid, as the spec asks a receiver to
 * ignore a malformed header rather than fail the request: version ff, all-zero ids, upper-case hex, and for
 * version 00 any trailing fields are rejected; a later version may append fields, which are ignored.
 */
export function parseTraceparent(header: string | null | undefined): Traceparent | null {
  if (typeof header !== "string") return null;
  const match = HEADER.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === "ff") return null;
  if (version === "00" && rest !== undefined) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { version, traceId, spanId, flags, sampled: (parseInt(flags, 16) & 1) === 1 };
}
