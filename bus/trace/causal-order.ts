import { compareEntries, dedupeEntries, type TraceEntry } from "./trace-entry.ts";

/**
 * Why a node sits at the top of the forest:
 * - `root`: it has no cause (run.started, a dead-letter notice);
 * - `orphan`: its cause is not in the entries (a filtered view, a trimmed stream, another run);
 * - `cycle`: its causes loop back to it (never legitimate, but a corrupt or hand-edited stream must still render).
 */
export type RootKind = "root" | "orphan" | "cycle";

export interface CausalNode {
  entry: TraceEntry;
  depth: number;
  /** Set on top-level nodes only. */
  rootKind: RootKind | null;
  children: CausalNode[];
}

export interface CausalRow {
  entry: TraceEntry;
  depth: number;
  rootKind: RootKind | null;
}

/**
 * Each message under the message that caused it; siblings and roots by time, then stream sequence.
 * Duplicate ids keep the first stored copy; cycles are cut at their earliest message so every entry appears once.
 */
export function causalTree(entries: readonly TraceEntry[]): CausalNode[] {
  const unique = dedupeEntries(entries);
  const byId = new Map(unique.map((entry) => [entry.envelope.id, entry]));

  const children = new Map<string, TraceEntry[]>();
  const tops: Array<{ entry: TraceEntry; kind: RootKind }> = [];
  for (const entry of unique) {
    const cause = entry.envelope.causation;
    if (cause === null) tops.push({ entry, kind: "root" });
    else if (cause === entry.envelope.id) tops.push({ entry, kind: "cycle" });
    else if (!byId.has(cause)) tops.push({ entry, kind: "orphan" });
    else {
      const list = children.get(cause) ?? [];
      list.push(entry);
      children.set(cause, list);
    }
  }
  // `unique` is already sorted, so every children list is too.

  const visited = new Set<string>();
  const forest: CausalNode[] = [];
  for (const top of tops) forest.push(grow(top.entry, top.kind, children, visited));

  // Whatever is still unvisited hangs off a causation loop: walk up to the loop, cut it at its earliest message.
  for (const entry of unique) {
    if (visited.has(entry.envelope.id)) continue;
    const cut = earliestOnLoop(entry, byId);
    forest.push(grow(cut, "cycle", children, visited));
  }
  return forest.sort((a, b) => compareEntries(a.entry, b.entry));
}

/** Depth-first: every message right after its cause's earlier-sent subtrees, so a cause always precedes its effects. */
export function causalOrder(entries: readonly TraceEntry[]): CausalRow[] {
  const rows: CausalRow[] = [];
  // Iterative, because an experiment loop can chain thousands of messages and recursion would hit the stack limit.
  const stack = [...causalTree(entries)].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    rows.push({ entry: node.entry, depth: node.depth, rootKind: node.rootKind });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

function grow(
  top: TraceEntry,
  kind: RootKind,
  children: ReadonlyMap<string, TraceEntry[]>,
  visited: Set<string>,
): CausalNode {
  const root: CausalNode = { entry: top, depth: 0, rootKind: kind, children: [] };
  visited.add(top.envelope.id);
  const stack: CausalNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of children.get(node.entry.envelope.id) ?? []) {
      // The visited check is what stops a loop: the edge back into the cut point is skipped.
      if (visited.has(child.envelope.id)) continue;
      visited.add(child.envelope.id);
      const next: CausalNode = { entry: child, depth: node.depth + 1, rootKind: null, children: [] };
      node.children.push(next);
      stack.push(next);
    }
  }
  return root;
}

function earliestOnLoop(start: TraceEntry, byId: ReadonlyMap<string, TraceEntry>): TraceEntry {
  const path: TraceEntry[] = [];
  const index = new Map<string, number>();
  let current: TraceEntry | undefined = start;
  while (current && !index.has(current.envelope.id)) {
    index.set(current.envelope.id, path.length);
    path.push(current);
    const cause: string | null = current.envelope.causation;
    current = cause === null ? undefined : byId.get(cause);
  }
  // An unvisited entry always reaches a loop (otherwise a root would have reached it); fall back to itself anyway.
  const loop = current ? path.slice(index.get(current.envelope.id)) : [start];
  return loop.reduce((best, entry) => (compareEntries(entry, best) < 0 ? entry : best));
}
