/**
 * The size-capped writable work dir, shared by both backends.
 *
 * Why an ext4 image on a loop device, mounted by the host and bind-mounted as /work:
 *  - Docker's StorageOpt size needs xfs+pquota (we have extfs), so the engine can't cap it for us.
 *  - A Docker tmpfs mount (or a tmpfs-typed local volume) only exists while the container runs: putArchive before
 *    start writes into a mount that is thrown away, and after exit there is nothing left to copy out.
 *  - A host tmpfs would work, but its pages are charged to the writer's memory cgroup, so "disk full" would show
 *    up as an OOM kill and a 1 GB disk cap would eat a 1 GB memory limit.
 *  - A dedicated filesystem gives a real ENOSPC at the cap, and no hard link from inside can reach a host file.
 * Files go in and out with plain fs calls on the host, before start and after exit, so no archive round trips.
 * The cost: the host process must be root (mount) with a free loop device; ~20 ms per run. ext4 metadata takes
 * a few percent of diskBytes, so the usable space is slightly below the cap, never above it.
 */

import { randomBytes } from "node:crypto";
import { open, mkdir, readFile, readdir, rm, rmdir, statfs, chown, chmod } from "node:fs/promises";
import { join } from "node:path";
import { SandboxError, describeError } from "./errors.ts";
import { processAlive, runHostCommand } from "./host-command.ts";
import { silentLogger, type SandboxLogger } from "./sandbox-logger.ts";

/** The uid/gid that sandboxed code runs as (nobody/nogroup), in both backends. */
export const sandboxUid = 65534;
export const sandboxGid = 65534;

/** Who owns a work dir and its input files on the host (the sandbox user, or a bwrap run's own uid). */
export interface WorkDirOwner {
  uid: number;
  gid: number;
}

export const sandboxOwner: WorkDirOwner = { uid: sandboxUid, gid: sandboxGid };

/** ext4 refuses very small filesystems; below this the cap is raised to it. */
export const minimumDiskBytes = 8 * 1024 * 1024;

export interface WorkDir {
  /** Host path of the mounted work dir. */
  readonly path: string;
  readonly owner: WorkDirOwner;
  /** Free bytes left for the sandboxed code (statfs). */
  freeBytes(): Promise<number>;
  /** Unmount and delete; safe to call twice. */
  dispose(): Promise<void>;
}

export async function createWorkDir(options: {
  /** Parent for per-run dirs (each holds disk.img and mnt/). */
  parentDir: string;
  diskBytes: number;
  logger?: SandboxLogger;
  /** Default: the sandbox user 65534:65534. */
  owner?: WorkDirOwner;
}): Promise<WorkDir> {
  const owner = options.owner ?? sandboxOwner;
  const logger = options.logger ?? silentLogger;
  // The pid in the name lets sweepStaleWorkDirs tell a dead process's leftovers from a live run's.
  const runDir = join(
    options.parentDir,
    `run-${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`,
  );
  const imagePath = join(runDir, "disk.img");
  const mountPath = join(runDir, "mnt");
  let mounted = false;

  const dispose = async (): Promise<void> => {
    if (mounted) {
      mounted = false;
      await runHostCommand(["umount", mountPath]).catch(async (error: unknown) => {
        // Busy only if something on the host still holds a file open; detach lazily so the run never leaks it.
        logger.warn({ mountPath, error: describeError(error) }, "work dir busy at unmount; detaching lazily");
        await runHostCommand(["umount", "-l", mountPath]);
      });
    }
    await rm(runDir, { recursive: true, force: true });
  };

  try {
    await mkdir(mountPath, { recursive: true, mode: 0o755 });
    const handle = await open(imagePath, "w", 0o600);
    // Sparse: the image takes host disk only as the code fills it.
    await handle.truncate(Math.max(options.diskBytes, minimumDiskBytes));
    await handle.close();
    // No journal (nothing to recover: the dir lives one run), no reserved blocks (the cap is all for the code).
    await runHostCommand(["mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-m", "0", imagePath]);
    // noinit_itable: no background zeroing of inode tables into the sparse image for a dir that lives one run.
    await runHostCommand(["mount", "-o", "loop,nosuid,nodev,noinit_itable", imagePath, mountPath]);
    mounted = true;
    await rmdir(join(mountPath, "lost+found")).catch(() => undefined);
    await chown(mountPath, owner.uid, owner.gid);
    // 0700: other host users can't read what the code writes.
    await chmod(mountPath, 0o700);
  } catch (error) {
    await dispose().catch((disposeError: unknown) =>
      logger.error({ runDir, error: describeError(disposeError) }, "cleaning up a failed work dir failed"),
    );
    throw new SandboxError(
      "SANDBOX_WORKDIR_FAILED",
      `could not create the ${options.diskBytes}-byte work dir (needs root, mkfs.ext4 and a free loop device): ${describeError(error)}`,
      { cause: error, retryable: false },
    );
  }

  return {
    path: mountPath,
    owner,
    async freeBytes() {
      const stats = await statfs(mountPath);
      return stats.bavail * stats.bsize;
    },
    dispose,
  };
}

/**
 * Unmounts and deletes work dirs left by host processes that died mid-run (a crash skips `dispose`), so loop
 * devices and mounts don't pile up. Dirs of live processes, including other sandboxes sharing the root, are kept.
 */
export async function sweepStaleWorkDirs(parentDir: string, logger: SandboxLogger = silentLogger): Promise<void> {
  const entries = await readdir(parentDir).catch(() => [] as string[]);
  const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  for (const entry of entries) {
    const pid = Number(/^run-(\d+)-/.exec(entry)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    const mountPath = join(parentDir, entry, "mnt");
    logger.warn({ workDir: join(parentDir, entry) }, "removing a work dir left by a dead process");
    try {
      if (mounts.includes(` ${mountPath} `)) await runHostCommand(["umount", "-l", mountPath]);
      await rm(join(parentDir, entry), { recursive: true, force: true });
    } catch (error) {
      logger.error(
        { workDir: join(parentDir, entry), error: describeError(error) },
        "removing a stale work dir failed",
      );
    }
  }
}
