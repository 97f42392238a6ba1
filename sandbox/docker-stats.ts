/**
 * Samples a container's CPU total and peak memory while it runs. The container's cgroup disappears when it
 * exits, so there is no read after exit; instead we take a one-shot stats read every `intervalMs` (the stream
 * mode only yields one sample a second, useless for short runs) and keep the last CPU total and the highest
 * memory seen. Both are therefore lower bounds, short by at most one interval of work.
 */

import type Dockerode from "dockerode";

export interface StatsFollower {
  cpuMs(): number | null;
  peakMemoryBytes(): number | null;
  stop(): void;
}

interface StatsSample {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { max_usage?: number; usage?: number };
}

export function followStats(
  container: Dockerode.Container,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): StatsFollower {
  const intervalMs = options.intervalMs ?? 250;
  let cpuNs: number | null = null;
  let peak: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const sample = async (): Promise<void> => {
    try {
      const stats = (await container.stats({ stream: false, "one-shot": true })) as StatsSample;
      const total = stats.cpu_stats?.cpu_usage?.total_usage;
      if (typeof total === "number" && total > 0) cpuNs = Math.max(cpuNs ?? 0, total);
      // cgroup v1 reports the true peak so far (max_usage_in_bytes); v2 only current usage, so keep the max seen.
      const memory = stats.memory_stats?.max_usage ?? stats.memory_stats?.usage;
      if (typeof memory === "number" && memory > 0) peak = Math.max(peak ?? 0, memory);
    } catch (error) {
      // Expected once the container has exited; usage is best effort, so report and keep what we have.
      options.onError?.(error);
    }
    if (!stopped) timer = setTimeout(() => void sample(), intervalMs);
  };
  void sample();

  return {
    cpuMs: () => (cpuNs === null ? null : Math.round(cpuNs / 1e6)),
    peakMemoryBytes: () => peak,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
