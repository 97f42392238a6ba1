/**
 * Exact CPU time and peak memory of a Docker run, read after it ended.
 *
 * A container's own cgroup is deleted when it stops, so its counters can't be read at the end. With the
 * cgroupfs driver we give each run its own parent cgroup (HostConfig.CgroupParent); the kernel charges CPU time
 * and memory to every ancestor, and the parent's counters (cpuacct.usage / memory.max_usage_in_bytes on v1,
 * cpu.stat usage_usec / memory.peak on v2) outlive the container. The parent is removed after the run.
 * With the systemd driver, a remote engine or unreadable files, the caller falls back to sampling stats.
 */

import { access, readFile, readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "./host-command.ts";

const cgroupRoot = "/sys/fs/cgroup";

const parentPrefix = "scientist-sandbox-";

/** The pid in the name lets sweepStaleRunCgroups tell a dead process's leftovers from a live run's. */
export function runCgroupParent(runId: string): string {
  return `/${parentPrefix}${process.pid}-${runId}`;
}

async function readNumber(path: string): Promise<number | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return null;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : null;
}

export async function readRunCgroupUsage(
  parent: string,
): Promise<{ cpuMs: number | null; peakMemoryBytes: number | null }> {
  // cgroup v1 first (one hierarchy per controller), then v2 (one unified hierarchy).
  const cpuNs = await readNumber(join(cgroupRoot, "cpuacct", parent, "cpuacct.usage"));
  const peakV1 = await readNumber(join(cgroupRoot, "memory", parent, "memory.max_usage_in_bytes"));
  if (cpuNs !== null || peakV1 !== null) {
    return { cpuMs: cpuNs === null ? null : Math.round(cpuNs / 1e6), peakMemoryBytes: peakV1 };
  }
  const cpuStat = await readFile(join(cgroupRoot, parent, "cpu.stat"), "utf8").catch(() => "");
  const usageUsec = /^usage_usec (\d+)$/m.exec(cpuStat)?.[1];
  return {
    cpuMs: usageUsec === undefined ? null : Math.round(Number(usageUsec) / 1000),
    peakMemoryBytes: await readNumber(join(cgroupRoot, parent, "memory.peak")),
  };
}

/** True when the engine runs on this host with the parent cgroup visible here (checked after start). */
export async function runCgroupReadable(parent: string): Promise<boolean> {
  for (const path of [join(cgroupRoot, "memory", parent), join(cgroupRoot, parent, "memory.peak")]) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** Removes the (by now empty) parent cgroup from every hierarchy the runtime created it in. */
export async function removeRunCgroup(parent: string): Promise<void> {
  const hierarchies = await readdir(cgroupRoot).catch(() => [] as string[]);
  const candidates = [join(cgroupRoot, parent), ...hierarchies.map((name) => join(cgroupRoot, name, parent))];
  for (const path of candidates) {
    await rmdir(path).catch((error: NodeJS.ErrnoException) => {
      // ENOENT: not created in this hierarchy (or cpu/cpuacct share one dir); ENOTDIR: not a hierarchy.
      if (error.code !== "ENOENT" && error.code !== "ENOTDIR") throw error;
    });
  }
}

/**
 * Removes parent cgroups left by host processes that died mid-run. Only empty cgroups can be removed, so a
 * running container's parent is never touched even if its owner is gone (the container sweep handles it).
 */
export async function sweepStaleRunCgroups(): Promise<void> {
  const names = new Set<string>();
  for (const dir of [join(cgroupRoot, "memory"), cgroupRoot]) {
    for (const name of await readdir(dir).catch(() => [] as string[]))
      if (name.startsWith(parentPrefix)) names.add(name);
  }
  for (const name of names) {
    const pid = Number(/^scientist-sandbox-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && (pid === process.pid || processAlive(pid))) continue;
    await removeRunCgroup(`/${name}`).catch(() => undefined); // EBUSY: still in use, leave it for a later sweep.
  }
}
