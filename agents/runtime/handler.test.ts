import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.ts";
import { toEnvelopes } from "./handler.ts";
import { envelope } from "../../tests/support/machine-harness.ts";

describe("outbound envelopes", () => {
  it("get the same ids when the same message is handled again, and distinct ids per seat", () => {
    const cause = envelope("paper.drafted", {}, "i1");
    const out = [
      { type: "review.requested", payload: { seat: 0 }, seat: 0 },
      { type: "review.requested", payload: { seat: 1 }, seat: 1 },
    ];
    const a = toEnvelopes(cause, out, "area-chair/h-0", new Date());
    const b = toEnvelopes(cause, out, "area-chair/h-1", new Date(Date.now() + 5000));
    expect(a.map((e) => e.id)).toEqual(b.map((e) => e.id));
    expect(new Set(a.map((e) => e.id)).size).toBe(2);
    expect(a[0]).toMatchObject({ causation: cause.id, correlation: "i1", run: cause.run });
  });
});

describe("keyed mutex", () => {
  it("runs work for one key in order and different keys concurrently", async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = mutex.run("k", () => new Promise<void>((r) => (releaseFirst = () => { order.push("k1"); r(); })));
    const second = mutex.run("k", async () => void order.push("k2"));
    await mutex.run("other", async () => void order.push("other"));
    expect(order).toEqual(["other"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(["other", "k1", "k2"]);
  });
});
