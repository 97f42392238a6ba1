import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { connectBus, startNatsServer, type BusConnection, type LocalNatsServer } from "../../bus/index.ts";

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

/**
 * Registers hooks for a real nats-server and a connected bus for the enclosing describe block; read `.bus` and
 * `.url` inside tests (they exist once beforeAll has run).
 */
export function useTestBus(): { readonly bus: BusConnection; readonly url: string } {
  let nats: Awaited<ReturnType<typeof startTestNats>> | undefined;
  let bus: BusConnection | undefined;
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus(nats.url);
  });
  afterAll(async () => {
    await bus?.close();
    await nats?.cleanup();
  });
  return {
    get bus() {
      if (!bus) throw new Error("useTestBus: the bus exists only inside tests (after beforeAll)");
      return bus;
    },
    get url() {
      if (!nats) throw new Error("useTestBus: the server exists only inside tests (after beforeAll)");
      return nats.url;
    },
  };
}
