import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startNatsServer, type LocalNatsServer } from "../../bus/index.ts";
import type { RuntimeError } from "./errors.ts";
import { silentLogger } from "./logger.ts";
import { superviseNats } from "./nats-supervisor.ts";

const exited = (server: LocalNatsServer) => new Promise((resolve) => server.process.once("exit", resolve));

describe("nats-server supervision (real nats-server processes)", () => {
  it("restarts a killed server on the same port, then gives up with RUNTIME_NATS_DOWN when it dies too often", async () => {
    const storeDir = mkdtempSync(join(tmpdir(), "sci-supervise-"));
    let restarted: (s: LocalNatsServer) => void = () => undefined;
    let gaveUp: (e: RuntimeError) => void = () => undefined;
    const giveUp = new Promise<RuntimeError>((resolve) => (gaveUp = resolve));
    const server = await superviseNats((port) => startNatsServer({ storeDir, ...(port !== undefined && { port }) }), {
      logger: silentLogger,
      maxRestarts: 1,
      backoffMs: 10,
      onRestart: (s) => restarted(s),
      onGiveUp: (e) => gaveUp(e),
    });
    try {
      const first = server.process.pid;
      const again = new Promise<LocalNatsServer>((resolve) => (restarted = resolve));
      server.process.kill("SIGKILL");
      const second = await again;
      expect(second.port).toBe(server.port);
      expect(second.process.pid).not.toBe(first);
      expect(server.restarts()).toBe(1);
      // A second death within the window is one more than maxRestarts allows.
      const dead = exited(second);
      second.process.kill("SIGKILL");
      await dead;
      const error = await giveUp;
      expect(error.code).toBe("RUNTIME_NATS_DOWN");
      expect(error.message).toContain(`port ${server.port}`);
      expect(server.restarts()).toBe(1);
    } finally {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
