// followRun against a real nats-server: a follower that re-subscribes (after a quiet spell, as after a lost cluster
// node) goes on from the next sequence, yielding every message once.
import { describe, expect, it } from "vitest";
import { useTestBus } from "../tests/support/nats.ts";
import { ensureRunStream, followRun, newRunId, subjectFor, type StoredEnvelope } from "./index.ts";

describe("followRun", () => {
  const nats = useTestBus();

  it("re-subscribes from its next sequence: nothing skipped, nothing yielded twice", async () => {
    const run = newRunId();
    await ensureRunStream(nats.bus.jsm, run);
    const publish = (n: number) =>
      nats.bus.js.publish(subjectFor(run, "ping.sent"), JSON.stringify({ type: "ping.sent", n }));
    await publish(1);
    await publish(2);
    const resubscribed: number[] = [];
    let onResubscribe: () => void = () => undefined;
    const controller = new AbortController();
    const follower = followRun(nats.bus.js, run, controller.signal, {
      quietMs: 100,
      onResubscribe: (next) => {
        resubscribed.push(next);
        onResubscribe();
      },
    });
    const seen: StoredEnvelope[] = [];
    const nextMessage = async () => {
      const r = await follower.next();
      seen.push(r.value as StoredEnvelope);
    };
    await nextMessage();
    await nextMessage();
    // Quiet: the follower drops its consumer and takes a new one from seq 3; the message published after goes on.
    const resubscribe = new Promise<void>((resolve) => (onResubscribe = resolve));
    const third = nextMessage();
    await resubscribe;
    await publish(3);
    await third;
    controller.abort();
    await follower.return(undefined);
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(resubscribed[0]).toBe(3);
    expect(seen.every((m) => m.error !== null)).toBe(true); // not envelopes: kept with the reason, not dropped
  });

  it("reports a run with no stream at once instead of retrying", async () => {
    const follower = followRun(nats.bus.js, newRunId(), new AbortController().signal);
    await expect(follower.next()).rejects.toThrow();
  });
});
