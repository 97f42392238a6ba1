import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ArtifactStore, newRunId } from "../bus/index.ts";
import { useTestBus } from "./support/nats.ts";

describe("run artifacts in the object store", () => {
  const testBus = useTestBus();

  it("artifacts written by an agent on another host land in the user's run folder", async () => {
    const run = newRunId();
    const remote = new ArtifactStore(testBus.bus.objm, run, null); // a host that keeps no local copy
    await remote.put("idea-1/run_1/final_info.json", '{"a":{"means":{"acc":0.5}}}');
    await remote.put("idea-1/plot.png", new Uint8Array([137, 80, 78, 71]));
    const out = mkdtempSync(join(tmpdir(), "sci-art-"));
    const local = new ArtifactStore(testBus.bus.objm, run, out);
    expect(await local.syncLocal()).toBe(2);
    expect(readFileSync(join(out, run, "idea-1/run_1/final_info.json"), "utf8")).toContain("acc");
    // Already mirrored files are not copied again; a changed one is.
    writeFileSync(join(out, run, "idea-1/plot.png"), "x");
    expect(await local.syncLocal()).toBe(1);
  });

  it("refuses artifact names that would escape the run folder", async () => {
    const store = new ArtifactStore(testBus.bus.objm, newRunId(), null);
    await expect(store.put("../../etc/passwd", "x")).rejects.toMatchObject({ code: "BUS_ARTIFACT_BAD_NAME" });
    await expect(store.put("/abs", "x")).rejects.toThrow(/not a relative path/);
  });
});
