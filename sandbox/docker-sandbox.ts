/**
 * Docker backend: one throwaway container per run, locked down (no network, read-only root, nobody, no
 * capabilities, no-new-privileges, memory = memory+swap, CPU quota, pids, ulimits), a size-capped work dir
 * bind-mounted at /work (see work-dir.ts for why), a wall clock kept by this process, capped output, and the
 * container and work dir removed whatever happens. CPU time and peak memory come from a per-run parent cgroup
 * (docker-cgroup-usage.ts), or from sampled stats where that can't be read (docker-stats.ts).
 */

import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Dockerode from "dockerode";
import { SandboxError, describeError } from "./errors.ts";
import { buildImage, recipeHash } from "./images/image-builder.ts";
import { recipeHashLabel } from "./images/docker-image-transfer.ts";
import { resolveImageName } from "./images/recipes.ts";
import { createOutputCapture } from "./output-capture.ts";
import { checkRunRequest } from "./request-check.ts";
import { cancelledBeforeStart, classifyRun } from "./run-outcome.ts";
import { buildSandboxEnv, envToList } from "./sandbox-env.ts";
import { silentLogger, type SandboxLogger } from "./sandbox-logger.ts";
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from "./types.ts";
import { followStats, type StatsFollower } from "./docker-stats.ts";
import {
  readRunCgroupUsage,
  removeRunCgroup,
  runCgroupParent,
  runCgroupReadable,
  sweepStaleRunCgroups,
} from "./docker-cgroup-usage.ts";
import {
  abandonGraceMs,
  deadlineLabel,
  ownerLabel,
  ownerValue,
  sandboxLabel,
  sweepAbandonedContainers,
} from "./docker-sweep.ts";
import { containerSpec, shapeKey, type ContainerShape, type GpuRequest } from "./docker-container-spec.ts";
import { createWarmPool } from "./docker-warm-pool.ts";
import { createWorkDir, sweepStaleWorkDirs, type WorkDir } from "./work-dir.ts";
import { artifactWarnings, collectOutputFiles, writeInputFiles } from "./work-files.ts";

/** Builds a missing image that has a recipe; returns the engine's image id. */
export type DockerImageBuilder = (name: string, docker: Dockerode) => Promise<string>;

export interface DockerSandboxOptions {
  docker?: Dockerode;
  logger?: SandboxLogger;
  /** Defaults to the offline debootstrap builder with `cacheDir`. */
  imageBuilder?: DockerImageBuilder;
  /** Image rootfs cache for the default builder; default `<tmpdir>/scientist-sandbox`. */
  cacheDir?: string;
  /** Debian mirror for the default builder. */
  mirror?: string;
  /** Parent of the per-run work dirs (must be on the daemon's host); default `<cacheDir>/work`. */
  workRoot?: string;
  /** Size of the /tmp tmpfs (counts against memory); default min(64 MiB, memoryBytes / 4). */
  tmpBytes?: number;
  /** Extra labels for each container, e.g. the swarm run id. */
  labels?: Record<string, string>;
  /** Containers created ahead of need (docker-warm-pool.ts); 0 = every run starts cold. Default 0. */
  warmPool?: number;
  /** How long a warm container may wait for its run; default 5 minutes. */
  warmIdleMs?: number;
  /** GPU pass-through (DeviceRequests); default none. */
  gpus?: GpuRequest;
}

/** A run's container with its work dir and parent cgroup, created but not started (cold, or from the pool). */
interface PreparedContainer {
  runId: string;
  container: Dockerode.Container;
  workDir: WorkDir;
  cgroupParent: string | null;
}

// Waiting for the output stream to drain after exit is bounded: a stuck attach must not hang the run.
const outputDrainMs = 2_000;

