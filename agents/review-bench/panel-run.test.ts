import { describe, expect, it } from "vitest";
import { envelopeSchema, type Envelope, type StoredEnvelope } from "../../bus/index.ts";
import { benchState, draftedEnvelope, ideaIdFor } from "./panel-run.ts";

const run = "r-bench-test";
const paper = (id: string) => ({
  paperId: id,
  title: `Title ${id}`,
  abstract: "An abstract.",
  text: "# Title\n\nABSTRACT\n\nAn abstract.\n",
});
let seq = 0;
const stored = (e: Envelope): StoredEnvelope => ({
  seq: ++seq,
  subject: `sci.${run}.${e.type}`,
  envelope: e,
  error: null,
  traceparent: null,
});
const event = (type: string, correlation: string, payload: unknown, from = "area-chair/x-0"): Envelope => ({
  id: `${type}-${correlation}-${seq}`,
  type,
  run,
  from,
  causation: null,
  correlation,
  at: new Date(0).toISOString(),
  v: 1,
  payload,
});

describe("the bench's view of a run's stream (for --resume)", () => {
  it("drafts a valid paper.drafted for the panel: the stripped text as textArtifact, no provenance, no evidence", () => {
    const e = draftedEnvelope(run, paper("abc"), ideaIdFor("abc", 1));
    expect(envelopeSchema.safeParse(e).success).toBe(true);
    expect(e.correlation).toBe("iclr-abc");
    expect(e.payload).toMatchObject({
      paperId: "abc",
      textArtifact: "iclr-abc/paper.txt",
      provenance: null,
      evidence: { effects: [] },
    });
    // Deterministic: publishing it again on resume is dropped by JetStream's duplicate window.
    expect(draftedEnvelope(run, paper("abc"), "iclr-abc").id).toBe(e.id);
    expect(ideaIdFor("abc", 3)).toBe("iclr-abc-r3");
  });

  it("tracks attempts and the latest attempt's outcome per paper", () => {
    const messages = [
      stored(draftedEnvelope(run, paper("a"), "iclr-a")),
      stored(draftedEnvelope(run, paper("b"), "iclr-b")),
      stored(draftedEnvelope(run, paper("c"), "iclr-c")),
      stored(event("paper.decided", "iclr-a", { paperId: "a", decision: "Accept", overall: 7 })),
      stored(event("idea.failed", "iclr-b", { ideaId: "iclr-b", stage: "area-chair", reason: "below quorum" })),
      stored(draftedEnvelope(run, paper("b"), "iclr-b-r2")),
      // A swarm paper on the same run is not a bench paper.
      stored(event("paper.drafted", "idea-1", { paperId: "p", ideaId: "idea-1" }, "writer/x-0")),
    ];
    const state = benchState(messages);
    expect([...state.keys()]).toEqual(["a", "b", "c"]);
    expect(state.get("a")).toMatchObject({ attempts: ["iclr-a"], failed: null, decided: { decision: "Accept" } });
    // b failed once and was retried: the retry is in flight, the old failure no longer counts.
    expect(state.get("b")).toMatchObject({ attempts: ["iclr-b", "iclr-b-r2"], decided: null, failed: null });
    expect(state.get("c")).toMatchObject({ attempts: ["iclr-c"], decided: null, failed: null });
  });
});
