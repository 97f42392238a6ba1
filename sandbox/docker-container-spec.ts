/**
 * The locked-down container a run gets, as one pure function of the request's shape: cold runs and the warm pool
 * build it the same way, and a unit test can read it without an engine.
 */

import type Dockerode from "dockerode";
import { SandboxError } from "./errors.ts";
import { sandboxGid, sandboxUid } from "./work-dir.ts";
import type { SandboxLimits } from "./types.ts";

/** GPU pass-through: none (default), every GPU, or this many. Needs the NVIDIA container toolkit on the host. */
export type GpuRequest = "none" | "all" | number;

export interface ContainerShape {
  /** Engine image id (not a tag: a rebuilt image is another shape). */
  imageId: string;
  command: string[];
  env: string[];
  limits: SandboxLimits;
  tmpBytes: number;
  gpus: GpuRequest;
}

export interface ContainerPlacement {
  /** Host path of the size-capped work dir, bound at /work. */
  workDir: string;
  labels: Record<string, string>;
  /** Per-run parent cgroup (cgroupfs driver) for exact usage, or null. */
  cgroupParent: string | null;
}

/** DeviceRequests for `gpus`; none asks for no device (the engine's default, and ours). */
export function gpuDeviceRequests(gpus: GpuRequest): Dockerode.DeviceRequest[] {
  if (gpus === "none") return [];
  if (gpus !== "all" && (!Number.isInteger(gpus) || gpus < 1)) {
    throw new SandboxError(
      "SANDBOX_BAD_REQUEST",
      `gpus must be "none", "all" or a positive whole number, not ${String(gpus)}`,
    );
  }
  // Count -1 is the engine's "all"; Capabilities [["gpu"]] is what `docker run --gpus` sends.
  return [{ Driver: "", Count: gpus === "all" ? -1 : gpus, DeviceIDs: [], Capabilities: [["gpu"]], Options: {} }];
}

export function containerSpec(shape: ContainerShape, placement: ContainerPlacement): Dockerode.ContainerCreateOptions {
  const { limits, tmpBytes } = shape;
  const devices = gpuDeviceRequests(shape.gpus);
  return {
    Image: shape.imageId,
    Cmd: shape.command,
    User: `${sandboxUid}:${sandboxGid}`,
    WorkingDir: "/work",
    Env: shape.env,
    Labels: placement.labels,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Ulimits: [
        { Name: "nofile", Soft: limits.nofile, Hard: limits.nofile },
        { Name: "fsize", Soft: limits.fileSizeBytes, Hard: limits.fileSizeBytes },
        { Name: "core", Soft: 0, Hard: 0 },
      ],
      Mounts: [{ Type: "bind", Source: placement.workDir, Target: "/work", ReadOnly: false }],
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${tmpBytes},mode=1777` },
      IpcMode: "private",
      // /dev/shm is a tmpfs too (multiprocessing needs it): same cap as /tmp, charged to memory.
      ShmSize: tmpBytes,
      ...(placement.cgroupParent !== null ? { CgroupParent: placement.cgroupParent } : {}),
      ...(devices.length > 0 ? { DeviceRequests: devices } : {}),
      // tini as PID 1 reaps orphans (fork bombs leave many) and passes signals on.
      Init: true,
      // Output is captured through attach; a log driver would copy a 100 MB flood onto the host disk.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

/** Two requests with the same key get interchangeable containers (the warm pool's index). */
export function shapeKey(shape: ContainerShape): string {
  return JSON.stringify([shape.imageId, shape.command, shape.env, shape.limits, shape.tmpBytes, shape.gpus]);
}
