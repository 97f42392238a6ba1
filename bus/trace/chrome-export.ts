import { causalTree } from "./causal-order.ts";
import { dedupeEntries, durationMs, roleOf, runStartMs, timeOf, type TraceEntry } from "./trace-entry.ts";

/** The subset of the Chrome trace-event format we emit (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU). */
export interface ChromeTraceEvent {
  ph: "M" | "X" | "s" | "f";
  name: string;
  pid: number;
  tid: number;
  /** Microseconds since the run started. */
  ts: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: "e";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: "ms";
  otherData: { runs: string[] };
}

const FLOW_NAME = "causes";
const FLOW_CATEGORY = "causation";

interface Slice {
  entry: TraceEntry;
  pid: number;
  tid: number;
  ts: number;
  dur: number;
}

/**
 * Chrome trace JSON for Perfetto / chrome://tracing: a process per run, a thread per agent, a slice per message
 * on its sender's thread, and a flow arrow from each cause's slice to its effect's.
 */
export function toChromeTrace(entries: readonly TraceEntry[]): ChromeTrace {
  const events: ChromeTraceEvent[] = [];
  const runs = groupByRun(dedupeEntries(entries));
  let flowId = 0;
  [...runs.entries()].forEach(([run, runEntries], index) => {
    const pid = index + 1;
    events.push({ ph: "M", name: "process_name", pid, tid: 0, ts: 0, args: { name: `run ${run}` } });
    const { slices, tids } = layout(runEntries, pid);
    for (const [agent, tid] of tids) {
      events.push({ ph: "M", name: "thread_name", pid, tid, ts: 0, args: { name: agent } });
      // tids count agents in order of first activity; the sort index asks viewers to keep that order, not sort by name.
      events.push({ ph: "M", name: "thread_sort_index", pid, tid, ts: 0, args: { sort_index: tid } });
    }
    const byId = new Map<string, Slice>();
    for (const slice of slices) {
      byId.set(slice.entry.envelope.id, slice);
      events.push(sliceEvent(slice));
    }
    for (const slice of slices) {
      const cause = slice.entry.envelope.causation;
      const source = cause === null ? undefined : byId.get(cause);
      // A cut causation loop's first message is placed before its "cause": an arrow back in time would not bind.
      if (!source || source.ts >= slice.ts) continue;
      flowId += 1;
      // Half a microsecond in: strictly inside both slices (each lasts at least 1 µs), and the start stays before
      // the end because layout() places every effect at least 1 µs after its cause.
      const common = { name: FLOW_NAME, cat: FLOW_CATEGORY, id: flowId, pid } as const;
      events.push({ ph: "s", ...common, tid: source.tid, ts: source.ts + 0.5 });
      events.push({ ph: "f", bp: "e", ...common, tid: slice.tid, ts: slice.ts + 0.5 });
    }
  });
  return { traceEvents: events, displayTimeUnit: "ms", otherData: { runs: [...runs.keys()] } };
}

function sliceEvent(slice: Slice): ChromeTraceEvent {
  const { id, type, from, causation, correlation, at } = slice.entry.envelope;
  // Perfetto shows args in the slice's details panel: the stamped `at` is kept there, whatever layout() shifted.
  const args: Record<string, unknown> = { id, from, causation, correlation, at, seq: slice.entry.seq };
  if (slice.entry.handledBy) args.handledBy = slice.entry.handledBy;
  return { ph: "X", name: type, cat: roleOf(from), pid: slice.pid, tid: slice.tid, ts: slice.ts, dur: slice.dur, args };
}

function groupByRun(entries: readonly TraceEntry[]): Map<string, TraceEntry[]> {
  const runs = new Map<string, TraceEntry[]>();
  for (const entry of entries) {
    const list = runs.get(entry.envelope.run) ?? [];
    list.push(entry);
    runs.set(entry.envelope.run, list);
  }
  return runs;
}

/**
 * Places slices so the file renders cleanly:
 * - slices on one thread never overlap (overlapping, non-nested X events are mis-drawn), so a slice is cut short
 *   where the sender's next message starts, and messages sent in the same millisecond are spread 1 µs apart;
 * - an effect starts at least 1 µs after its cause, even when the hosts' clocks disagree, so flow arrows bind.
 * The stamped `at` stays in the slice's args; the shifts are microseconds except under real clock skew.
 */
function layout(entries: readonly TraceEntry[], pid: number): { slices: Slice[]; tids: Map<string, number> } {
  const start = runStartMs(entries);
  const ids = new Set(entries.map((entry) => entry.envelope.id));
  const cyclic = new Set(
    causalTree(entries)
      .filter((node) => node.rootKind === "cycle")
      .map((node) => node.entry.envelope.id),
  );
  const placed = new Map<string, Slice>();
  const lastOnThread = new Map<number, Slice>();
  const tids = new Map<string, number>();
  const waiting = new Map<string, TraceEntry[]>();
  const slices: Slice[] = [];

  const placeOne = (entry: TraceEntry): void => {
    const agent = entry.envelope.from;
    if (!tids.has(agent)) tids.set(agent, tids.size + 1);
    const tid = tids.get(agent)!;
    const raw = Math.round((timeOf(entry) - start) * 1000);
    const cause = entry.envelope.causation === null ? undefined : placed.get(entry.envelope.causation);
    const previous = lastOnThread.get(tid);
    const ts = Math.max(Number.isFinite(raw) ? raw : 0, cause ? cause.ts + 1 : 0, previous ? previous.ts + 1 : 0);
    if (previous) previous.dur = Math.max(1, Math.min(previous.dur, ts - previous.ts));
    const slice: Slice = { entry, pid, tid, ts, dur: Math.max(1, Math.round(durationMs(entry) * 1000)) };
    placed.set(entry.envelope.id, slice);
    lastOnThread.set(tid, slice);
    slices.push(slice);
  };
  // Placing a message releases the effects that waited for it (stamped "before" it by a skewed clock), and theirs;
  // a stack rather than recursion, as a skewed host can hold back a long chain.
  const place = (first: TraceEntry): void => {
    const stack = [first];
    while (stack.length > 0) {
      const entry = stack.pop()!;
      placeOne(entry);
      const released = waiting.get(entry.envelope.id) ?? [];
      waiting.delete(entry.envelope.id);
      for (let i = released.length - 1; i >= 0; i--) stack.push(released[i]!);
    }
  };

  // Entries come in time order; an effect whose cause is present but not yet placed waits for it. A cut loop's
  // first message is placed without waiting, which releases the rest of the loop.
  for (const entry of entries) {
    const cause = entry.envelope.causation;
    const mustWait =
      cause !== null &&
      cause !== entry.envelope.id &&
      ids.has(cause) &&
      !placed.has(cause) &&
      !cyclic.has(entry.envelope.id);
    if (!mustWait) {
      place(entry);
      continue;
    }
    const list = waiting.get(cause) ?? [];
    list.push(entry);
    waiting.set(cause, list);
  }
  return { slices, tids };
}
