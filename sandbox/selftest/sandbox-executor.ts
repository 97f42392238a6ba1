/** The selftest's limits, and the executor that runs a case straight in a sandbox (no bus, no experimenter). */

import { limitsFromSettings } from "../limits.ts";
import type { Sandbox, SandboxLimits } from "../types.ts";
import type { SelftestExecutor } from "./runner.ts";

/**
 * In the swarm config's units (sandbox.memoryMb, ...), so a test can hand them to the experimenter as config.
 * Small on purpose: the bombs hit them within seconds.
 */
export const selftestLimitsConfig = {
  memoryMb: 256,
  cpus: 1,
  pids: 64,
  diskMb: 64,
  outputKb: 1024,
  artifactMb: 8,
  artifactCount: 50,
  nofile: 256,
  fileSizeMb: 32,
} as const;

export const selftestLimits: SandboxLimits = limitsFromSettings(selftestLimitsConfig);

export function sandboxExecutor(sandbox: Sandbox, limits: SandboxLimits = selftestLimits): SelftestExecutor {
  return async (request) => {
    const result = await sandbox.run({
      image: request.image,
      files: request.files,
      command: request.command,
      limits,
      timeoutMs: request.timeoutMs,
    });
    return {
      status: result.status,
      reason: result.reason,
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      files: result.files,
      wallMs: result.usage.wallMs,
      image: result.image,
    };
  };
}
