/**
 * Looks at the host from outside the sandbox: processes (sandboxed processes are visible in the host's /proc,
 * found by the marker in their argv), free disk, and fingerprints of host files the attacks aim at.
 */

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, statfsSync } from "node:fs";

export function hostProcessCount(): number {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).length;
}

/** Host pids whose argv holds the marker (this process excluded). */
export function markerProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) found.push(Number(entry));
    } catch {
      // It ended between readdir and read: one fewer, which is the point.
    }
  }
  return found;
}

export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** Content hash, size and mtime: any write, even one restoring the content, changes it. */
export function fingerprint(path: string): string {
  try {
    const stats = statSync(path);
    return `${createHash("sha256").update(readFileSync(path)).digest("hex")}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return "missing";
  }
}

export interface RunMonitor {
  stop(): { peakMarkerProcesses: number; minFreeBytes: number };
}

/**
 * Samples the host while a run is in flight (the peak number of the run's processes, the lowest free disk): the
 * quantities to bound are maxima over the run, which a before/after look can't see.
 */
export function monitorRun(marker: string, diskDir: string, everyMs = 100): RunMonitor {
  let peakMarkerProcesses = 0;
  let minFreeBytes = freeBytes(diskDir);
  const sample = (): void => {
    peakMarkerProcesses = Math.max(peakMarkerProcesses, markerProcesses(marker).length);
    minFreeBytes = Math.min(minFreeBytes, freeBytes(diskDir));
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMarkerProcesses, minFreeBytes };
    },
  };
}

/**
 * Re-checks a host condition until it holds or time runs out. Killed processes leave /proc a few milliseconds after
 * the kill that ends a run; this polls host state, there is no message to await.
 */
export async function settles(condition: () => boolean, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
