import { describe, expect, it } from "vitest";
import { toChromeTrace, type ChromeTraceEvent } from "./chrome-export.ts";
import { SAMPLE_RUN, entry, sampleRun } from "./sample-run.ts";

describe("toChromeTrace", () => {
  const trace = toChromeTrace(sampleRun());
  const events = trace.traceEvents;
  const slices = events.filter((e) => e.ph === "X");

  it("uses the object format with millisecond display and survives JSON", () => {
    expect(trace.displayTimeUnit).toBe("ms");
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(trace.otherData.runs).toEqual([SAMPLE_RUN]);
  });

  it("gives every event a phase, a timestamp, a process and a thread", () => {
    for (const event of events) {
      expect(["M", "X", "s", "f"]).toContain(event.ph);
      expect(Number.isFinite(event.ts)).toBe(true);
      expect(event.ts).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(event.pid)).toBe(true);
      expect(Number.isInteger(event.tid)).toBe(true);
    }
  });

  it("names the run's process and one thread per sending agent", () => {
    const process = events.find((e) => e.ph === "M" && e.name === "process_name")!;
    expect(process.args).toEqual({ name: `run ${SAMPLE_RUN}` });
    const threads = events.filter((e) => e.ph === "M" && e.name === "thread_name");
    const agents = new Set(sampleRun().map((e) => e.envelope.from));
    expect(new Set(threads.map((t) => t.args!.name))).toEqual(agents);
    expect(new Set(threads.map((t) => t.tid)).size).toBe(agents.size);
    for (const slice of slices) {
      const thread = threads.find((t) => t.tid === slice.tid)!;
      expect(thread.args!.name).toBe(slice.args!.from);
    }
  });

  it("draws one complete slice per message, lasting as long as its handling", () => {
    expect(slices).toHaveLength(sampleRun().length);
    for (const slice of slices) expect(slice.dur).toBeGreaterThan(0);
    const assessed = slices.find((s) => s.name === "idea.assessed")!;
    expect(assessed.ts).toBe(2_400_000);
    expect(assessed.dur).toBe(190_000);
  });

  it("never overlaps two slices on one thread, even for messages sent in the same millisecond", () => {
    const byThread = new Map<number, ChromeTraceEvent[]>();
    for (const slice of slices) byThread.set(slice.tid, [...(byThread.get(slice.tid) ?? []), slice]);
    for (const list of byThread.values()) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < list.length; i++)
        expect(list[i - 1]!.ts + list[i - 1]!.dur!).toBeLessThanOrEqual(list[i]!.ts);
    }
  });

  it("links each cause to each effect with a matching flow start and end inside their slices", () => {
    const starts = events.filter((e) => e.ph === "s");
    const ends = events.filter((e) => e.ph === "f");
    const present = new Set(sampleRun().map((e) => e.envelope.id));
    const linked = sampleRun().filter((e) => e.envelope.causation !== null && present.has(e.envelope.causation));
    expect(starts).toHaveLength(linked.length);
    expect(new Set(starts.map((s) => s.id)).size).toBe(starts.length);
    const inside = (event: ChromeTraceEvent) =>
      slices.some((s) => s.tid === event.tid && s.ts <= event.ts && event.ts <= s.ts + s.dur!);
    for (const start of starts) {
      const matches = ends.filter((f) => f.id === start.id);
      expect(matches).toHaveLength(1);
      const end = matches[0]!;
      expect(end.bp).toBe("e");
      expect([end.name, end.cat]).toEqual([start.name, start.cat]);
      expect(end.ts).toBeGreaterThanOrEqual(start.ts);
      expect(inside(start)).toBe(true);
      expect(inside(end)).toBe(true);
    }
    expect(ends).toHaveLength(starts.length);
  });

  it("draws an effect stamped before its cause (clock skew) just after it, so the arrow binds", () => {
    const cause = entry(
      { type: "experiment.requested", from: "coder/0", cause: null, correlation: "x", atMs: 1_000 },
      1,
      "cause",
    );
    const effect = entry(
      { type: "experiment.finished", from: "experimenter/0", cause: "cause", correlation: "x", atMs: 400 },
      2,
      "effect",
    );
    const skewed = toChromeTrace([effect, cause]).traceEvents;
    const [c, e] = ["cause", "effect"].map((id) => skewed.find((ev) => ev.ph === "X" && ev.args!.id === id)!);
    expect(e!.ts).toBeGreaterThan(c!.ts);
    const s = skewed.find((ev) => ev.ph === "s")!;
    const f = skewed.find((ev) => ev.ph === "f")!;
    expect(f.ts).toBeGreaterThanOrEqual(s.ts);
  });

  it("terminates on a causation loop and still draws every message", () => {
    const a = entry({ type: "idea.proposed", from: "ideator/0", cause: "b", correlation: "x", atMs: 10 }, 1, "a");
    const b = entry({ type: "idea.assessed", from: "novelty/0", cause: "a", correlation: "x", atMs: 20 }, 2, "b");
    const looped = toChromeTrace([a, b]).traceEvents;
    expect(looped.filter((e) => e.ph === "X")).toHaveLength(2);
    // Only the forward edge a → b is drawn; the edge closing the loop would point back in time.
    expect(looped.filter((e) => e.ph === "s")).toHaveLength(1);
  });

  it("exports an empty trace for no entries", () => {
    expect(toChromeTrace([]).traceEvents).toEqual([]);
  });
});
