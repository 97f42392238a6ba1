import { describe, expect, it } from "vitest";
import { causalOrder, causalTree } from "./causal-order.ts";
import { ORPHAN_ID, entry, sampleRun } from "./sample-run.ts";
import type { TraceEntry } from "./trace-entry.ts";

function positions(rows: ReturnType<typeof causalOrder>): Map<string, number> {
  return new Map(rows.map((row, index) => [row.entry.envelope.id, index]));
}

describe("causalOrder", () => {
  it("puts every message after the message that caused it", () => {
    const entries = sampleRun();
    const rows = causalOrder(entries);
    const at = positions(rows);
    expect(rows).toHaveLength(entries.length);
    for (const { entry: e } of rows) {
      const cause = e.envelope.causation;
      if (cause !== null && at.has(cause)) expect(at.get(cause)!).toBeLessThan(at.get(e.envelope.id)!);
    }
  });

  it("gives each message one more depth than its cause", () => {
    const rows = causalOrder(sampleRun());
    const depth = new Map(rows.map((row) => [row.entry.envelope.id, row.depth]));
    for (const row of rows) {
      const cause = row.entry.envelope.causation;
      if (cause !== null && depth.has(cause)) expect(row.depth).toBe(depth.get(cause)! + 1);
      else expect(row.depth).toBe(0);
    }
    expect(rows[0]!.entry.envelope.type).toBe("run.started");
    expect(rows.find((row) => row.entry.envelope.type === "run.completed")!.depth).toBe(12);
  });

  it("makes a message whose cause is absent a root flagged as an orphan", () => {
    const forest = causalTree(sampleRun());
    expect(forest.map((node) => node.rootKind)).toEqual(["root", "orphan"]);
    expect(forest[1]!.entry.envelope.id).toBe(ORPHAN_ID);
  });

  it("orders siblings by time, then by stream sequence", () => {
    const forest = causalTree(sampleRun());
    const started = forest[0]!;
    expect(started.children.map((c) => c.entry.envelope.correlation)).toEqual(["idea-1", "idea-2"]);
    const drafted = causalOrder(sampleRun()).find((row) => row.entry.envelope.type === "paper.drafted")!;
    const requests = causalTree(sampleRun());
    const findNode = (id: string) => {
      const stack = [...requests];
      while (stack.length) {
        const node = stack.pop()!;
        if (node.entry.envelope.id === id) return node;
        stack.push(...node.children);
      }
      throw new Error(`no node ${id}`);
    };
    // Five requests share one millisecond, so the stream sequence decides.
    const seqs = findNode(drafted.entry.envelope.id).children.map((c) => c.entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(5);
  });

  it("keeps the first stored copy of a duplicated message id", () => {
    const entries = sampleRun();
    const copy: TraceEntry = { ...entries[1]!, seq: 999 };
    const rows = causalOrder([copy, ...entries]);
    expect(rows).toHaveLength(entries.length);
    expect(rows.find((row) => row.entry.envelope.id === copy.envelope.id)!.entry.seq).toBe(2);
  });

  it("survives a causation loop and still lists every message once", () => {
    const a = entry({ type: "idea.proposed", from: "ideator/0", cause: "b", correlation: "x", atMs: 10 }, 1, "a");
    const b = entry({ type: "idea.assessed", from: "novelty/0", cause: "a", correlation: "x", atMs: 20 }, 2, "b");
    const c = entry({ type: "experiment.requested", from: "coder/0", cause: "b", correlation: "x", atMs: 30 }, 3, "c");
    const self = entry({ type: "idea.failed", from: "coder/0", cause: "s", correlation: "y", atMs: 5 }, 4, "s");
    const rows = causalOrder([c, b, a, self]);
    expect(rows.map((row) => row.entry.envelope.id)).toEqual(["s", "a", "b", "c"]);
    expect(rows.map((row) => row.rootKind)).toEqual(["cycle", "cycle", null, null]);
    expect(rows.map((row) => row.depth)).toEqual([0, 0, 1, 2]);
  });

  it("handles a causal chain far deeper than the call stack", () => {
    const chain: TraceEntry[] = [];
    for (let i = 0; i < 20_000; i++) {
      chain.push(
        entry(
          {
            type: "experiment.requested",
            from: "coder/0",
            cause: i === 0 ? null : `m${i - 1}`,
            correlation: "x",
            atMs: i,
          },
          i + 1,
          `m${i}`,
        ),
      );
    }
    const rows = causalOrder(chain);
    expect(rows).toHaveLength(20_000);
    expect(rows.at(-1)!.depth).toBe(19_999);
  });

  it("returns nothing for no entries", () => {
    expect(causalOrder([])).toEqual([]);
    expect(causalTree([])).toEqual([]);
  });
});
