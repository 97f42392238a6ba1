/**
 * One contract suite for every sandbox backend, run against the real thing: a Docker engine and bwrap on this
 * host, with the python-ml image built offline on first use and cached in .scientist/cache.
 */

import { existsSync, readFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createServer, type AddressInfo, type Server } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bwrapAvailable,
  createBwrapSandbox,
  createDockerSandbox,
  dockerEngineReachable,
  sandboxLabel,
  type Sandbox,
  type SandboxLimits,
  type SandboxRunRequest,
} from "./index.ts";
import { deadlineLabel, ownerLabel, sweepAbandonedContainers } from "./docker-sweep.ts";
import { silentLogger } from "./sandbox-logger.ts";
import { createWorkDir, sweepStaleWorkDirs } from "./work-dir.ts";
import { markerProcesses } from "./selftest/host-probe.ts";

const cacheDir = fileURLToPath(new URL("../.scientist/cache", import.meta.url));
const docker = new Dockerode();
const engine = await dockerEngineReachable(docker);
const bwrap = await bwrapAvailable();
const isRoot = process.getuid?.() === 0;

if (!engine.ok)
  console.warn(`\n!!! SANDBOX DOCKER TESTS SKIPPED: no Docker engine could be reached (${engine.why}) !!!\n`);
if (!bwrap.ok) console.warn(`\n!!! SANDBOX BWRAP TESTS SKIPPED: bwrap is not usable (${bwrap.why}) !!!\n`);
if (!isRoot)
  console.warn("\n!!! SANDBOX TESTS SKIPPED: the size-capped work dir needs root (mount of a loop ext4 image) !!!\n");

const mib = 1024 * 1024;
const limits: SandboxLimits = {
  memoryBytes: 512 * mib,
  cpus: 1,
  pids: 64,
  diskBytes: 32 * mib,
  outputBytes: 64 * 1024,
  artifactBytes: 1 * mib,
  artifactCount: 10,
  nofile: 256,
  fileSizeBytes: 64 * mib,
};

function python(code: string, extra: Partial<SandboxRunRequest> = {}): SandboxRunRequest {
  return {
    image: "python-ml",
    files: { "main.py": code },
    command: ["python3", "main.py", ...(extra.command ?? [])],
    limits: { ...limits, ...extra.limits },
    timeoutMs: extra.timeoutMs ?? 30_000,
    ...(extra.env ? { env: extra.env } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.collect ? { collect: extra.collect } : {}),
  };
}

