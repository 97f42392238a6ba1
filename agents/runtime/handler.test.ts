import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.ts";
import { outboundProblem, toEnvelopes } from "./handler.ts";
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

  it("differ between two roles, or two actors, emitting one type from one cause", () => {
    const cause = envelope("experiment.finished", {}, "i1");
    const out = [{ type: "idea.failed", payload: {} }];
    const coder = toEnvelopes(cause, out, "coder/h-0", new Date(), "i1")[0]!.id;
    expect(toEnvelopes(cause, out, "writer/h-0", new Date(), "i1")[0]!.id).not.toBe(coder);
    expect(toEnvelopes(cause, out, "coder/h-0", new Date(), "i2")[0]!.id).not.toBe(coder);
    expect(toEnvelopes(cause, out, "coder/other-host-3", new Date(), "i1")[0]!.id).toBe(coder);
  });
});

describe("the outbox check before the save", () => {
  const cause = envelope("study.completed", {}, "i1");
  const role = { name: "writer", emits: ["idea.failed"] };

  it("refuses a type the role does not declare in emits", () => {
    const out = toEnvelopes(cause, [{ type: "paper.decided", payload: {} }], "writer/h-0", new Date());
    expect(outboundProblem(role, out)).toBe(
      "role writer emitted paper.decided, which is not in its emits (idea.failed)",
    );
  });

  it("refuses a payload its schema rejects and passes a valid one (actor.transitioned is the runtime's own)", () => {
    const bad = toEnvelopes(
      cause,
      [{ type: "idea.failed", payload: { ideaId: "i1", stage: "writer" } }],
      "writer/h-0",
      new Date(),
    );
    expect(outboundProblem(role, bad)).toMatch(/emitted invalid idea.failed payload: reason/);
    const good = toEnvelopes(
      cause,
      [
        {
          type: "actor.transitioned",
          payload: { agent: "writer/h-0", actorKey: "i1", machine: "writer", from: null, to: "idle", event: "x" },
        },
        { type: "idea.failed", payload: { ideaId: "i1", stage: "writer", reason: "r" } },
      ],
      "writer/h-0",
      new Date(),
    );
    expect(outboundProblem(role, good)).toBeNull();
  });
});

describe("keyed mutex", () => {
  it("runs work for one key in order and different keys concurrently", async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = mutex.run(
      "k",
      () =>
        new Promise<void>(
          (r) =>
            (releaseFirst = () => {
              order.push("k1");
              r();
            }),
        ),
    );
    const second = mutex.run("k", async () => void order.push("k2"));
    await mutex.run("other", async () => void order.push("other"));
    expect(order).toEqual(["other"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(["other", "k1", "k2"]);
  });
});
