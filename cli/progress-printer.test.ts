import { describe, expect, it } from "vitest";
import type { Envelope, StoredEnvelope } from "../bus/index.ts";
import { createProgressPrinter } from "./progress-printer.ts";

const T0 = Date.parse("2026-11-27T18:00:00.000Z");
let seq = 0;

function stored(type: string, payload: Record<string, unknown>, offsetMs = 1000): StoredEnvelope {
  seq += 1;
  const envelope: Envelope = {
    id: `m${seq}`,
    type,
    run: "r1",
    from: "x/1",
    causation: null,
    correlation: "c",
    at: new Date(T0 + offsetMs).toISOString(),
    v: 1,
    payload,
  };
  return { seq, subject: `sci.r1.${type}`, envelope, error: null, traceparent: null };
}

const RUN = [
  stored("idea.proposed", { ideaId: "idea-1" }),
  stored("idea.proposed", { ideaId: "idea-2" }),
  stored("idea.assessed", { ideaId: "idea-1", novel: true }),
  stored("idea.assessed", { ideaId: "idea-2", novel: false, reason: "seen before" }),
  stored("paper.drafted", { ideaId: "idea-1", paperId: "p1" }),
  stored("review.requested", { ideaId: "idea-1", paperId: "p1", seat: 0 }),
  stored("review.requested", { ideaId: "idea-1", paperId: "p1", seat: 1 }),
  stored("review.submitted", { ideaId: "idea-1", paperId: "p1", seat: 0 }),
];

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 400, write: (text: string) => chunks.push(text) } };
}

describe("scientist run's progress output", () => {
  it("stays one plain line per milestone when stdout is not a terminal", () => {
    const { chunks, out } = capture(false);
    const printer = createProgressPrinter(out, T0, () => T0 + 5000);
    for (const m of RUN) printer.onMessage(m);
    printer.finish();
    expect(chunks.join("")).not.toContain("\r");
    expect(chunks.every((c) => c.endsWith("\n"))).toBe(true);
    expect(chunks.filter((c) => c.includes("idea.proposed"))).toHaveLength(2);
    expect(chunks.join("")).not.toContain("reviews in flight");
  });

  it("keeps a live status line of ideas per stage and reviews in flight on a terminal", () => {
    const { chunks, out } = capture(true);
    const printer = createProgressPrinter(out, T0, () => T0 + 5000);
    for (const m of RUN) printer.onMessage(m);
    const status = chunks.at(-1)!;
    expect(status.startsWith("\r\x1b[2K")).toBe(true);
    expect(status).not.toContain("\n");
    expect(status).toContain("ideas proposed 2 · novel 1 · running 0 · written 1 · decided 0 · reviews in flight 1");
    expect(status).toContain("accepted 0 · dropped 1");
    printer.onMessage(stored("paper.decided", { ideaId: "idea-1", paperId: "p1", decision: "Accept", overall: 7 }));
    expect(chunks.at(-1)).toContain("decided 1 · reviews in flight 0");
    expect(chunks.at(-1)).toContain("accepted 1");
    // The milestone itself is printed above the status line, as a whole line of its own.
    expect(chunks.at(-2)).toMatch(/^\r\x1b\[2K.*paper\.decided.*Accept \(overall 7\)\n$/);
    printer.finish();
    expect(chunks.at(-1)).toBe("\r\x1b[2K");
  });

  it("cuts the status line to the terminal's width, so it never wraps onto a second line", () => {
    const chunks: string[] = [];
    const printer = createProgressPrinter(
      { isTTY: true, columns: 40, write: (text: string) => chunks.push(text) },
      T0,
      () => T0,
    );
    printer.onMessage(RUN[0]!);
    const status = chunks.at(-1)!.replace("\r\x1b[2K", "");
    expect(status.length).toBeLessThan(40);
    expect(status.endsWith("…")).toBe(true);
    printer.finish();
  });
});
