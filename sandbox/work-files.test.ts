import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkRelativePath, collectOutputFiles } from "./work-files.ts";

describe("paths of files written into the work dir", () => {
  it("relative paths are normalized", () => {
    expect(checkRelativePath("./src//main.py")).toBe("src/main.py");
  });

  it.each(["../x", "/etc/passwd", "a/../../x", "", ".", "a\0b"])("%j is refused", (path) => {
    expect(() => checkRelativePath(path)).toThrow(expect.objectContaining({ code: "SANDBOX_BAD_REQUEST" }));
  });
});

describe("collecting files out of the work dir", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "work-files-"));
    await mkdir(join(dir, "out/plots"), { recursive: true });
    await writeFile(join(dir, "main.py"), "print(1)");
    await writeFile(join(dir, "out/result.json"), "{}");
    await writeFile(join(dir, "out/plots/a.png"), "png");
    await writeFile(join(dir, "log.txt"), "changed");
    await symlink("/etc/passwd", join(dir, "out/passwd"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const inputs = new Map<string, Uint8Array>([
    ["main.py", Buffer.from("print(1)")],
    ["log.txt", Buffer.from("before")],
  ]);

  it("returns new and changed regular files, never unchanged inputs or symlinks", async () => {
    const collected = await collectOutputFiles(dir, inputs, { artifactBytes: 1e6, artifactCount: 10 });
    expect(Object.keys(collected.files)).toEqual(["log.txt", "out/plots/a.png", "out/result.json"]);
    expect(collected.totalBytes).toBe(8 + 2 + 3 + 7);
  });

  it("keeps only what the collect patterns name", async () => {
    const byPrefix = await collectOutputFiles(dir, inputs, {
      collect: ["out/plots"],
      artifactBytes: 1e6,
      artifactCount: 10,
    });
    expect(Object.keys(byPrefix.files)).toEqual(["out/plots/a.png"]);
    const byGlob = await collectOutputFiles(dir, inputs, {
      collect: ["out/*.json", "**/*.png"],
      artifactBytes: 1e6,
      artifactCount: 10,
    });
    expect(Object.keys(byGlob.files)).toEqual(["out/plots/a.png", "out/result.json"]);
  });

  it("leaves out files past the byte cap and lists them", async () => {
    const collected = await collectOutputFiles(dir, inputs, { artifactBytes: 10, artifactCount: 10 });
    expect(Object.keys(collected.files)).toEqual(["log.txt", "out/plots/a.png"]);
    expect(collected.skipped).toEqual(["out/result.json"]);
  });
});
