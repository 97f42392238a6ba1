/** Runs a bench child (node + tsx) under /usr/bin/time, returning its stdout, wall time and peak resident memory. */

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../config/index.ts";

export interface ChildRun {
  stdout: string;
  wallMs: number;
  /** Peak resident set size, bytes (null where /usr/bin/time is missing). */
  maxRssBytes: number | null;
}

const TIME = "/usr/bin/time";

export function runNodeChild(
  args: string[],
  options: { nodeFlags?: string[]; stdoutToNull?: boolean; timeoutMs?: number; tsx?: boolean } = {},
): Promise<ChildRun> {
  const nodeArgs = [...(options.nodeFlags ?? []), ...(options.tsx === false ? [] : ["--import", "tsx"]), ...args];
  const useTime = existsSync(TIME);
  // %e wall seconds, %M peak RSS in KB; written to stderr's last line by GNU time.
  const [cmd, cmdArgs] = useTime
    ? [TIME, ["-f", "BENCH_TIME %e %M", process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      cmdArgs as string[],
      { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 },
      (error, stdout, stderr) => {
        const wallMs = performance.now() - startedAt;
        if (error) {
          reject(new Error(`bench child ${args.join(" ")} failed: ${error.message}\n${stderr.slice(-2000)}`));
          return;
        }
        const line = stderr
          .split("\n")
          .reverse()
          .find((l) => l.startsWith("BENCH_TIME "));
        const kb = line ? Number(line.split(" ")[2]) : Number.NaN;
        resolve({
          stdout: options.stdoutToNull ? "" : stdout,
          wallMs,
          maxRssBytes: Number.isFinite(kb) ? kb * 1024 : null,
        });
      },
    );
    child.stdin?.end();
  });
}

export const benchFile = (name: string): string => join(repoRoot, "bench", name);
