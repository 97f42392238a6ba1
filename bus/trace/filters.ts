import type { TraceEntry } from "./trace-entry.ts";

export interface TraceFilter {
  /** Exact types (`review.submitted`), noun prefixes (`idea.*`) or `*`. Any one may match. */
  type?: readonly string[];
  /** Roles (`reviewer`, matching every instance) or agent ids (`reviewer/2`). Any one may match. */
  agent?: readonly string[];
  /** An idea id: matches the correlation or `payload.ideaId` (a paper's messages correlate on the paper id). */
  idea?: string;
}

/**
 * Keeps the entries that pass every given criterion; an absent or empty list does not constrain, so a CLI can pass
 * its repeatable flags straight through. Order is preserved.
 */
export function filterEntries(entries: readonly TraceEntry[], filter: TraceFilter = {}): TraceEntry[] {
  const typeTests = (filter.type ?? []).map(typeMatcher);
  const agentTests = (filter.agent ?? []).map(agentMatcher);
  const idea = filter.idea;
  return entries.filter((entry) => {
    const { type, from } = entry.envelope;
    if (typeTests.length > 0 && !typeTests.some((test) => test(type))) return false;
    if (agentTests.length > 0 && !agentTests.some((test) => test(from))) return false;
    if (idea !== undefined && idea !== "" && !belongsToIdea(entry, idea)) return false;
    return true;
  });
}

function typeMatcher(pattern: string): (type: string) => boolean {
  if (pattern === "*" || pattern === "*.*") return () => true;
  // `idea.*` means every verb of that noun; keep the dot so `idea.*` does not match a future `ideas.x`.
  if (pattern.endsWith("*")) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

function agentMatcher(pattern: string): (agent: string) => boolean {
  if (pattern.includes("/")) return (agent) => agent === pattern;
  return (agent) => agent === pattern || agent.startsWith(`${pattern}/`);
}

function belongsToIdea(entry: TraceEntry, idea: string): boolean {
  if (entry.envelope.correlation === idea) return true;
  const payload = entry.envelope.payload;
  return typeof payload === "object" && payload !== null && (payload as { ideaId?: unknown }).ideaId === idea;
}
