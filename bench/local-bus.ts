/** A private nats-server with JetStream in a temp store for one bench section, and a bus connected to it. */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectBus, startNatsServer, type BusConnection } from "../bus/index.ts";

export interface LocalBus {
  url: string;
  /** The nats-server's pid (its memory is where idle actors live). */
  pid: number | undefined;
  bus: BusConnection;
  close(): Promise<void>;
}

export async function startLocalBus(): Promise<LocalBus> {
  const storeDir = mkdtempSync(join(tmpdir(), "sci-bench-nats-"));
  const server = await startNatsServer({ storeDir });
  const bus = await connectBus(server.url, { name: "bench" });
  return {
    url: server.url,
    pid: server.process.pid,
    bus,
    close: async () => {
      await bus.close();
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
