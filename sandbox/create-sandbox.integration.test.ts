import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { createSandbox, dockerEngineReachable, bwrapAvailable, type SandboxLogger } from "./index.ts";

const docker = new Dockerode();
const engine = await dockerEngineReachable(docker);
const bwrap = await bwrapAvailable();
if (!engine.ok)
  console.warn(`\n!!! create-sandbox: Docker cases SKIPPED, no engine could be reached (${engine.why}) !!!\n`);

function recordingLogger(): SandboxLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (_object, message) => warnings.push(message ?? ""),
  };
}

const nowhere = new Dockerode({ socketPath: "/nonexistent/docker.sock" });

describe("choosing a sandbox backend", () => {
  it.skipIf(!engine.ok)("auto picks Docker when an engine answers, and says so", async () => {
    const logger = recordingLogger();
    const sandbox = await createSandbox({ backend: "auto", cacheDir: "/tmp/scientist-sandbox-test", logger, docker });
    expect(sandbox.backend).toBe("docker");
    expect(logger.warnings.join("\n")).toContain("using Docker");
  });

  it.skipIf(!bwrap.ok)("auto falls back to bwrap when no engine answers, and says so loudly", async () => {
    const logger = recordingLogger();
    const sandbox = await createSandbox({
      backend: "auto",
      cacheDir: "/tmp/scientist-sandbox-test",
      logger,
      docker: nowhere,
    });
    expect(sandbox.backend).toBe("bwrap");
    expect(logger.warnings.join("\n")).toContain("FALLING BACK TO bwrap");
  });

  it("asking for Docker with no engine fails with SANDBOX_NO_ENGINE, which a retry may fix", async () => {
    await expect(
      createSandbox({ backend: "docker", cacheDir: "/tmp/scientist-sandbox-test", docker: nowhere }),
    ).rejects.toMatchObject({
      code: "SANDBOX_NO_ENGINE",
      retryable: true,
    });
  });
});
