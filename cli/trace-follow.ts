import { followRun, type BusConnection, type StoredEnvelope } from "../bus/index.ts";
import { filterEntries, formatOffset, shortId, stateNote, type TraceFilter } from "../bus/trace/index.ts";

/**
 * One line per message as it arrives: `#12 +3.201s idea.assessed  novelty/h-1  ← 1a2b3c4d [idea-001]`.
 * A live view cannot pad columns to the widest value (later messages are unknown), so widths are fixed.
 */
export function followLine(message: StoredEnvelope, startMs: number): string {
  const e = message.envelope;
  if (!e) return `#${message.seq} unreadable message on ${message.subject}: ${message.error}`;
  const offset = formatOffset(Date.parse(e.at) - startMs).padStart(9);
  const state = stateNote({ envelope: e, seq: message.seq });
  return `#${String(message.seq).padEnd(4)} ${offset} ${e.type.padEnd(21)} ${e.from.padEnd(28)} ← ${shortId(e.causation).padEnd(8)} [${e.correlation}]${state}`;
}

/**
 * Prints a run's messages (stored ones first, then new ones) until `run.completed` arrives or `signal` aborts.
 * The clock starts at the first message seen, so offsets match `scientist trace` for a run followed from its start.
 */
export async function followTrace(options: {
  js: BusConnection["js"];
  run: string;
  filter: TraceFilter;
  /** Leave out `actor.transitioned` (the actors' state changes), keeping only the conversation. */
  hideStates?: boolean;
  signal: AbortSignal;
  write: (line: string) => void;
}): Promise<"completed" | "aborted"> {
  let startMs: number | null = null;
  for await (const message of followRun(options.js, options.run, options.signal)) {
    const e = message.envelope;
    if (e && startMs === null) startMs = Date.parse(e.at);
    const hidden = options.hideStates === true && e?.type === "actor.transitioned";
    const shown = !e || (!hidden && filterEntries([{ envelope: e, seq: message.seq }], options.filter).length > 0);
    if (shown) options.write(followLine(message, startMs ?? 0));
    if (e?.type === "run.completed") return "completed";
  }
  return "aborted";
}
