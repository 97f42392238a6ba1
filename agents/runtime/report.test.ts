import { describe, expect, it } from "vitest";
import type { Envelope, StoredEnvelope } from "../../bus/index.ts";
import { buildReport } from "./report.ts";

const run = "r-20260101-000000-abcd";
let seq = 0;
function stored(type: string, payload: unknown, correlation = "i1"): StoredEnvelope {
  seq++;
  const envelope = {
    id: `m${seq}`,
    type,
    run,
    from: "x/h",
    causation: null,
    correlation,
    at: new Date(seq * 1000).toISOString(),
    v: 1,
    payload,
  } as Envelope;
  return { seq, subject: `sci.${run}.${type}`, envelope, error: null, traceparent: null };
}
const meta = { run, template: "t", policy: "rules", startedAt: "a", endedAt: "b" };

describe("buildReport on bad messages", () => {
  it("does not crash on wrong payloads ({foo:1}) and lists the dead letters", () => {
    const deadLetter = {
      subject: `sci.${run}.idea.proposed`,
      stream: "s",
      streamSequence: 1,
      deliveries: 1,
      consumer: "c",
      reason: "invalid idea.proposed payload: ideaId: Required",
      raw: "{}",
    };
    const report = buildReport(
      [
        stored("message.deadlettered", { foo: 1 }),
        stored("idea.proposed", { foo: 1 }),
        stored("idea.assessed", { foo: 1 }),
        stored("paper.drafted", { foo: 1 }),
        stored("paper.decided", { foo: 1 }),
        stored("run.completed", { foo: 1 }),
        stored("budget.exhausted", { foo: 1 }),
        stored("message.deadlettered", deadLetter),
        { seq: 99, subject: `sci.${run}.idea.proposed`, envelope: null, error: "not JSON", traceparent: null },
      ],
      meta,
    );
    expect(report.deadLetters).toEqual([{ subject: deadLetter.subject, reason: deadLetter.reason }]);
    expect(report.ideas).toEqual([]);
    expect(report.papers).toEqual([]);
    expect(report.completed).toBe(false);
    expect(report.messages).toBe(9);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ run });
  });
});