const backends = [
  { name: "docker", available: engine.ok && isRoot, make: (): Sandbox => createDockerSandbox({ docker, cacheDir }) },
  {
    name: "bwrap",
    available: bwrap.ok && isRoot,
    // The engine (when there is one) only seeds the rootfs: seconds instead of a debootstrap.
    make: (): Sandbox => createBwrapSandbox({ cacheDir, docker: engine.ok ? docker : null }),
  },
] as const;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the ${backend.name} sandbox`, () => {
    let sandbox: Sandbox;
    let hostServer: Server;
    let hostConnections = 0;

    beforeAll(async () => {
      sandbox = backend.make();
      // Built offline on first use (a few minutes), then cached.
      await sandbox.ensureImage("python-ml");
      hostServer = createServer((socket) => {
        hostConnections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => hostServer.listen(0, "0.0.0.0", resolve));
    }, 900_000);

    afterAll(async () => {
      await new Promise((resolve) => hostServer?.close(resolve));
      await sandbox?.close();
    });

    it("runs a python command and copies out the files it wrote, not the unchanged inputs", async () => {
      const request = python(
        "import json, os, numpy\nos.makedirs('out', exist_ok=True)\n" +
          "json.dump({'sum': int(numpy.arange(10).sum()), 'cwd': os.getcwd(), 'uid': os.getuid()}, open('out/result.json', 'w'))\n" +
          "print('done')\n",
      );
      const result = await sandbox.run({ ...request, files: { ...request.files, "data/input.txt": "unchanged" } });
      expect(result.reason).toBeNull();
      expect(result.status).toBe("ok");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe("done\n");
      expect(Object.keys(result.files)).toEqual(["out/result.json"]);
      const written = JSON.parse(Buffer.from(result.files["out/result.json"] ?? []).toString("utf8"));
      expect(written).toEqual({ sum: 45, cwd: "/work", uid: 65534 });
      expect(result.usage.wallMs).toBeGreaterThan(0);
      expect(result.usage.bytesWritten).toBeGreaterThan(0);
      expect(result.image).toMatch(/^(sha256:|rootfs:)/);
    });

    it("reports a non-zero exit as an error with the code's stderr", async () => {
      const result = await sandbox.run(python("import sys\nsys.stderr.write('boom: bad input\\n')\nsys.exit(3)\n"));
      expect(result.status).toBe("error");
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain("boom: bad input");
      expect(result.reason).toContain("exited with code 3");
      expect(result.reason).toContain("boom: bad input");
    });

    it("kills a run that outlives its wall clock and leaves no process or container behind", async () => {
      const marker = `marker-${randomBytes(6).toString("hex")}`;
      const result = await sandbox.run(
        python("import time, sys\nprint('started', flush=True)\ntime.sleep(60)\n", {
          command: [marker],
          timeoutMs: 1_500,
        }),
      );
      expect(result.status).toBe("timeout");
      expect(result.stdout).toBe("started\n");
      expect(result.reason).toContain("1500 ms");
      expect(result.usage.wallMs).toBeLessThan(10_000);
      expect(markerProcesses(marker)).toEqual([]);
      if (backend.name === "docker") {
        const left = await docker.listContainers({ all: true, filters: { label: [`${sandboxLabel}=1`] } });
        expect(left.filter((container) => container.Command.includes(marker))).toEqual([]);
      }
    });

    it("kills the run when the caller aborts it", async () => {
      const controller = new AbortController();
      const marker = `marker-${randomBytes(6).toString("hex")}`;
      const running = sandbox.run(
        python("import time\ntime.sleep(60)\n", { command: [marker], signal: controller.signal, timeoutMs: 30_000 }),
      );
      // Not a wait: the abort is the event under test, fired while the run is in flight.
      setTimeout(() => controller.abort(), 500);
      const result = await running;
      expect(result.status).toBe("killed");
      expect(result.usage.wallMs).toBeLessThan(10_000);
      expect(markerProcesses(marker)).toEqual([]);
    });

    it("has no network: neither the internet nor a port on the host can be reached", async () => {
      const port = (hostServer.address() as AddressInfo).port;
      const hostAddresses = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address?.family === "IPv4")
        .map((address) => address?.address as string);
      const targets = [["1.1.1.1", 53], ["8.8.8.8", 443], ...hostAddresses.map((address) => [address, port])];
      const before = hostConnections;
      const result = await sandbox.run(
        python(
          "import json, socket, sys\nresults = {}\n" +
            "for host, port in json.loads(sys.argv[1]):\n" +
            "    try:\n        socket.create_connection((host, port), timeout=3).close()\n        results[f'{host}:{port}'] = 'connected'\n" +
            "    except OSError as error:\n        results[f'{host}:{port}'] = type(error).__name__\n" +
            "print(json.dumps(results))\n",
          { command: [JSON.stringify(targets)] },
        ),
      );
      expect(result.status).toBe("ok");
      const outcomes = JSON.parse(result.stdout) as Record<string, string>;
      expect(Object.keys(outcomes)).toHaveLength(targets.length);
      expect(Object.values(outcomes)).not.toContain("connected");
      expect(hostConnections).toBe(before);
    });

    it("starts from an allow-listed environment, never the host's", async () => {
      process.env.FAKE_API_KEY = "sk-fake-host-secret";
      try {
        const result = await sandbox.run(
          python("import json, os\nprint(json.dumps(dict(os.environ)))\n", { env: { EXPERIMENT_SEED: "7" } }),
        );
        expect(result.status).toBe("ok");
        const env = JSON.parse(result.stdout) as Record<string, string>;
        expect(env.FAKE_API_KEY).toBeUndefined();
        expect(Object.values(env)).not.toContain("sk-fake-host-secret");
        expect(env.HOME).toBe("/work");
        expect(env.MPLBACKEND).toBe("Agg");
        expect(env.OMP_NUM_THREADS).toBe("1");
        expect(env.EXPERIMENT_SEED).toBe("7");
      } finally {
        delete process.env.FAKE_API_KEY;
      }
    });

    it("applies the open-file and file-size rlimits to the code", async () => {
      const result = await sandbox.run(
        python(
          "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_FSIZE))\n",
        ),
      );
      expect(result.status).toBe("ok");
      expect(result.stdout.trim()).toBe(`(256, 256) (${64 * mib}, ${64 * mib})`);
    });

    it.skipIf(backend.name !== "docker")("caps memory (with swap) and CPU through the container's cgroup", async () => {
      const result = await sandbox.run(
        python(
          "import pathlib\nread = lambda p: pathlib.Path('/sys/fs/cgroup', p).read_text().strip()\n" +
            "print(read('memory/memory.limit_in_bytes'), read('memory/memory.memsw.limit_in_bytes'), read('cpu/cpu.cfs_quota_us'), read('cpu/cpu.cfs_period_us'), read('pids/pids.max'))\n",
          { limits: { ...limits, cpus: 0.5, memoryBytes: 256 * mib } },
        ),
      );
      expect(result.status).toBe("ok");
      expect(result.stdout.trim()).toBe(`${256 * mib} ${256 * mib} 50000 100000 ${limits.pids}`);
    });

    it.skipIf(backend.name !== "docker")(
      "reports the CPU time and peak memory of a run that lasts a while",
      async () => {
        const result = await sandbox.run(
          python("import time\nheld = bytearray(b'x') * (100 << 20)\nwhile time.process_time() < 1.5:\n    pass\n"),
        );
        expect(result.status).toBe("ok");
        // Read from the run's parent cgroup after exit (exact); where that isn't readable, sampled lower bounds.
        expect(result.usage.cpuMs).toBeGreaterThan(700);
        expect(result.usage.peakMemoryBytes).toBeGreaterThan(100 * mib);
      },
    );

    it("contains a fork bomb within the process limit", async () => {
      const result = await sandbox.run(
        python(
          "import os, time\nstarted = 0\ntry:\n    for _ in range(10_000):\n" +
            "        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        started += 1\n" +
            "except OSError as error:\n    print('blocked after', started, error.errno)\n",
          { limits: { ...limits, pids: 32 }, timeoutMs: 20_000 },
        ),
      );
      expect(result.status).toBe("ok");
      const match = /blocked after (\d+)/.exec(result.stdout);
      expect(match, result.stderr).not.toBeNull();
      expect(Number(match?.[1])).toBeLessThan(32);
    });

    it("reports a memory bomb as oom", async () => {
      const result = await sandbox.run(
        python("chunks = []\nwhile True:\n    chunks.append(bytearray(b'x') * 10_000_000)\n", {
          limits: { ...limits, memoryBytes: 192 * mib },
        }),
      );
      expect(result.status).toBe("oom");
      expect(result.reason).toContain("memory limit");
    });

    it("stops a disk fill at the work dir cap and reports disk-limit", async () => {
      const result = await sandbox.run(
        python(
          "chunk = b'x' * (1 << 20)\nwith open('fill.bin', 'wb') as f:\n    while True:\n        f.write(chunk)\n",
          {
            limits: { ...limits, diskBytes: 16 * mib, artifactBytes: 64 * 1024 },
          },
        ),
      );
      expect(result.status).toBe("disk-limit");
      expect(result.reason).toContain("work dir is full");
      expect(result.usage.bytesWritten).toBeLessThanOrEqual(16 * mib);
      expect(result.usage.bytesWritten).toBeGreaterThan(8 * mib);
      expect(result.warnings?.join(" ")).toContain("fill.bin");
    });

    it("stops a single file at the file size limit and reports disk-limit", async () => {
      const result = await sandbox.run(
        python("with open('big.bin', 'wb') as f:\n    f.write(b'x' * (2 << 20))\n", {
          limits: { ...limits, fileSizeBytes: 1 * mib },
        }),
      );
      expect(result.status).toBe("disk-limit");
      expect(result.reason).toContain("size limit");
    });

    it("kills a 100 MB stdout flood at the output cap", async () => {
      const result = await sandbox.run(
        python("import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(chunk)\n"),
      );
      expect(result.status).toBe("output-limit");
      expect(result.stdout.length).toBe(limits.outputBytes);
      expect(result.reason).toContain("stdout");
    });

    it("keeps the root filesystem read-only", async () => {
      const result = await sandbox.run(
        python(
          "import sys\nroot = [l for l in open('/proc/mounts') if l.split()[1] == '/'][-1]\nprint(root.split()[3].split(',')[0])\n" +
            "open('/etc/planted', 'w').write('x')\n",
        ),
      );
      expect(result.status).toBe("error");
      expect(result.stdout).toBe("ro\n");
      expect(result.stderr).toMatch(/Read-only file system|Permission denied/);
    });

    it("offers no writable space outside the capped work dir, /tmp and /dev/shm", async () => {
      const result = await sandbox.run(
        python(
          "import os\nwritable = []\nfor d in ['/', '/etc', '/dev', '/var/tmp', '/run', '/home', '/proc']:\n" +
            "    try:\n        open(os.path.join(d, 'probe'), 'w').close()\n        writable.append(d)\n    except OSError:\n        pass\n" +
            "sizes = {d: os.statvfs(d).f_blocks * os.statvfs(d).f_frsize for d in ['/tmp', '/dev/shm']}\n" +
            "print(writable, max(sizes.values()) <= 64 * 1024 * 1024)\n",
        ),
      );
      expect(result.status).toBe("ok");
      expect(result.stdout.trim()).toBe("[] True");
    });

    it("never follows a symlink out of the work dir and caps the number of files copied out", async () => {
      const result = await sandbox.run(
        python(
          "import os\nos.symlink('/etc/passwd', 'passwd-link')\nfor i in range(5):\n    open(f'f{i}.txt', 'w').write(str(i))\n",
          {
            limits: { ...limits, artifactCount: 2 },
          },
        ),
      );
      expect(result.status).toBe("ok");
      expect(Object.keys(result.files)).toEqual(["f0.txt", "f1.txt"]);
      expect(result.warnings?.[0]).toContain("3 output file(s) left out");
    });

    it("rejects a file path that leaves the work dir before running anything", async () => {
      await expect(sandbox.run({ ...python("print(1)"), files: { "../escape.py": "x" } })).rejects.toMatchObject({
        code: "SANDBOX_BAD_REQUEST",
      });
    });

    it("rejects input files larger than the work dir with SANDBOX_BAD_REQUEST", async () => {
      await expect(
        sandbox.run({
          ...python("print(1)"),
          files: { "big.bin": new Uint8Array(12 * mib) },
          limits: { ...limits, diskBytes: 8 * mib },
        }),
      ).rejects.toMatchObject({ code: "SANDBOX_BAD_REQUEST" });
    });

    it("refuses an image it has no recipe for with SANDBOX_IMAGE_MISSING", async () => {
      await expect(sandbox.ensureImage("no-such-image-recipe")).rejects.toMatchObject({
        code: "SANDBOX_IMAGE_MISSING",
      });
    });
  });
}

/** A started sandbox container whose deadline is an hour away and whose owner pid on this host cannot exist. */
async function deadOwnersContainer(cmd: string[]) {
  const container = await docker.createContainer({
    Image: "scientist/python-ml:latest",
    Cmd: cmd,
    NetworkDisabled: true,
    Labels: {
      [sandboxLabel]: "1",
      [deadlineLabel]: String(Date.now() + 3_600_000),
      [ownerLabel]: `${hostname()}:99999999`,
    },
  });
  await container.start();
  return container;
}

describe.skipIf(!(engine.ok && isRoot))("leftovers of a host process that died mid-run", () => {
  it("an abandoned sandbox container past its deadline is removed by the next sweep", async () => {
    await createDockerSandbox({ docker, cacheDir }).ensureImage("python-ml");
    const container = await docker.createContainer({
      Image: "scientist/python-ml:latest",
      Cmd: ["sleep", "600"],
      NetworkDisabled: true,
      Labels: { [sandboxLabel]: "1", [deadlineLabel]: String(Date.now() - 1) },
    });
    await container.start();
    // Another test file's sandbox may sweep first (files run in parallel), so this sweep's count may be 0: what
    // matters is that the container is gone after it.
    await sweepAbandonedContainers(docker, silentLogger);
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("an exited sandbox container whose owner process is gone is removed before its deadline", async () => {
    const container = await deadOwnersContainer(["true"]);
    await container.wait();
    await sweepAbandonedContainers(docker, silentLogger);
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("closing a sandbox removes a dead process's container and work dir (no later sandbox run needed)", async () => {
    const workRoot = join(cacheDir, "close-sweep-test");
    const sandbox = createDockerSandbox({ docker, cacheDir, workRoot });
    await sandbox.ensureImage("python-ml");
    const container = await deadOwnersContainer(["sleep", "600"]);
    const orphan = await createWorkDir({ parentDir: workRoot, diskBytes: 8 * mib });
    const orphanRunDir = join(workRoot, basename(dirname(orphan.path)).replace(`run-${process.pid}-`, "run-99999999-"));
    await rename(dirname(orphan.path), orphanRunDir);
    await sandbox.close();
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(existsSync(orphanRunDir)).toBe(false);
  });

  it("a work dir of a dead process is unmounted and deleted, one of a live process is kept", async () => {
    const parentDir = join(cacheDir, "sweep-test");
    const live = await createWorkDir({ parentDir, diskBytes: 8 * mib });
    const dead = await createWorkDir({ parentDir, diskBytes: 8 * mib });
    // Pretend the second one belongs to a pid that can't exist (above the kernel's pid_max).
    const deadRunDir = dirname(dead.path);
    const orphanRunDir = join(parentDir, basename(deadRunDir).replace(`run-${process.pid}-`, "run-99999999-"));
    await rename(deadRunDir, orphanRunDir);
    try {
      await sweepStaleWorkDirs(parentDir);
      expect(existsSync(orphanRunDir)).toBe(false);
      expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(orphanRunDir);
      expect(existsSync(live.path)).toBe(true);
    } finally {
      await live.dispose();
    }
  });
});
