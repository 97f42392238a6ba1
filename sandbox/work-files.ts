/**
 * Files into and out of the work dir, on the host side, while nothing runs in the sandbox.
 * In: paths are checked to stay inside the dir. Out: only regular files (a symlink planted by the code is never
 * followed), only new or changed ones, capped in count and bytes so a run can't flood the caller's memory.
 */

import { constants } from "node:fs";
import { chown, mkdir, open, readdir, writeFile, lstat } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { SandboxError } from "./errors.ts";
import { sandboxOwner, type WorkDirOwner } from "./work-dir.ts";

export function checkRelativePath(path: string): string {
  const normalized = posix.normalize(path.replaceAll("\\", "/"));
  if (
    path.length === 0 ||
    path.includes("\0") ||
    posix.isAbsolute(normalized) ||
    normalized === "." ||
    normalized === ".." ||
    normalized.startsWith("../")
  ) {
    throw new SandboxError("SANDBOX_BAD_REQUEST", `file path "${path}" must be relative and stay inside the work dir`);
  }
  return normalized.replace(/\/$/, "");
}

/** Writes the request's files, owned by the sandbox user; returns them by normalized path for change detection. */
export async function writeInputFiles(
  workDir: string,
  files: Record<string, string | Uint8Array>,
  owner: WorkDirOwner = sandboxOwner,
): Promise<Map<string, Uint8Array>> {
  const written = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(files)) {
    const relative = checkRelativePath(path);
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const target = join(workDir, relative);
    await mkdirOwned(workDir, dirname(relative), owner);
    // Scripts with a shebang are made executable so `./run.sh` works as it would in a checkout.
    const executable = bytes[0] === 0x23 && bytes[1] === 0x21;
    await writeFile(target, bytes, { mode: executable ? 0o755 : 0o644 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOSPC") throw error;
      throw new SandboxError(
        "SANDBOX_BAD_REQUEST",
        `the input files don't fit in the work dir (diskBytes); "${path}" hit ENOSPC`,
        {
          cause: error,
        },
      );
    });
    await chown(target, owner.uid, owner.gid);
    written.set(relative, bytes);
  }
  return written;
}

async function mkdirOwned(root: string, relativeDir: string, owner: WorkDirOwner): Promise<void> {
  if (relativeDir === "." || relativeDir === "") return;
  let current = root;
  for (const part of relativeDir.split("/")) {
    current = join(current, part);
    await mkdir(current, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await chown(current, owner.uid, owner.gid);
  }
}

function patternMatcher(pattern: string): (relative: string) => boolean {
  const clean = pattern.replace(/^\.\//, "").replace(/\/$/, "");
  if (!/[*?]/.test(clean)) return (relative) => relative === clean || relative.startsWith(`${clean}/`);
  const source = clean
    .split(/(\*\*|\*|\?)/)
    .map((part) =>
      part === "**" ? ".*" : part === "*" ? "[^/]*" : part === "?" ? "[^/]" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  const regex = new RegExp(`^${source}(/.*)?$`);
  return (relative) => regex.test(relative);
}

export interface CollectedFiles {
  files: Record<string, Uint8Array>;
  /** Files that matched but were left out because of artifactCount/artifactBytes. */
  skipped: string[];
  /** Sum of the sizes of all regular files in the work dir (what the code left behind). */
  totalBytes: number;
}

export async function collectOutputFiles(
  workDir: string,
  inputs: Map<string, Uint8Array>,
  options: { collect?: string[]; artifactBytes: number; artifactCount: number },
): Promise<CollectedFiles> {
  const matchers = (options.collect ?? []).map(patternMatcher);
  const wanted = (relative: string): boolean => matchers.length === 0 || matchers.some((match) => match(relative));
  const candidates: { relative: string; size: number }[] = [];
  let totalBytes = 0;

  const walk = async (relativeDir: string): Promise<void> => {
    const entries = await readdir(join(workDir, relativeDir), { withFileTypes: true });
    for (const entry of entries) {
      const relative = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) await walk(relative);
      else if (entry.isFile()) {
        const { size } = await lstat(join(workDir, relative));
        totalBytes += size;
        if (wanted(relative)) candidates.push({ relative, size });
      }
      // Symlinks, fifos, sockets and devices are never copied out.
    }
  };
  await walk("");
  candidates.sort((a, b) => (a.relative < b.relative ? -1 : 1));

  const files: Record<string, Uint8Array> = {};
  const skipped: string[] = [];
  let count = 0;
  let bytes = 0;
  for (const { relative, size } of candidates) {
    const input = inputs.get(relative);
    if (input !== undefined && input.byteLength === size) {
      const current = await readNoFollow(join(workDir, relative));
      if (Buffer.compare(Buffer.from(input), current) === 0) continue;
    }
    if (count + 1 > options.artifactCount || bytes + size > options.artifactBytes) {
      skipped.push(relative);
      continue;
    }
    files[relative] = await readNoFollow(join(workDir, relative));
    count += 1;
    bytes += size;
  }
  return { files, skipped, totalBytes };
}

/** What the caller should hear about files the caps left out (the status stays what the code earned). */
export function artifactWarnings(
  collected: CollectedFiles,
  limits: { artifactCount: number; artifactBytes: number },
): string[] {
  if (collected.skipped.length === 0) return [];
  const listed = collected.skipped.slice(0, 20).join(", ");
  const more = collected.skipped.length > 20 ? ", ..." : "";
  return [
    `${collected.skipped.length} output file(s) left out by the artifact caps (${limits.artifactCount} files, ${limits.artifactBytes} bytes): ${listed}${more}`,
  ];
}

async function readNoFollow(path: string): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
