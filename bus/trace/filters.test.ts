import { describe, expect, it } from "vitest";
import { filterEntries } from "./filters.ts";
import { sampleRun } from "./sample-run.ts";

const types = (entries: ReturnType<typeof sampleRun>) => entries.map((e) => e.envelope.type);

describe("filterEntries", () => {
  it("keeps everything when no criterion is given", () => {
    expect(filterEntries(sampleRun())).toHaveLength(sampleRun().length);
    expect(filterEntries(sampleRun(), { type: [], agent: [] })).toHaveLength(sampleRun().length);
  });

  it("matches exact types and noun prefixes like idea.*", () => {
    expect(types(filterEntries(sampleRun(), { type: ["idea.*"] }))).toEqual([
      "idea.proposed",
      "idea.proposed",
      "idea.failed",
      "idea.assessed",
    ]);
    expect(filterEntries(sampleRun(), { type: ["review.submitted", "paper.decided"] })).toHaveLength(6);
    expect(filterEntries(sampleRun(), { type: ["*"] })).toHaveLength(sampleRun().length);
    expect(filterEntries(sampleRun(), { type: ["idea"] })).toHaveLength(0);
  });

  it("matches a role across its instances or one agent id exactly", () => {
    expect(filterEntries(sampleRun(), { agent: ["reviewer"] })).toHaveLength(5);
    const seat2 = filterEntries(sampleRun(), { agent: ["reviewer/2"] });
    expect(seat2.map((e) => e.envelope.from)).toEqual(["reviewer/2"]);
    // `review` is not a prefix match for `reviewer/…`: roles match whole.
    expect(filterEntries(sampleRun(), { agent: ["review"] })).toHaveLength(0);
  });

  it("matches an idea by correlation or by payload.ideaId", () => {
    const idea1 = filterEntries(sampleRun(), { idea: "idea-1" });
    // The paper's messages correlate on paper-1 but carry ideaId idea-1.
    expect(idea1.some((e) => e.envelope.correlation === "paper-1")).toBe(true);
    expect(idea1.some((e) => e.envelope.correlation === "idea-2")).toBe(false);
    expect(types(filterEntries(sampleRun(), { idea: "idea-2" }))).toEqual(["idea.proposed", "idea.failed"]);
  });

  it("requires every given criterion and keeps the input order", () => {
    const both = filterEntries(sampleRun(), { type: ["experiment.*"], agent: ["experimenter"], idea: "idea-1" });
    expect(both.map((e) => e.seq)).toEqual([7, 9]);
  });
});
