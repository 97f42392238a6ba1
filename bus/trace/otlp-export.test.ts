import { describe, expect, it } from "vitest";
import { traceparentOf } from "../publisher.ts";
import { SPAN_KIND_INTERNAL, runSpanIdFor, toOtlpTrace, type OtlpSpan } from "./otlp-export.ts";
import { SAMPLE_RUN, entry, sampleRun } from "./sample-run.ts";
import { parseTraceparent, spanIdFor, traceIdFor, traceparentFor } from "./traceparent.ts";

function spansOf(trace: ReturnType<typeof toOtlpTrace>): OtlpSpan[] {
  return trace.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

function expectOneRootAndNoDanglingParents(spans: OtlpSpan[]): OtlpSpan {
  const roots = spans.filter((span) => span.parentSpanId === undefined);
  expect(roots).toHaveLength(1);
  const ids = new Set(spans.map((span) => span.spanId));
  expect(ids.size).toBe(spans.length);
  for (const span of spans) if (span.parentSpanId !== undefined) expect(ids.has(span.parentSpanId)).toBe(true);
  return roots[0]!;
}

describe("toOtlpTrace", () => {
  const trace = toOtlpTrace(sampleRun());
  const spans = spansOf(trace);

  it("names the service on the resource and survives JSON", () => {
    expect(trace.resourceSpans).toHaveLength(1);
    expect(trace.resourceSpans[0]!.resource.attributes).toContainEqual({
      key: "service.name",
      value: { stringValue: "scientist-swarm" },
    });
    expect(trace.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBeTruthy();
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  it("has exactly one root span and every other span's parent among the spans", () => {
    const root = expectOneRootAndNoDanglingParents(spans);
    // The run has one causeless message (run.started), so it is the root and no synthetic span is needed.
    expect(root.name).toBe("run.started");
    expect(spans).toHaveLength(sampleRun().length);
  });

  it("attaches a message whose cause is absent to the run's root", () => {
    const orphan = spans.find((span) => span.spanId === spanIdFor("orphan-experiment-finished"))!;
    const root = spans.find((span) => span.name === "run.started")!;
    expect(orphan.parentSpanId).toBe(root.spanId);
  });

  it("parents each message on the message that caused it", () => {
    for (const e of sampleRun()) {
      const span = spans.find((s) => s.spanId === spanIdFor(e.envelope.id))!;
      if (e.envelope.causation === null || e.envelope.id === "orphan-experiment-finished") continue;
      expect(span.parentSpanId).toBe(spanIdFor(e.envelope.causation));
    }
  });

  it("uses one 32-hex trace id per run and 16-hex span ids, and nanosecond strings for times", () => {
    for (const span of spans) {
      expect(span.traceId).toBe(traceIdFor(SAMPLE_RUN));
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      if (span.parentSpanId !== undefined) expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.startTimeUnixNano).toMatch(/^\d+$/);
      expect(BigInt(span.endTimeUnixNano)).toBeGreaterThan(BigInt(span.startTimeUnixNano));
      expect(Number.isInteger(span.kind)).toBe(true);
    }
    const assessed = spans.find((s) => s.name === "idea.assessed")!;
    expect(assessed.startTimeUnixNano).toBe(`${Date.parse("2026-11-27T17:00:02.400Z")}000000`);
    expect(BigInt(assessed.endTimeUnixNano) - BigInt(assessed.startTimeUnixNano)).toBe(190_000_000n);
  });

  it("carries the message type, agent and correlation as OTLP attributes", () => {
    const decided = spans.find((s) => s.name === "paper.decided")!;
    expect(decided.attributes).toEqual(
      expect.arrayContaining([
        { key: "message.type", value: { stringValue: "paper.decided" } },
        { key: "agent", value: { stringValue: "area-chair/0" } },
        { key: "correlation", value: { stringValue: "paper-1" } },
      ]),
    );
    const failed = spans.find((s) => s.name === "idea.failed")!;
    expect(failed.status).toEqual({ code: 2, message: "not novel" });
  });

  it("adds one synthetic run span when the run has no single causeless message", () => {
    const withoutStart = sampleRun().slice(1);
    const rootless = spansOf(toOtlpTrace(withoutStart));
    const root = expectOneRootAndNoDanglingParents(rootless);
    expect(root).toMatchObject({
      name: `run ${SAMPLE_RUN}`,
      spanId: runSpanIdFor(SAMPLE_RUN),
      kind: SPAN_KIND_INTERNAL,
    });
    expect(rootless).toHaveLength(withoutStart.length + 1);
    const starts = rootless.map((s) => BigInt(s.startTimeUnixNano));
    const ends = rootless.map((s) => BigInt(s.endTimeUnixNano));
    expect(BigInt(root.startTimeUnixNano)).toBe(starts.reduce((a, b) => (a < b ? a : b)));
    expect(BigInt(root.endTimeUnixNano)).toBe(ends.reduce((a, b) => (a > b ? a : b)));

    const second = entry(
      { type: "message.deadlettered", from: "bus/dlq", cause: null, correlation: "x", atMs: 50 },
      99,
      "dead",
    );
    const twoRoots = spansOf(toOtlpTrace([...sampleRun(), second]));
    expect(expectOneRootAndNoDanglingParents(twoRoots).name).toBe(`run ${SAMPLE_RUN}`);
  });

  it("keeps exactly one root through a causation loop", () => {
    const a = entry({ type: "idea.proposed", from: "ideator/0", cause: "b", correlation: "x", atMs: 10 }, 1, "a");
    const b = entry({ type: "idea.assessed", from: "novelty/0", cause: "a", correlation: "x", atMs: 20 }, 2, "b");
    expectOneRootAndNoDanglingParents(spansOf(toOtlpTrace([a, b])));
  });

  it("gives each run its own resource, trace and root", () => {
    const other = entry(
      { type: "run.started", from: "cli/main", cause: null, correlation: "r2", atMs: 0 },
      1,
      "other-start",
    );
    const mixed = toOtlpTrace([...sampleRun(), { ...other, envelope: { ...other.envelope, run: "r2" } }]);
    expect(mixed.resourceSpans).toHaveLength(2);
    for (const resource of mixed.resourceSpans) expectOneRootAndNoDanglingParents(resource.scopeSpans[0]!.spans);
  });
});

describe("traceparent and the OTLP export", () => {
  it("name the same trace and span for a message", () => {
    const spans = spansOf(toOtlpTrace(sampleRun()));
    for (const e of sampleRun()) {
      const parsed = parseTraceparent(traceparentFor(e.envelope.run, e.envelope.id))!;
      expect(spans).toContainEqual(expect.objectContaining({ traceId: parsed.traceId, spanId: parsed.spanId }));
    }
  });

  it("match the traceparent header the publisher puts on the bus", () => {
    for (const e of sampleRun()) expect(traceparentFor(e.envelope.run, e.envelope.id)).toBe(traceparentOf(e.envelope));
  });
});
