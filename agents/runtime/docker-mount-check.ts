// The sandbox mounts each run's work dir (a loop-mounted ext4 image) on this host and hands Docker the path. A
// process in another mount namespace than dockerd's (`ip netns exec`, `unshare -m`) makes mounts dockerd never sees:
// the container would get an empty /work and every experiment would fail with "no such file". Found at boot instead.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { RuntimeError } from "./errors.ts";

const run = promisify(execFile);

/** The local dockerd's pid, or null when it cannot be known here (remote engine, another pid namespace). */
async function dockerdPid(pidFile: string): Promise<number | null> {
  const text = await readFile(pidFile, "utf8").catch(() => null);
  const pid = text === null ? NaN : Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return (await stat(`/proc/${pid}/root`).catch(() => null)) ? pid : null;
}

/**
 * Mounts a small tmpfs where the sandbox would mount, writes a marker, and looks for it through dockerd's own view
 * of the file system (/proc/<pid>/root). "visible", "hidden", or "unknown" (no local dockerd to ask, not root).
 */
export async function mountVisibility(
  options: { parentDir?: string; pidFile?: string } = {},
): Promise<"visible" | "hidden" | "unknown"> {
  if (process.getuid?.() !== 0) return "unknown";
  const pid = await dockerdPid(options.pidFile ?? "/var/run/docker.pid");
  if (pid === null) return "unknown";
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "sci-mount-check-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", "size=64k", "sci-mount-check", dir]);
    try {
      await writeFile(join(dir, "marker"), "x");
      const seen = await stat(join(`/proc/${pid}/root`, dir, "marker")).catch(() => null);
      return seen ? "visible" : "hidden";
    } finally {
      await run("umount", [dir]).catch(() => run("umount", ["-l", dir]));
    }
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    return "unknown";
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Refuses to host the experimenter (Docker backend) where dockerd would not see the sandbox's work dirs. */
export async function assertDockerSeesMounts(options: { parentDir?: string; pidFile?: string } = {}): Promise<void> {
  if ((await mountVisibility(options)) !== "hidden") return;
  throw new RuntimeError(
    "RUNTIME_MOUNT_NAMESPACE",
    "this process runs in another mount namespace than dockerd (started with `ip netns exec` or `unshare -m`?): the " +
      "sandbox's work dirs would be empty in Docker. Enter only the network namespace (`nsenter --net=/var/run/netns/<ns>`) " +
      "or run in the host's mount namespace",
  );
}
