import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ArtifactStore,
  SnapshotStore,
  connectBus,
  ensureRoleConsumer,
  ensureRunStream,
  newRunId,
  runExists,
  startNatsServer,
  type BusConnection,
  type LocalNatsServer,
} from "../bus/index.ts";

/** Resolves at the connection's next reconnect (an event, not a sleep). */
async function reconnected(bus: BusConnection): Promise<void> {
  for await (const s of bus.nc.status()) if (s.type === "reconnect") return;
}

describe("bus faults keep their cause (a real nats-server stopped and restarted on the same port and store)", () => {
  const storeDir = mkdtempSync(join(tmpdir(), "sci-faults-"));
  let server: LocalNatsServer | null = null;
  let bus: BusConnection | null = null;
  afterAll(async () => {
    await bus?.close();
    await server?.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it("CAS conflict only for a real wrong-last-sequence; missing stream/consumer created; outage errors are retryable and the artifact store recovers", async () => {
    server = await startNatsServer({ storeDir });
    const port = server.port;
    bus = await connectBus(server.url, { timeoutMs: 2000 });
    const run = newRunId();
    // Not found: created (the codes say so), and runExists answers false for a run that is not there.
    expect(await runExists(bus.jsm, run)).toBe(false);
    await ensureRunStream(bus.jsm, run);
    expect(await runExists(bus.jsm, run)).toBe(true);
    await ensureRoleConsumer(bus.jsm, run, "coder", "idea.assessed");
    await ensureRoleConsumer(bus.jsm, run, "coder", "idea.assessed"); // exists: info succeeds, nothing re-added

    const snapshots = new SnapshotStore(bus.kv.snapshots);
    const key = snapshots.key(run, "coder", "i1");
    const first = await snapshots.save(key, { n: 1 }, 0);
    await snapshots.save(key, { n: 2 }, first);
    await expect(snapshots.save(key, { n: 3 }, first)).rejects.toMatchObject({
      code: "BUS_CAS_CONFLICT",
      retryable: true,
    });
    await expect(snapshots.save(key, { n: 3 }, 0)).rejects.toMatchObject({ code: "BUS_CAS_CONFLICT" });

    // The server goes away before the run's object store was ever opened.
    const artifacts = new ArtifactStore(bus.objm, run, null);
    await server.stop();
    server = null;
    const outage = await artifacts.put("idea-1/code.py", "print(1)").catch((error: unknown) => error);
    expect(outage).toMatchObject({ code: "BUS_ARTIFACT_FAILED", retryable: true });
    await expect(artifacts.get("idea-1/code.py")).rejects.toMatchObject({ code: "BUS_ARTIFACT_FAILED" });
    await expect(snapshots.save(key, { n: 9 }, 99)).rejects.toMatchObject({ code: "BUS_KV_FAILED", retryable: true });
    await expect(ensureRunStream(bus.jsm, newRunId())).rejects.toMatchObject({
      code: "BUS_INFO_FAILED",
      retryable: true,
    });

    // Back on the same port and store: the same ArtifactStore works again (a failed bucket creation is not cached).
    const back = reconnected(bus);
    server = await startNatsServer({ storeDir, port });
    await back;
    await artifacts.put("idea-1/code.py", "print(1)");
    expect(await artifacts.getText("idea-1/code.py")).toBe("print(1)");
    await expect(artifacts.get("idea-1/none.py")).rejects.toMatchObject({ code: "BUS_ARTIFACT_MISSING" });
    // The snapshot written before the outage is still there, at its revision.
    await expect(snapshots.load<{ n: number }>(key)).resolves.toMatchObject({ value: { n: 2 } });
  }, 90_000);
});
