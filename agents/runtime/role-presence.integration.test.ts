// Presence beats on a real nats-server: a hosted replica is live while it beats and gone once it stops; a stale
// beat (a killed process's last one) does not count.
import { describe, expect, it } from "vitest";
import { newRunId } from "../../bus/index.ts";
import { useTestBus } from "../../tests/support/nats.ts";
import { beatPresence, liveReplicas, presenceKey, presenceStaleMs } from "./role-presence.ts";

describe("role presence", () => {
  const nats = useTestBus();

  it("lists a beating replica per role, drops it on a clean stop, and ignores a stale beat", async () => {
    const run = newRunId();
    const kv = nats.bus.kv.snapshots;
    const stop = new AbortController();
    const agents = ["experimenter/h-0", "experimenter/h-1", "writer/h-0"];
    const beating = beatPresence([{ kv, agents }], run, stop.signal);
    // An actor snapshot of the same role is not a replica.
    await kv.put(`${run}.experimenter.idea-001_experiment_0_1`, "{}");
    const stale = new Date(Date.now() - presenceStaleMs - 1000).toISOString();
    await kv.put(presenceKey(run, "coder/dead-0"), JSON.stringify({ agent: "coder/dead-0", at: stale }));
    await kv.put(presenceKey(run, "writer/garbled-0"), "not a beat"); // skipped, not fatal to the listing
    // The first beat is written at once; wait for it on the bucket itself, not on a timer.
    const watch = await kv.watch({ key: presenceKey(run, "writer/h-0") });
    for await (const e of watch) if (e.operation === "PUT") break;
    const live = await liveReplicas(kv, run, Date.now());
    expect(live.get("experimenter")?.sort()).toEqual(["experimenter/h-0", "experimenter/h-1"]);
    expect(live.get("writer")).toEqual(["writer/h-0"]);
    expect(live.has("coder")).toBe(false);
    stop.abort();
    await beating;
    const after = await liveReplicas(kv, run, Date.now());
    expect([...after.keys()]).toEqual([]);
  });
});
