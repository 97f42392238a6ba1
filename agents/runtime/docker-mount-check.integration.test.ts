import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../config/index.ts";
import { mountVisibility } from "./docker-mount-check.ts";

const run = promisify(execFile);
const here = await mountVisibility();
if (here === "unknown")
  console.warn("\n!!! SKIPPING mount-namespace check: no local dockerd pid to look through, or not root\n");

/**
 * Runs the check in a child process started by `wrap` (e.g. in a private mount namespace); its verdict or error code.
 */
async function checkIn(wrap: string[]): Promise<string> {
  const module = join(repoRoot, "agents/runtime/docker-mount-check.ts");
  const script = `const m = await import(${JSON.stringify(module)}); try { await m.assertDockerSeesMounts(); console.log("ok"); } catch (e) { console.log(e.code); }`;
  const { stdout } = await run(
    wrap[0]!,
    [...wrap.slice(1), process.execPath, "--import", "tsx/esm", "--input-type=module", "-e", script],
    { cwd: repoRoot },
  );
  return stdout.trim();
}

describe.skipIf(here === "unknown")("dockerd sees the sandbox's mounts", () => {
  it("sees a mount made in the host's mount namespace", () => {
    expect(here).toBe("visible");
  });

  it("refuses a process in a private mount namespace (what `ip netns exec` gives), naming the fix", async () => {
    expect(await checkIn(["unshare", "-m", "--propagation", "slave"])).toBe("RUNTIME_MOUNT_NAMESPACE");
  });

  it("accepts a process that entered only a network namespace", async () => {
    expect(await checkIn(["unshare", "-n"])).toBe("ok");
  });
});
