/** The contract every sandbox backend (docker, bwrap) implements. */

export type SandboxStatus = "ok" | "error" | "timeout" | "oom" | "killed" | "output-limit" | "disk-limit";

export interface SandboxLimits {
  /** Memory in bytes; swap is set equal so the code cannot swap past it. */
  memoryBytes: number;
  /** CPU cores (fractional allowed), enforced as a CFS quota. */
  cpus: number;
  /** Max processes/threads inside the sandbox. */
  pids: number;
  /** Size cap of the writable work dir in bytes. */
  diskBytes: number;
  /** Cap on captured stdout and stderr, each, in bytes. */
  outputBytes: number;
  /** Cap on files copied out: total bytes and count. */
  artifactBytes: number;
  artifactCount: number;
  /** Max open files (RLIMIT_NOFILE). */
  nofile: number;
  /** Max single file size in bytes (RLIMIT_FSIZE). */
  fileSizeBytes: number;
}

export interface SandboxRunRequest {
  image: string;
  /** Files written into the work dir before the run: relative path -> content. */
  files: Record<string, string | Uint8Array>;
  /** argv; run with the work dir as cwd. */
  command: string[];
  limits: SandboxLimits;
  /** Wall clock, kept by the host. */
  timeoutMs: number;
  /** Extra environment variables (the backend starts from an allow-list, never the host env). */
  env?: Record<string, string>;
  /** Glob-like relative path prefixes to copy out after the run; default: everything in the work dir. */
  collect?: string[];
  signal?: AbortSignal;
}

export interface SandboxUsage {
  wallMs: number;
  cpuMs: number | null;
  peakMemoryBytes: number | null;
  bytesWritten: number | null;
}

export interface SandboxRunResult {
  status: SandboxStatus;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Files found in the work dir after the run (new or changed), relative path -> bytes. */
  files: Record<string, Uint8Array>;
  usage: SandboxUsage;
  /** Why the status is what it is, in words a coder can act on (null when ok). */
  reason: string | null;
  /** Image id/digest actually used. */
  image: string;
  /** Things the caller should know that did not change the status (artifacts left out by the caps, usage unknown). */
  warnings?: string[];
}

export interface Sandbox {
  readonly backend: "docker" | "bwrap";
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  /** Make sure the image exists (building it offline if missing). */
  ensureImage(image: string): Promise<void>;
  close(): Promise<void>;
}
