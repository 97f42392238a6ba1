import { causalOrder, causalTree, type CausalNode, type RootKind } from "./causal-order.ts";
import {
  dedupeEntries,
  durationMs,
  formatOffset,
  runStartMs,
  shortId,
  timeOf,
  type TraceEntry,
} from "./trace-entry.ts";

export interface RenderOptions {
  /** ANSI colours for a terminal; off by default so output can be piped, diffed and asserted on. */
  color?: boolean;
}

const ansi = { reset: "\x1b[0m", dim: "\x1b[2m", bold: "\x1b[1m", red: "\x1b[31m", yellow: "\x1b[33m" } as const;

// One colour per noun, so a stage of the pipeline is recognisable at a glance down a long tree.
const nounColors: Record<string, string> = {
  run: "\x1b[35m",
  idea: "\x1b[33m",
  experiment: "\x1b[36m",
  study: "\x1b[36m",
  paper: "\x1b[32m",
  review: "\x1b[34m",
  message: "\x1b[31m",
};

type Paint = (code: string, text: string) => string;

function painter(color: boolean | undefined): Paint {
  return color ? (code, text) => (text ? `${code}${text}${ansi.reset}` : text) : (_code, text) => text;
}

function paintType(paint: Paint, type: string, width = 0): string {
  const noun = type.slice(0, type.indexOf("."));
  // Failures read red whatever their noun: they are what someone scanning a trace is looking for.
  const code = type.endsWith(".failed") || type === "message.deadlettered" ? ansi.red : (nounColors[noun] ?? "");
  return code ? paint(code, type.padEnd(width)) : type.padEnd(width);
}

/** A loop, not `Math.max(...spread)`: a long run has more messages than a call may take arguments. */
function widest(entries: readonly TraceEntry[], text: (entry: TraceEntry) => string): number {
  let width = 0;
  for (const entry of entries) width = Math.max(width, text(entry).length);
  return width;
}

function rootNote(paint: Paint, kind: RootKind | null, entry: TraceEntry): string {
  if (kind === "orphan")
    return ` ${paint(ansi.yellow, `[orphan: cause ${shortId(entry.envelope.causation)} not in trace]`)}`;
  if (kind === "cycle") return ` ${paint(ansi.red, "[causation loop cut here]")}`;
  return "";
}

/** `actor.transitioned` entries (XState inspection) say which state the actor left and entered. */
export function stateNote(entry: TraceEntry): string {
  if (entry.envelope.type !== "actor.transitioned") return "";
  const p = entry.envelope.payload as { from?: unknown; to?: unknown };
  return ` ${String(p.from ?? "(new)")} → ${String(p.to)}`;
}

function handledNote(entry: TraceEntry): string {
  return entry.handledBy ? ` handled by ${entry.handledBy.agent} in ${(durationMs(entry) / 1000).toFixed(3)}s` : "";
}

/**
 * The causal tree, one line per message:
 * `├─ 3f2a91c0 idea.assessed  novelty/0  ← 1a2b3c4d  +0.412s  [idea-1]`.
 */
export function renderCausalTree(entries: readonly TraceEntry[], options: RenderOptions = {}): string[] {
  const paint = painter(options.color);
  const unique = dedupeEntries(entries);
  const start = runStartMs(unique);
  const typeWidth = widest(unique, (e) => e.envelope.type);
  const fromWidth = widest(unique, (e) => e.envelope.from);

  const lines: string[] = [];
  const describe = (node: CausalNode): string => {
    const { id, type, from, causation, correlation } = node.entry.envelope;
    return (
      [
        paint(ansi.bold, shortId(id)),
        paintType(paint, type, typeWidth),
        from.padEnd(fromWidth),
        paint(ansi.dim, `← ${shortId(causation).padEnd(8)}`),
        formatOffset(timeOf(node.entry) - start).padStart(9),
        paint(ansi.dim, `[${correlation}]`),
      ].join(" ") +
      stateNote(node.entry) +
      rootNote(paint, node.rootKind, node.entry) +
      handledNote(node.entry)
    );
  };

  // Iterative walk carrying the drawn prefix, so very deep chains do not overflow the stack.
  const stack: Array<{ node: CausalNode; prefix: string; last: boolean; top: boolean }> = causalTree(unique)
    .map((node) => ({ node, prefix: "", last: true, top: true }))
    .reverse();
  while (stack.length > 0) {
    const { node, prefix, last, top } = stack.pop()!;
    const connector = top ? "" : last ? "└─ " : "├─ ";
    lines.push(`${prefix}${paint(ansi.dim, connector)}${describe(node)}`);
    const childPrefix = top ? "" : `${prefix}${paint(ansi.dim, last ? "   " : "│  ")}`;
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push({ node: node.children[i]!, prefix: childPrefix, last: i === node.children.length - 1, top: false });
    }
  }
  return lines;
}

interface AgentEvent {
  kind: "sent" | "handled";
  at: number;
  order: number;
  text: string;
}

/**
 * One section per agent, in order of first activity: the messages it sent and, when known, the messages it
 * handled with how long each took — the view that shows which seat was busy or idle while the others waited.
 */
export function renderTimeline(entries: readonly TraceEntry[], options: RenderOptions = {}): string[] {
  const paint = painter(options.color);
  const unique = dedupeEntries(entries);
  const start = runStartMs(unique);
  const typeWidth = widest(unique, (e) => e.envelope.type);
  const agents = new Map<string, AgentEvent[]>();
  const add = (agent: string, event: AgentEvent): void => {
    const list = agents.get(agent) ?? [];
    list.push(event);
    agents.set(agent, list);
  };

  unique.forEach((entry, order) => {
    const { id, type, from, causation, correlation } = entry.envelope;
    add(from, {
      kind: "sent",
      at: timeOf(entry),
      order,
      text: `sent    ${paintType(paint, type, typeWidth)} ${shortId(id)} ${paint(ansi.dim, `← ${shortId(causation)} [${correlation}]`)}${stateNote(entry)}`,
    });
    if (entry.handledBy) {
      const began = Date.parse(entry.handledBy.startedAt);
      add(entry.handledBy.agent, {
        kind: "handled",
        at: Number.isFinite(began) ? began : timeOf(entry),
        order,
        text: `handled ${paintType(paint, type, typeWidth)} ${shortId(id)} ${paint(ansi.dim, `from ${from} in ${(durationMs(entry) / 1000).toFixed(3)}s`)}`,
      });
    }
  });

  const sections = [...agents.entries()].map(([agent, events]) => ({
    agent,
    events: events.sort((a, b) => a.at - b.at || a.order - b.order),
  }));
  sections.sort(
    (a, b) =>
      a.events[0]!.at - b.events[0]!.at || a.events[0]!.order - b.events[0]!.order || (a.agent < b.agent ? -1 : 1),
  );

  const lines: string[] = [];
  for (const { agent, events } of sections) {
    const sent = events.filter((e) => e.kind === "sent").length;
    lines.push(`${paint(ansi.bold, agent)} ${paint(ansi.dim, `(${sent} sent, ${events.length - sent} handled)`)}`);
    for (const event of events) lines.push(`  ${formatOffset(event.at - start).padStart(9)}  ${event.text}`);
  }
  return lines;
}

/**
 * One line per message in causal order, full ids and the absolute time — `id type from causation at` — for grep,
 * sort and join with logs, which carry full ids too.
 */
export function renderFlat(entries: readonly TraceEntry[]): string[] {
  return causalOrder(entries).map(({ entry }) => {
    const { id, type, from, causation, at } = entry.envelope;
    return `${id} ${type} ${from} ${causation ?? "-"} ${at}`;
  });
}
