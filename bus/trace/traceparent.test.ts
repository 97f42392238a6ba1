import { describe, expect, it } from "vitest";
import { parseTraceparent, spanIdFor, traceIdFor, traceparentFor } from "./traceparent.ts";

describe("traceparent", () => {
  it("round-trips through parseTraceparent with the run's trace id and the message's span id", () => {
    const header = traceparentFor("r202611271700-abc123", "9f86d081884c7d659a2feaa0c55ad015");
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(parseTraceparent(header)).toEqual({
      version: "00",
      traceId: traceIdFor("r202611271700-abc123"),
      spanId: spanIdFor("9f86d081884c7d659a2feaa0c55ad015"),
      flags: "01",
      sampled: true,
    });
  });

  it("derives the same ids on every call", () => {
    expect(traceIdFor("r1")).toBe(traceIdFor("r1"));
    expect(traceIdFor("r1")).not.toBe(traceIdFor("r2"));
    expect(spanIdFor("m1")).toHaveLength(16);
  });

  it.each([
    ["empty", ""],
    ["too few fields", "00-4bf92f3577b34da6a3ce929d0e0e4736-01"],
    ["upper-case hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],
    ["all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["all-zero span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["trailing data on version 00", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"],
    ["short span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01"],
  ])("rejects a header with %s", (_why, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });

  it("accepts a later version with extra fields and reads the sampled flag", () => {
    const parsed = parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra");
    expect(parsed).toMatchObject({ version: "01", sampled: false });
    expect(parseTraceparent(undefined)).toBeNull();
  });
});
