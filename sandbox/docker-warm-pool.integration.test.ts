/** The warm pool on a real engine: faster starts must not mean shared state between runs. */

import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDockerSandbox,
  dockerEngineReachable,
  sandboxLabel,
  type Sandbox,
  type SandboxRunRequest,
} from "./index.ts";
import { selftestLimits } from "./selftest/sandbox-executor.ts";
import type { SandboxLogger } from "./sandbox-logger.ts";

const cacheDir = fileURLToPath(new URL("../.scientist/cache", import.meta.url));
const docker = new Dockerode();
const engine = await dockerEngineReachable(docker);
const isRoot = process.getuid?.() === 0;
if (!(engine.ok && isRoot)) console.warn("\n!!! WARM POOL TESTS SKIPPED: they need a Docker engine and root !!!\n");

describe.skipIf(!(engine.ok && isRoot))("the docker sandbox with a warm pool", () => {
  const finished: { warm: boolean }[] = [];
  const logger: SandboxLogger = {
    debug: () => undefined,
    info: (object, message) => {
      if (message === "sandbox run finished") finished.push(object as { warm: boolean });
    },
    warn: () => undefined,
    error: () => undefined,
  };
  const label = `warm-${process.pid}`;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = createDockerSandbox({ docker, cacheDir, logger, warmPool: 2, labels: { "scientist.test": label } });
    await sandbox.ensureImage("python-ml");
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  // One shape: the same command each time, so the second and third runs can take pooled containers.
  const probe: SandboxRunRequest = {
    image: "python-ml",
    files: {},
    command: [
      "sh",
      "-c",
      "hostname; ls -A /work /tmp | tr '\\n' ' '; echo; echo planted > /work/planted; echo planted > /tmp/planted",
    ],
    limits: selftestLimits,
    timeoutMs: 30_000,
  };

  it("gives every run a fresh container and filesystem, even when it comes from the pool", async () => {
    const first = await sandbox.run(probe);
    // The refill after the first run's start is in flight; the second run finds it or starts cold, never reuses.
    const second = await sandbox.run(probe);
    const third = await sandbox.run(probe);
    const hosts = [first, second, third].map((r) => r.stdout.split("\n")[0]);
    expect(new Set(hosts).size).toBe(3);
    for (const result of [first, second, third]) {
      expect(result.status).toBe("ok");
      expect(result.stdout).not.toContain("planted");
    }
    expect(finished.slice(-2).some((f) => f.warm)).toBe(true);
  });

  it("removes every pooled container and work dir on close", async () => {
    await sandbox.close();
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`${sandboxLabel}=1`, `scientist.test=${label}`] },
    });
    expect(left).toEqual([]);
  });
});
