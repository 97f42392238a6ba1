/**
 * Turns what a backend observed about a finished run into a status and a reason a coder can act on. Shared by
 * both backends so the same failure reads the same way whichever one ran it.
 */

import type { SandboxLimits, SandboxRunResult, SandboxStatus } from "./types.ts";

export interface RunFacts {
  /** The caller's AbortSignal fired and we killed the run. */
  aborted: boolean;
  /** The host-kept wall clock ran out and we killed the run. */
  timedOut: boolean;
  /** Which stream passed outputBytes first (we killed the run then), if any. */
  overflowedStream: "stdout" | "stderr" | null;
  /** The kernel's OOM killer fired inside the sandbox (Docker's State.OOMKilled). */
  oomKilled: boolean;
  exitCode: number | null;
  stderr: string;
  /** Free bytes left in the work dir after the run, null if unknown. */
  diskFreeBytes: number | null;
  limits: SandboxLimits;
  timeoutMs: number;
}

const mib = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;

const memoryErrorPattern = /MemoryError|Cannot allocate memory|std::bad_alloc|out of memory/i;
const noSpacePattern = /No space left on device|ENOSPC|Errno 28\b/;
const fileTooLargePattern = /File too large|EFBIG|Errno 27\b|File size limit exceeded/;
const processLimitPattern =
  /Resource temporarily unavailable|can't start new thread|fork: retry|BlockingIOError|EAGAIN/;
/** Exit status of a process killed by SIGXCPU (24), i.e. past RLIMIT_CPU (the bwrap backend's CPU budget). */
const cpuLimitSignalExit = 128 + 24;
/** Exit status of a process killed by SIGXFSZ (25), i.e. a write past RLIMIT_FSIZE. */
const fileSizeSignalExit = 128 + 25;
/** Below this much free space, a failed run is taken to have filled the work dir. */
const fullDiskSlackBytes = 64 * 1024;

function lastLine(text: string): string | null {
  const lines = text.trimEnd().split("\n");
  const line = lines[lines.length - 1]?.trim();
  return line ? line.slice(0, 300) : null;
}

export function classifyRun(facts: RunFacts): { status: SandboxStatus; reason: string | null } {
  const { limits } = facts;
  if (facts.aborted) {
    return {
      status: "killed",
      reason: "the run was cancelled by the caller (AbortSignal) and its processes were killed",
    };
  }
  if (facts.timedOut) {
    return {
      status: "timeout",
      reason: `the wall clock of ${facts.timeoutMs} ms ran out and every process was killed; make the run faster (less data, fewer steps, checkpoint partial results to files) or ask for a longer timeoutMs`,
    };
  }
  if (facts.overflowedStream !== null) {
    return {
      status: "output-limit",
      reason: `${facts.overflowedStream} passed the ${limits.outputBytes}-byte cap and the run was killed; print summaries and write bulk output to files in the work dir`,
    };
  }
  if (facts.exitCode === 0) return { status: "ok", reason: null };
  if (facts.exitCode === cpuLimitSignalExit) {
    return {
      status: "timeout",
      reason: `the run used up its CPU-time budget (timeout × cpus = ${Math.round((facts.timeoutMs / 1000) * Math.max(1, limits.cpus))} s) and was killed by SIGXCPU; use fewer threads or make the run faster`,
    };
  }

  const tail = lastLine(facts.stderr);
  const said = tail ? ` (last stderr line: ${tail})` : "";
  if (facts.oomKilled || memoryErrorPattern.test(facts.stderr)) {
    return {
      status: "oom",
      reason: `the run hit the ${mib(limits.memoryBytes)} memory limit${facts.oomKilled ? " and was killed by the OOM killer" : ""}${said}; use smaller arrays or batches, free what you no longer need, or ask for more memoryBytes`,
    };
  }
  const diskFull = facts.diskFreeBytes !== null && facts.diskFreeBytes < fullDiskSlackBytes;
  if (noSpacePattern.test(facts.stderr) || diskFull) {
    return {
      status: "disk-limit",
      reason: `the work dir is full (cap ${mib(limits.diskBytes)})${said}; write fewer or smaller files, or ask for more diskBytes`,
    };
  }
  if (facts.exitCode === fileSizeSignalExit || fileTooLargePattern.test(facts.stderr)) {
    return {
      status: "disk-limit",
      reason: `a single file passed the ${mib(limits.fileSizeBytes)} size limit${said}; split the output or ask for a larger fileSizeBytes`,
    };
  }
  const processHint = processLimitPattern.test(facts.stderr)
    ? `; it may have hit the limit of ${limits.pids} processes/threads`
    : "";
  const how =
    facts.exitCode === null
      ? "the run ended without an exit code"
      : facts.exitCode > 128
        ? `the run was killed by signal ${facts.exitCode - 128} (exit ${facts.exitCode})`
        : `the command exited with code ${facts.exitCode}`;
  return { status: "error", reason: `${how}${said}${processHint}` };
}

/** The result of a run cancelled before its process started: nothing ran, nothing to collect. */
export function cancelledBeforeStart(image: string, reason: string): SandboxRunResult {
  return {
    status: "killed",
    exitCode: null,
    stdout: "",
    stderr: "",
    files: {},
    usage: { wallMs: 0, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    reason,
    image,
  };
}
