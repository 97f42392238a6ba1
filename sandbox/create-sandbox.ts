/**
 * Picks a backend. `auto` prefers Docker (cgroup limits are exact) and falls back to bwrap (rlimits only),
 * saying loudly which one it chose, because the guarantees differ.
 */

import Dockerode from "dockerode";
import { createBwrapSandbox } from "./bwrap-sandbox.ts";
import type { GpuRequest } from "./docker-container-spec.ts";
import { createDockerSandbox, type DockerImageBuilder } from "./docker-sandbox.ts";
import { SandboxError, describeError } from "./errors.ts";
import { runHostCommand } from "./host-command.ts";
import { silentLogger, type SandboxLogger } from "./sandbox-logger.ts";
import type { Sandbox } from "./types.ts";

export interface CreateSandboxOptions {
  backend: "docker" | "bwrap" | "auto";
  /** Image rootfs cache (`<cacheDir>/images/<name>/rootfs`) and per-run work dirs (`<cacheDir>/work`). */
  cacheDir: string;
  logger?: SandboxLogger;
  /** Debian mirror for offline image builds. */
  mirror?: string;
  /** Injected Docker client; default: the local engine's socket. */
  docker?: Dockerode;
  imageBuilder?: DockerImageBuilder;
  /** Extra labels on each Docker container. */
  labels?: Record<string, string>;
  /** Docker only: containers created ahead of need (0 = off). */
  warmPool?: number;
  /** Docker only: GPU pass-through. bwrap refuses anything but none. */
  gpus?: GpuRequest;
}

export async function dockerEngineReachable(docker: Dockerode): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await docker.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, why: describeError(error) };
  }
}

export async function bwrapAvailable(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await runHostCommand(["bwrap", "--version"]);
    return { ok: true };
  } catch (error) {
    return { ok: false, why: describeError(error) };
  }
}

export async function createSandbox(options: CreateSandboxOptions): Promise<Sandbox> {
  const logger = options.logger ?? silentLogger;
  const docker = options.docker ?? new Dockerode();
  const makeDocker = (): Sandbox =>
    createDockerSandbox({
      docker,
      logger,
      cacheDir: options.cacheDir,
      mirror: options.mirror,
      imageBuilder: options.imageBuilder,
      labels: options.labels,
      warmPool: options.warmPool,
      gpus: options.gpus,
    });
  const makeBwrap = (seedFrom: Dockerode | null): Sandbox => {
    // Silently running without the GPU the operator asked for would hide the problem until results look wrong.
    if ((options.gpus ?? "none") !== "none") {
      throw new SandboxError(
        "SANDBOX_BAD_REQUEST",
        `sandbox.gpus is ${String(options.gpus)}, but GPU pass-through needs the docker backend`,
      );
    }
    return createBwrapSandbox({ cacheDir: options.cacheDir, logger, mirror: options.mirror, docker: seedFrom });
  };

  if (options.backend === "docker") {
    const engine = await dockerEngineReachable(docker);
    if (!engine.ok) {
      throw new SandboxError(
        "SANDBOX_NO_ENGINE",
        `sandbox backend "docker" asked for, but no Docker engine answered: ${engine.why}`,
        {
          retryable: true,
        },
      );
    }
    return makeDocker();
  }
  if (options.backend === "bwrap") {
    const bwrap = await bwrapAvailable();
    if (!bwrap.ok)
      throw new SandboxError(
        "SANDBOX_NO_ENGINE",
        `sandbox backend "bwrap" asked for, but bwrap is not usable: ${bwrap.why}`,
      );
    // A reachable engine that holds the image saves a debootstrap when the rootfs is missing.
    return makeBwrap((await dockerEngineReachable(docker)).ok ? docker : null);
  }

  const engine = await dockerEngineReachable(docker);
  if (engine.ok) {
    logger.warn({ backend: "docker" }, "sandbox backend auto: using Docker (a Docker engine answered)");
    return makeDocker();
  }
  const bwrap = await bwrapAvailable();
  if (bwrap.ok) {
    logger.warn(
      { backend: "bwrap", dockerError: engine.why },
      "sandbox backend auto: NO Docker engine answered, FALLING BACK TO bwrap (rlimits instead of cgroups: memory is an address-space cap, cpus is not enforced)",
    );
    return makeBwrap(null);
  }
  throw new SandboxError(
    "SANDBOX_NO_ENGINE",
    `sandbox backend auto: no Docker engine (${engine.why}) and no bwrap (${bwrap.why}); install one of them`,
    { retryable: true },
  );
}
