import { describe, expect, it } from "vitest";
import { classifyRun, type RunFacts } from "./run-outcome.ts";

const mib = 1024 * 1024;
const base: RunFacts = {
  aborted: false,
  timedOut: false,
  overflowedStream: null,
  oomKilled: false,
  exitCode: 0,
  stderr: "",
  diskFreeBytes: 10 * mib,
  limits: {
    memoryBytes: 256 * mib,
    cpus: 1,
    pids: 64,
    diskBytes: 32 * mib,
    outputBytes: 1024,
    artifactBytes: mib,
    artifactCount: 10,
    nofile: 256,
    fileSizeBytes: 8 * mib,
  },
  timeoutMs: 5000,
};

describe("how a finished run is classified", () => {
  it("a clean exit is ok with no reason", () => {
    expect(classifyRun(base)).toEqual({ status: "ok", reason: null });
  });

  it("the caller's abort wins over everything the kill caused", () => {
    expect(classifyRun({ ...base, aborted: true, timedOut: true, exitCode: 137 }).status).toBe("killed");
  });

  it("a timeout wins over the SIGKILL exit code it caused", () => {
    const { status, reason } = classifyRun({ ...base, timedOut: true, exitCode: 137 });
    expect(status).toBe("timeout");
    expect(reason).toContain("5000 ms");
  });

  it("SIGXCPU (the bwrap CPU-time budget) counts as a timeout", () => {
    expect(classifyRun({ ...base, exitCode: 152 }).status).toBe("timeout");
  });

  it("an output flood names the stream that overflowed", () => {
    expect(classifyRun({ ...base, overflowedStream: "stderr", exitCode: 137 }).reason).toContain("stderr");
  });

  it("an OOM kill or a MemoryError is oom", () => {
    expect(classifyRun({ ...base, oomKilled: true, exitCode: 137 }).status).toBe("oom");
    expect(classifyRun({ ...base, exitCode: 1, stderr: "Traceback...\nMemoryError\n" }).status).toBe("oom");
  });

  it("ENOSPC or a full work dir is disk-limit, a too-large file too", () => {
    expect(classifyRun({ ...base, exitCode: 1, stderr: "OSError: [Errno 28] No space left on device" }).status).toBe(
      "disk-limit",
    );
    expect(classifyRun({ ...base, exitCode: 1, diskFreeBytes: 0 }).status).toBe("disk-limit");
    const tooLarge = classifyRun({ ...base, exitCode: 1, stderr: "OSError: [Errno 27] File too large" });
    expect(tooLarge.status).toBe("disk-limit");
    expect(tooLarge.reason).toContain("size limit");
  });

  it("any other non-zero exit is an error quoting the last stderr line and hinting at the process limit", () => {
    const { status, reason } = classifyRun({
      ...base,
      exitCode: 1,
      stderr: "BlockingIOError: [Errno 11] Resource temporarily unavailable\n",
    });
    expect(status).toBe("error");
    expect(reason).toContain("exited with code 1");
    expect(reason).toContain("Resource temporarily unavailable");
    expect(reason).toContain("64 processes");
  });
});