export function createDockerSandbox(options: DockerSandboxOptions = {}): Sandbox {
  const docker = options.docker ?? new Dockerode();
  const logger = options.logger ?? silentLogger;
  const cacheDir = options.cacheDir ?? join(tmpdir(), "scientist-sandbox");
  const workRoot = options.workRoot ?? join(cacheDir, "work");
  const imageBuilder: DockerImageBuilder =
    options.imageBuilder ??
    (async (name, engine) => {
      const built = await buildImage(name, { docker: engine, cacheDir, logger, mirror: options.mirror });
      if (built.dockerImageId === null)
        throw new SandboxError("SANDBOX_BUILD_FAILED", `image ${name} was built but not imported`);
      return built.dockerImageId;
    });

  let sweptHost: Promise<void> | undefined;
  let cgroupDriverInfo: Promise<string | null> | undefined;
  const cgroupDriver = (): Promise<string | null> =>
    (cgroupDriverInfo ??= docker
      .info()
      .then((info: { CgroupDriver?: string }) => info.CgroupDriver ?? null)
      .catch(() => null));

  const discard = async (prepared: PreparedContainer): Promise<void> => {
    const log = { runId: prepared.runId };
    await prepared.container.remove({ force: true, v: true }).catch((error: unknown) => {
      logger.error({ ...log, error: describeError(error) }, "removing the sandbox container failed");
    });
    if (prepared.cgroupParent !== null) {
      await removeRunCgroup(prepared.cgroupParent).catch((error: unknown) => {
        logger.warn(
          { ...log, cgroupParent: prepared.cgroupParent, error: describeError(error) },
          "removing the run's parent cgroup failed",
        );
      });
    }
    await prepared.workDir.dispose().catch((error: unknown) => {
      logger.error({ ...log, error: describeError(error) }, "removing the sandbox work dir failed");
    });
  };
  const warmIdleMs = options.warmIdleMs ?? 300_000;
  const pool = createWarmPool<PreparedContainer>({ size: options.warmPool ?? 0, idleMs: warmIdleMs, discard, logger });

  /** A fresh work dir and a created container for this shape; `waitMs` is how long it may wait before it starts. */
  async function prepare(shape: ContainerShape, timeoutMs: number, waitMs: number): Promise<PreparedContainer> {
    const runId = randomBytes(6).toString("hex");
    const cgroupParent = (await cgroupDriver()) === "cgroupfs" ? runCgroupParent(runId) : null;
    const workDir = await createWorkDir({ parentDir: workRoot, diskBytes: shape.limits.diskBytes, logger });
    const labels = {
      ...options.labels,
      [sandboxLabel]: "1",
      [`${sandboxLabel}.run`]: runId,
      // Lets a later run remove this container if this process dies before its finally block.
      [deadlineLabel]: String(Date.now() + waitMs + timeoutMs + abandonGraceMs),
      [ownerLabel]: ownerValue(),
    };
    try {
      const container = await docker
        .createContainer(containerSpec(shape, { workDir: workDir.path, labels, cgroupParent }))
        .catch((error: unknown) => {
          throw new SandboxError("SANDBOX_ENGINE_FAILED", `creating the container failed: ${describeError(error)}`, {
            cause: error,
            retryable: true,
          });
        });
      return { runId, container, workDir, cgroupParent };
    } catch (error) {
      await workDir.dispose().catch(() => undefined);
      throw error;
    }
  }

  async function imageId(image: string): Promise<string> {
    const { reference, recipe } = resolveImageName(image);
    let info: Dockerode.ImageInspectInfo | null = null;
    try {
      info = await docker.getImage(reference).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        throw new SandboxError("SANDBOX_NO_ENGINE", `the Docker engine did not answer: ${describeError(error)}`, {
          cause: error,
          retryable: true,
        });
      }
    }
    // A recipe image we built from an older recipe is rebuilt, so changing a recipe changes what runs; one that
    // carries no recipe label was provided from elsewhere (e.g. a Dockerfile build) and is used as it is.
    const builtFrom = info?.Config?.Labels?.[recipeHashLabel];
    if (info !== null && (recipe === null || builtFrom === undefined || builtFrom === recipeHash(recipe)))
      return info.Id;
    if (recipe === null) {
      throw new SandboxError(
        "SANDBOX_IMAGE_MISSING",
        `image "${image}" is not in the Docker engine and has no offline recipe; build it first or use a recipe image`,
      );
    }
    logger.warn(
      { image: reference, stale: info !== null },
      "image missing or stale; building it offline (this takes minutes)",
    );
    return imageBuilder(recipe.name, docker);
  }

  async function run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    checkRunRequest(request);
    const { limits } = request;
    const env = envToList(buildSandboxEnv(limits, request.env));
    const image = await imageId(request.image);
    await sweepAbandonedContainers(docker, logger).catch((error: unknown) =>
      logger.warn({ error: describeError(error) }, "sweeping abandoned sandbox containers failed"),
    );
    // Leftovers of dead processes: once per sandbox for work dirs and cgroups (cheap to keep), every run for
    // containers (a running one costs CPU and memory).
    sweptHost ??= Promise.all([sweepStaleWorkDirs(workRoot, logger), sweepStaleRunCgroups()]).then(() => undefined);
    await sweptHost;
    const tmpBytes = options.tmpBytes ?? Math.min(64 * 1024 * 1024, Math.floor(limits.memoryBytes / 4));
    const shape: ContainerShape = {
      imageId: image,
      command: request.command,
      env,
      limits,
      tmpBytes,
      gpus: options.gpus ?? "none",
    };
    // The deadline label depends on the timeout, so it is part of what makes two requests interchangeable.
    const key = `${shapeKey(shape)}|${request.timeoutMs}`;
    const taken = pool.take(key);
    const prepared = taken ?? (await prepare(shape, request.timeoutMs, 0));
    pool.refill(key, () => prepare(shape, request.timeoutMs, warmIdleMs));
    const { runId, workDir, cgroupParent, container } = prepared;
    const log = { runId, image: request.image, warm: taken !== null };
    let stats: StatsFollower | null = null;
    try {
      const inputs = await writeInputFiles(workDir.path, request.files);
      const running = container;
      let killed = false;
      let aborted = false;
      let timedOut = false;
      let overflowedStream: "stdout" | "stderr" | null = null;
      const kill = (why: string): void => {
        if (killed) return;
        killed = true;
        logger.info({ ...log, why }, "killing sandbox container");
        void running.kill({ signal: "SIGKILL" }).catch((error: { statusCode?: number }) => {
          // 409: it already stopped on its own, which is what we wanted.
          if (error.statusCode !== 409) logger.error({ ...log, error: describeError(error) }, "kill failed");
        });
      };
      const stdout = createOutputCapture(limits.outputBytes, () => {
        overflowedStream ??= "stdout";
        kill("stdout over the cap");
      });
      const stderr = createOutputCapture(limits.outputBytes, () => {
        overflowedStream ??= "stderr";
        kill("stderr over the cap");
      });

      const attached = await running.attach({ stream: true, stdout: true, stderr: true });
      const drained = new Promise<void>((resolve) => {
        attached.on("end", resolve);
        attached.on("close", resolve);
        attached.on("error", () => resolve());
      });
      docker.modem.demuxStream(attached, sink(stdout.write), sink(stderr.write));

      if (request.signal?.aborted) {
        return cancelledBeforeStart(image, "the run was cancelled by the caller before it started");
      }
      const onAbort = (): void => {
        aborted = true;
        kill("cancelled by the caller");
      };
      request.signal?.addEventListener("abort", onAbort, { once: true });
      const startedAt = Date.now();
      let clock: NodeJS.Timeout | undefined;
      let exitCode: number | null;
      try {
        await running.start().catch((error: unknown) => {
          throw new SandboxError("SANDBOX_ENGINE_FAILED", `starting the container failed: ${describeError(error)}`, {
            cause: error,
            retryable: true,
          });
        });
        clock = setTimeout(() => {
          timedOut = true;
          kill(`wall clock of ${request.timeoutMs} ms ran out`);
        }, request.timeoutMs);
        // Exact usage comes from the run's parent cgroup; sample the stats API only where that can't be read.
        if (cgroupParent === null || !(await runCgroupReadable(cgroupParent))) {
          stats = followStats(running, {
            onError: (error) => logger.debug({ ...log, error: describeError(error) }, "stats sample failed"),
          });
        }
        const waited = (await running.wait().catch((error: unknown) => {
          throw new SandboxError("SANDBOX_ENGINE_FAILED", `waiting for the container failed: ${describeError(error)}`, {
            cause: error,
            retryable: true,
          });
        })) as { StatusCode?: number };
        exitCode = typeof waited.StatusCode === "number" ? waited.StatusCode : null;
      } finally {
        clearTimeout(clock);
        request.signal?.removeEventListener("abort", onAbort);
      }
      const wallMs = Date.now() - startedAt;
      stats?.stop();
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, outputDrainMs).unref())]);
      const state = (await running.inspect()).State;
      const exactUsage = stats === null && cgroupParent !== null ? await readRunCgroupUsage(cgroupParent) : null;

      const collected = await collectOutputFiles(workDir.path, inputs, {
        collect: request.collect,
        artifactBytes: limits.artifactBytes,
        artifactCount: limits.artifactCount,
      });
      const stderrText = stderr.text();
      const { status, reason } = classifyRun({
        aborted,
        timedOut,
        overflowedStream,
        oomKilled: state.OOMKilled === true && !aborted && !timedOut,
        exitCode,
        stderr: stderrText,
        diskFreeBytes: await workDir.freeBytes(),
        limits,
        timeoutMs: request.timeoutMs,
      });
      const warnings = artifactWarnings(collected, limits);
      logger.info({ ...log, status, exitCode, wallMs }, "sandbox run finished");
      return {
        status,
        exitCode,
        stdout: stdout.text(),
        stderr: stderrText,
        files: collected.files,
        usage: {
          wallMs,
          cpuMs: exactUsage?.cpuMs ?? stats?.cpuMs() ?? null,
          peakMemoryBytes: exactUsage?.peakMemoryBytes ?? stats?.peakMemoryBytes() ?? null,
          bytesWritten: collected.totalBytes,
        },
        reason,
        image,
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    } finally {
      stats?.stop();
      await discard(prepared);
    }
  }

  return {
    backend: "docker",
    run,
    ensureImage: async (image) => {
      await imageId(image);
    },
    // A replica killed mid-run leaves its container and loop-mounted work dir behind; the sandbox that closes (the
    // run's end, a replacement replica's stop) removes them, so they do not wait for another sandbox run.
    close: async () => {
      await pool.close();
      await Promise.all([
        sweepAbandonedContainers(docker, logger).catch((error: unknown) =>
          logger.warn({ error: describeError(error) }, "sweeping abandoned sandbox containers failed"),
        ),
        sweepStaleWorkDirs(workRoot, logger),
      ]);
    },
  };
}

function sink(write: (chunk: Uint8Array) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk);
      callback();
    },
  });
}
