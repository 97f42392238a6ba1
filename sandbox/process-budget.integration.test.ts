/**
 * A fork bomb that holds its whole process budget must not keep another run from starting: under bwrap the budget
 * is RLIMIT_NPROC, counted per host uid, which is why each bwrap run gets a uid of its own.
 */

import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import {
  bwrapAvailable,
  createBwrapSandbox,
  createDockerSandbox,
  dockerEngineReachable,
  type Sandbox,
} from "./index.ts";
import { markerProcesses, settles } from "./selftest/host-probe.ts";
import { selftestLimits } from "./selftest/sandbox-executor.ts";

const cacheDir = fileURLToPath(new URL("../.scientist/cache", import.meta.url));
const docker = new Dockerode();
const engine = await dockerEngineReachable(docker);
const bwrap = await bwrapAvailable();
const isRoot = process.getuid?.() === 0;

const backends = [
  { name: "docker", available: engine.ok && isRoot, make: (): Sandbox => createDockerSandbox({ docker, cacheDir }) },
  {
    name: "bwrap",
    available: bwrap.ok && isRoot,
    make: (): Sandbox => createBwrapSandbox({ cacheDir, docker: engine.ok ? docker : null }),
  },
] as const;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`process budgets on the ${backend.name} sandbox`, () => {
    it("a fork bomb at its limit does not keep a run beside it from starting", async () => {
      const sandbox = backend.make();
      await sandbox.ensureImage("python-ml");
      const marker = `bomb-${randomBytes(5).toString("hex")}`;
      const stopBomb = new AbortController();
      const bomb = sandbox.run({
        image: "python-ml",
        files: {},
        command: [
          "python3",
          "-c",
          "import os, time\nwhile True:\n    try:\n        if os.fork() == 0:\n            time.sleep(60)\n    except OSError:\n        time.sleep(0.01)\n",
          marker,
        ],
        limits: selftestLimits,
        timeoutMs: 30_000,
        signal: stopBomb.signal,
      });
      // The bomb's processes show in the host's /proc: wait until it holds (nearly) all of its budget.
      expect(await settles(() => markerProcesses(marker).length >= selftestLimits.pids - 4, 10_000)).toBe(true);
      const beside = await sandbox.run({
        image: "python-ml",
        files: {},
        command: ["python3", "-c", "import numpy; print('ran')"],
        limits: selftestLimits,
        timeoutMs: 30_000,
      });
      expect(beside.reason).toBeNull();
      expect(beside.stdout).toBe("ran\n");
      stopBomb.abort();
      expect((await bomb).status).toBe("killed");
      await sandbox.close();
    }, 60_000);
  });
}
