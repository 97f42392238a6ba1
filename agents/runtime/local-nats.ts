import { startNatsServer, type LocalNatsServer } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";

/** The NATS URL to use: the configured one, or a nats-server started for this process (kept store dir: the archive persists). */
export async function ensureNats(config: SwarmConfig): Promise<{ url: string; server: LocalNatsServer | null }> {
  if (config.nats.url) return { url: config.nats.url, server: null };
  const server = await startNatsServer({ storeDir: config.nats.storeDir });
  return { url: server.url, server };
}
