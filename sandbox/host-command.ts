/**
 * Runs a host tool (mkfs, mount, debootstrap, tar) with a fixed argv (no shell), keeping the tail of its output
 * so a failure can say what went wrong.
 */

import { spawn } from "node:child_process";

export interface HostCommandResult {
  exitCode: number;
  output: string;
}

export class HostCommandError extends Error {
  override readonly name = "HostCommandError";
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly outputTail: string,
    cause?: unknown,
  ) {
    super(
      `${argv.join(" ")} failed (exit ${exitCode ?? "none"})${outputTail ? `: ${outputTail.trim().slice(-2000)}` : ""}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

const keptOutputBytes = 64 * 1024;

/** Whether a process with this pid exists on this host (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function runHostCommand(
  argv: readonly string[],
  options: { signal?: AbortSignal; onOutput?: (chunk: Buffer) => void; cwd?: string } = {},
): Promise<HostCommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("runHostCommand needs a command");
  return new Promise((resolve, reject) => {
    let output = "";
    const keep = (chunk: Buffer): void => {
      options.onOutput?.(chunk);
      output = (output + chunk.toString("utf8")).slice(-keptOutputBytes);
    };
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
      cwd: options.cwd,
      // A clean, fixed environment: host tools must not see API keys either.
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
    });
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new HostCommandError(argv, null, output, error)));
    child.on("close", (code) => {
      if (code === 0) resolve({ exitCode: 0, output });
      else reject(new HostCommandError(argv, code, output));
    });
  });
}
