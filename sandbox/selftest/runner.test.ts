import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SelftestCase, SelftestOutcome } from "./cases.ts";
import { formatSelftestTable, runSelftest, selftestSecretName, type SelftestExecutor } from "./runner.ts";

const dir = mkdtempSync(join(tmpdir(), "sci-selftest-"));
const templateYamlPath = join(dir, "template.yaml");
writeFileSync(templateYamlPath, "sandbox:\n  timeoutSeconds: 60\n");

const probe: SelftestCase = {
  id: "probe",
  title: "probe",
  image: "python-ml",
  kind: "experiment",
  timeoutMs: 1_000,
  expect: "ok",
  files: () => ({}),
  command: (context) => ["true", context.marker],
  breaches: () => [],
};

const outcome = (extra: Partial<SelftestOutcome> = {}): SelftestOutcome => ({
  status: "ok",
  reason: null,
  exitCode: 0,
  stdout: "",
  stderr: "",
  files: {},
  wallMs: 10,
  image: "sha256:x",
  ...extra,
});

const judge = async (execute: SelftestExecutor) => {
  const [result] = await runSelftest({
    execute,
    limits: { pids: 8, outputBytes: 1024, diskBytes: 1 << 20 },
    workRoot: dir,
    canaryDir: join(dir, "canary"),
    templateYamlPath,
    repoRoot: dir,
    cases: [probe],
  });
  return result!;
};

// A leaking "sandbox" for the judge to catch; these fakes stand in for a broken backend.
const leftover: ChildProcess[] = [];
afterEach(() => {
  for (const child of leftover.splice(0)) child.kill("SIGKILL");
});

describe("the selftest judge", () => {
  it("calls a clean run with the expected status contained", async () => {
    const result = await judge(async () => outcome());
    expect(result).toMatchObject({ status: "ok", contained: true, breaches: [] });
  });

  it("flags a planted host API key that reached the code", async () => {
    // The fake reads the planted variable, as a backend that passed the host env through would.
    const result = await judge(async () => outcome({ stdout: `key=${process.env[selftestSecretName]}` }));
    expect(result.contained).toBe(false);
    expect(result.breaches.join()).toContain(selftestSecretName);
  });

  it("flags a read of the host canary and a write to the host template.yaml", async () => {
    const result = await judge(async () => {
      const canary = readdirSync(join(dir, "canary")).find((name) => name.startsWith("canary-"))!;
      writeFileSync(templateYamlPath, "sandbox:\n  timeoutSeconds: 99999999\n");
      return outcome({ stdout: readFileSync(join(dir, "canary", canary), "utf8") });
    });
    expect(result.breaches).toEqual(
      expect.arrayContaining(["the host template.yaml changed", "the host canary file was read"]),
    );
  });

  it("flags a process of the run that outlives it, and the wrong status", async () => {
    const result = await judge(async (request) => {
      const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30_000)", request.command[1]!], {
        stdio: "ignore",
      });
      leftover.push(child);
      await new Promise((resolve) => child.once("spawn", resolve));
      return outcome({ status: "timeout" });
    });
    expect(result.contained).toBe(false);
    expect(result.breaches).toEqual(
      expect.arrayContaining(["ended timeout, expected ok", "1 of its processes outlived the run"]),
    );
    expect(formatSelftestTable([result], "fake")).toMatch(/probe\s+timeout \(want ok\)\s+NO/);
  });
});
