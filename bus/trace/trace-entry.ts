import type { Envelope } from "../envelope.ts";

/**
 * One message of a run's stream as the trace views see it. The lead reads the stream and fills `seq` from the
 * stream sequence; `handledBy` is known only when a consumer reported when it worked on the message.
 */
export interface TraceEntry {
  envelope: Envelope;
  seq: number;
  handledBy?: { agent: string; startedAt: string; endedAt: string };
}

/** A message without handling information still needs a visible slice/span, so it gets this nominal length. */
export const DEFAULT_DURATION_MS = 1;

/** Ids are sha256 hex; eight characters are enough to tell the messages of one run apart on screen. */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : "-";
}

/** Milliseconds since the epoch; an unparsable time sorts last instead of poisoning every comparison with NaN. */
export function timeOf(entry: TraceEntry): number {
  const ms = Date.parse(entry.envelope.at);
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}

/** Time, then stream sequence, then id: a total order, so every view lists siblings the same way on every host. */
export function compareEntries(a: TraceEntry, b: TraceEntry): number {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.envelope.id < b.envelope.id ? -1 : a.envelope.id > b.envelope.id ? 1 : 0;
}

/**
 * One entry per message id. A stream can hold the same id twice (a publish retried after the duplicate window,
 * or two stream slices concatenated by the caller); the first stored copy is the one that caused the effects.
 */
export function dedupeEntries(entries: readonly TraceEntry[]): TraceEntry[] {
  const byId = new Map<string, TraceEntry>();
  for (const entry of entries) {
    const seen = byId.get(entry.envelope.id);
    if (!seen || entry.seq < seen.seq) byId.set(entry.envelope.id, entry);
  }
  return [...byId.values()].sort(compareEntries);
}

/** The run starts at its earliest message (normally run.started); offsets in every view are relative to it. */
export function runStartMs(entries: readonly TraceEntry[]): number {
  let start = Number.POSITIVE_INFINITY;
  for (const entry of entries) start = Math.min(start, timeOf(entry));
  return Number.isFinite(start) ? start : 0;
}

/** How long the message kept an agent busy: the handler's own report when there is one, else the nominal length. */
export function durationMs(entry: TraceEntry): number {
  if (!entry.handledBy) return DEFAULT_DURATION_MS;
  const started = Date.parse(entry.handledBy.startedAt);
  const ended = Date.parse(entry.handledBy.endedAt);
  if (!Number.isFinite(started) || !Number.isFinite(ended) || ended < started) return DEFAULT_DURATION_MS;
  return Math.max(ended - started, DEFAULT_DURATION_MS);
}

/** `+12.345s`: seconds with millisecond precision, the resolution of `at`. */
export function formatOffset(ms: number): string {
  if (!Number.isFinite(ms)) return "+?";
  const sign = ms < 0 ? "-" : "+";
  return `${sign}${(Math.abs(ms) / 1000).toFixed(3)}s`;
}

/** The role part of `role/instance`. */
export function roleOf(agent: string): string {
  const slash = agent.indexOf("/");
  return slash === -1 ? agent : agent.slice(0, slash);
}
