import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNatsServer, type LocalNatsServer } from "../../bus/index.ts";

/** A real nats-server with JetStream on a random loopback port, in its own temp store: one per test file. */
export async function startTestNats(): Promise<LocalNatsServer & { cleanup(): Promise<void> }> {
  const storeDir = mkdtempSync(join(tmpdir(), "sci-nats-"));
  const server = await startNatsServer({ storeDir });
  return {
    ...server,
    cleanup: async () => {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
