import { describe, expect, it } from "vitest";
import { followLine } from "./trace-follow.ts";

describe("trace --follow lines", () => {
  it("print sequence, offset, type, sender, cause and correlation of each message", () => {
    const line = followLine(
      {
        seq: 7,
        subject: "sci.r1.idea.assessed",
        envelope: {
          id: "bbbbbbbb11",
          type: "idea.assessed",
          run: "r1",
          from: "novelty/h-0",
          causation: "aaaaaaaa22",
          correlation: "idea-1",
          at: "2026-11-27T18:00:02.500Z",
          v: 1,
          payload: {},
        },
        error: null,
        traceparent: null,
      },
      Date.parse("2026-11-27T18:00:00.000Z"),
    );
    expect(line).toMatch(/^#7\s+\+2\.500s idea\.assessed\s+novelty\/h-0\s+← aaaaaaaa \[idea-1\]$/);
  });

  it("say so when a stored message is not a valid envelope instead of skipping it", () => {
    expect(
      followLine({ seq: 3, subject: "sci.r1.junk", envelope: null, error: "not JSON", traceparent: null }, 0),
    ).toBe("#3 unreadable message on sci.r1.junk: not JSON");
  });
});
