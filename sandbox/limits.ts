import type { SandboxLimits } from "./types.ts";

/** Sandbox limits as operators write them (MiB, KiB, counts): config files and the selftest use this shape. */
export interface LimitSettings {
  memoryMb: number;
  cpus: number;
  pids: number;
  diskMb: number;
  outputKb: number;
  artifactMb: number;
  artifactCount: number;
  nofile: number;
  fileSizeMb: number;
}

const MIB = 1024 * 1024;

/** The one conversion from settings to the byte-exact limits every backend enforces. */
export function limitsFromSettings(s: LimitSettings): SandboxLimits {
  return {
    memoryBytes: s.memoryMb * MIB,
    cpus: s.cpus,
    pids: s.pids,
    diskBytes: s.diskMb * MIB,
    outputBytes: s.outputKb * 1024,
    artifactBytes: s.artifactMb * MIB,
    artifactCount: s.artifactCount,
    nofile: s.nofile,
    fileSizeBytes: s.fileSizeMb * MIB,
  };
}
