/**
 * bwrap backend, for hosts without a Docker engine: the image's rootfs (kept by the offline builder) bound
 * read-only as /, fresh user/pid/net/ipc/uts/cgroup namespaces, no capabilities, the same size-capped work dir
 * as the Docker backend (a host-mounted ext4 image, see work-dir.ts, which is the honest disk cap), a small /tmp
 * tmpfs capped by bwrap --size, and rlimits set by prlimit before bwrap starts.
 *
 * What it can't match without cgroups, said plainly:
 *  - memory is RLIMIT_AS (address space) per process, not a cgroup total; a program that maps more than it
 *    touches (some BLAS builds, PyTorch) may fail earlier than under Docker, and n processes may use n times it.
 *  - cpus is not enforced (only the BLAS/OpenMP thread counts follow it); RLIMIT_CPU is a backstop at
 *    timeout × cpus seconds per process, the host wall clock is the real limit.
 *  - pids is RLIMIT_NPROC, which the kernel counts per host uid. So each run gets a host uid of its own
 *    (runOwner below, mapped to 65534 inside): a fork bomb in one run, or in a Docker container running as
 *    65534, can't use up another run's process budget, and runs can't signal one another.
 *  - cpuMs and peakMemoryBytes are reported as null (no cgroup to read them from).
 */

import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import type Dockerode from "dockerode";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxError, describeError } from "./errors.ts";
import { buildImage, readImageRecord, recipeHash, rootfsDir } from "./images/image-builder.ts";
import { resolveImageName } from "./images/recipes.ts";
import { createOutputCapture } from "./output-capture.ts";
import { checkRunRequest } from "./request-check.ts";
import { cancelledBeforeStart, classifyRun } from "./run-outcome.ts";
import { buildSandboxEnv } from "./sandbox-env.ts";
import { silentLogger, type SandboxLogger } from "./sandbox-logger.ts";
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from "./types.ts";
import { createWorkDir, sandboxGid, sandboxUid, sweepStaleWorkDirs, type WorkDirOwner } from "./work-dir.ts";
import { artifactWarnings, collectOutputFiles, writeInputFiles } from "./work-files.ts";

export interface BwrapSandboxOptions {
  /** Holds `images/<name>/rootfs` (built offline when missing) and the per-run work dirs. */
  cacheDir?: string;
  logger?: SandboxLogger;
  mirror?: string;
  /** Parent of the per-run work dirs; default `<cacheDir>/work`. */
  workRoot?: string;
  /** Size of the /tmp tmpfs; default min(64 MiB, memoryBytes / 4). */
  tmpBytes?: number;
  bwrapPath?: string;
  prlimitPath?: string;
  /** Only to seed a missing rootfs from this engine's image (seconds) instead of debootstrap (minutes). */
  docker?: Dockerode | null;
}

const hostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * A host uid/gid for one run, drawn from 0x70000000–0x70FFFFFF: above regular, system, DynamicUser and systemd's
 * container (nspawn) ranges, below 2^31 (node's spawn takes int32 ids; systemd avoids the signed half too). No
 * passwd entry is needed to run as it. Collisions between concurrent runs: 1 in 2^24.
 */
export function runOwner(): WorkDirOwner {
  const id = runIdBase + randomInt(0, 1 << 24);
  return { uid: id, gid: id };
}
const runIdBase = 0x70000000;

export function createBwrapSandbox(options: BwrapSandboxOptions = {}): Sandbox {
  const logger = options.logger ?? silentLogger;
  const cacheDir = options.cacheDir ?? join(tmpdir(), "scientist-sandbox");
  const workRoot = options.workRoot ?? join(cacheDir, "work");

  let sweptWorkDirs: Promise<void> | undefined;

  /** The rootfs to mount and the id to report for it; builds the rootfs when missing or stale. */
  async function rootfsFor(image: string): Promise<{ rootfs: string; id: string }> {
    const { recipe } = resolveImageName(image);
    if (recipe === null) {
      throw new SandboxError(
        "SANDBOX_IMAGE_MISSING",
        `the bwrap backend runs only recipe images (rootfs in ${join(cacheDir, "images")}); "${image}" has no recipe`,
      );
    }
    let record = await readImageRecord(cacheDir, recipe.name);
    const rootfs = rootfsDir(cacheDir, recipe.name);
    if (record?.recipeHash !== recipeHash(recipe) || !existsSync(join(rootfs, "bin"))) {
      logger.warn({ image: recipe.name }, "image rootfs missing or stale; building it offline (this takes minutes)");
      record = await buildImage(recipe.name, {
        cacheDir,
        mirror: options.mirror,
        logger,
        docker: options.docker ?? null,
        importIntoDocker: false,
      });
    }
    // bwrap can't create the /work mount point on a read-only root; rootfs built before the builder made it lack it.
    await mkdir(join(rootfs, "work"), { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    return { rootfs, id: record.dockerImageId ?? `rootfs:${record.recipeHash}@${record.builtAt}` };
  }

  async function run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    checkRunRequest(request);
    const { limits } = request;
    const env = buildSandboxEnv(limits, request.env);
    const { rootfs, id: image } = await rootfsFor(request.image);
    if (request.signal?.aborted)
      return cancelledBeforeStart(image, "the run was cancelled by the caller before it started");
    sweptWorkDirs ??= sweepStaleWorkDirs(workRoot, logger);
    await sweptWorkDirs;
    const owner = runOwner();
    const workDir = await createWorkDir({ parentDir: workRoot, diskBytes: limits.diskBytes, logger, owner });
    try {
      const inputs = await writeInputFiles(workDir.path, request.files, owner);
      const tmpBytes = options.tmpBytes ?? Math.min(64 * 1024 * 1024, Math.floor(limits.memoryBytes / 4));
      const cpuSeconds = Math.ceil((request.timeoutMs / 1000) * Math.max(1, limits.cpus)) + 1;
      const argv = [
        options.prlimitPath ?? "prlimit",
        `--as=${limits.memoryBytes}`,
        `--nproc=${limits.pids}`,
        `--nofile=${limits.nofile}`,
        `--fsize=${limits.fileSizeBytes}`,
        `--cpu=${cpuSeconds}`,
        "--core=0",
        "--",
        options.bwrapPath ?? "bwrap",
        "--unshare-all",
        "--uid",
        String(sandboxUid),
        "--gid",
        String(sandboxGid),
        "--hostname",
        "sandbox",
        "--die-with-parent",
        // Own session: the code can't push keystrokes into a terminal it doesn't have (TIOCSTI).
        "--new-session",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        rootfs,
        "/",
        "--dev",
        "/dev",
        // bwrap's /dev is an uncapped tmpfs (half the host's RAM) owned by the sandbox user: give /dev/shm its own
        // capped tmpfs and make the rest of /dev read-only, so the work dir and /tmp stay the only writable space.
        "--size",
        String(tmpBytes),
        "--perms",
        "1777",
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--proc",
        "/proc",
        "--size",
        String(tmpBytes),
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
        "--bind",
        workDir.path,
        "/work",
        "--chdir",
        "/work",
        "--clearenv",
        ...Object.entries(env).flatMap(([name, value]) => ["--setenv", name, value]),
        "--",
        ...request.command,
      ];

      let killed = false;
      let aborted = false;
      let timedOut = false;
      let overflowedStream: "stdout" | "stderr" | null = null;
      // bwrap runs as the run's own unprivileged uid (not root), so it can only create the namespaces an
      // unprivileged user can; inside, that uid is mapped to 65534. detached: its own process group, killed as a whole.
      const child = spawn(argv[0] as string, argv.slice(1), {
        stdio: ["ignore", "pipe", "pipe"],
        uid: owner.uid,
        gid: owner.gid,
        detached: true,
        env: { PATH: hostPath },
      });
      const kill = (why: string): void => {
        if (killed || child.pid === undefined) return;
        killed = true;
        logger.info({ pid: child.pid, why }, "killing bwrap sandbox");
        try {
          // The group holds prlimit→bwrap; --die-with-parent then takes the sandbox's pid namespace down with it.
          process.kill(-child.pid, "SIGKILL");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ESRCH")
            logger.error({ error: describeError(error) }, "kill failed");
        }
      };
      const stdout = createOutputCapture(limits.outputBytes, () => {
        overflowedStream ??= "stdout";
        kill("stdout over the cap");
      });
      const stderr = createOutputCapture(limits.outputBytes, () => {
        overflowedStream ??= "stderr";
        kill("stderr over the cap");
      });
      child.stdout.on("data", (chunk: Buffer) => stdout.write(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.write(chunk));
      const onAbort = (): void => {
        aborted = true;
        kill("cancelled by the caller");
      };
      request.signal?.addEventListener("abort", onAbort, { once: true });
      const startedAt = Date.now();
      const clock = setTimeout(() => {
        timedOut = true;
        kill(`wall clock of ${request.timeoutMs} ms ran out`);
      }, request.timeoutMs);
      let exitCode: number | null;
      try {
        exitCode = await new Promise<number | null>((resolve, reject) => {
          child.on("error", (error) =>
            reject(
              new SandboxError("SANDBOX_NO_ENGINE", `starting bwrap failed: ${describeError(error)}`, { cause: error }),
            ),
          );
          child.on("close", (code, signal) => {
            if (code !== null) resolve(code);
            else if (signal !== null) resolve(128 + (osConstants.signals[signal] ?? 0));
            else resolve(null);
          });
        });
      } finally {
        clearTimeout(clock);
        request.signal?.removeEventListener("abort", onAbort);
        // Whatever happened, nothing of this run may outlive it.
        kill("run finished");
      }
      const wallMs = Date.now() - startedAt;
      const stderrText = stderr.text();
      if (exitCode === 1 && /^bwrap: /.test(stderrText) && !timedOut && !aborted) {
        throw new SandboxError(
          "SANDBOX_ENGINE_FAILED",
          `bwrap could not set up the sandbox: ${stderrText.trim().slice(-500)}`,
        );
      }
      const collected = await collectOutputFiles(workDir.path, inputs, {
        collect: request.collect,
        artifactBytes: limits.artifactBytes,
        artifactCount: limits.artifactCount,
      });
      const { status, reason } = classifyRun({
        aborted,
        timedOut,
        overflowedStream,
        oomKilled: false,
        exitCode,
        stderr: stderrText,
        diskFreeBytes: await workDir.freeBytes(),
        limits,
        timeoutMs: request.timeoutMs,
      });
      const warnings = artifactWarnings(collected, limits);
      logger.info({ image, status, exitCode, wallMs }, "bwrap sandbox run finished");
      return {
        status,
        exitCode,
        stdout: stdout.text(),
        stderr: stderrText,
        files: collected.files,
        usage: { wallMs, cpuMs: null, peakMemoryBytes: null, bytesWritten: collected.totalBytes },
        reason,
        image,
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    } finally {
      await workDir.dispose().catch((error: unknown) => {
        logger.error({ error: describeError(error) }, "removing the sandbox work dir failed");
      });
    }
  }

  return {
    backend: "bwrap",
    run,
    ensureImage: async (image) => {
      await rootfsFor(image);
    },
    close: async () => undefined,
  };
}
