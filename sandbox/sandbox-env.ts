/**
 * The environment inside the sandbox, built from an allow-list. The host's environment (API keys, tokens,
 * proxies) never reaches sandboxed code; only these fixed values and what the request names explicitly.
 */

import { SandboxError } from "./errors.ts";
import type { SandboxLimits } from "./types.ts";

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function buildSandboxEnv(limits: SandboxLimits, extra: Record<string, string> = {}): Record<string, string> {
  // BLAS/OpenMP default to one thread per host core; above the CPU quota that only adds contention.
  const threads = String(Math.max(1, Math.floor(limits.cpus)));
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/work",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TMPDIR: "/tmp",
    MPLBACKEND: "Agg",
    // The root is read-only and HOME is the work dir: keep caches in /tmp so they don't come back as artifacts.
    MPLCONFIGDIR: "/tmp/matplotlib",
    XDG_CACHE_HOME: "/tmp/.cache",
    PYTHONDONTWRITEBYTECODE: "1",
    // Unbuffered so output printed before a timeout or a kill still reaches the caller.
    PYTHONUNBUFFERED: "1",
    OPENBLAS_NUM_THREADS: threads,
    OMP_NUM_THREADS: threads,
    MKL_NUM_THREADS: threads,
  };
  for (const [name, value] of Object.entries(extra)) {
    if (!namePattern.test(name) || value.includes("\0")) {
      throw new SandboxError("SANDBOX_BAD_REQUEST", `environment variable "${name}" has an invalid name or value`);
    }
    env[name] = value;
  }
  return env;
}

export function envToList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
