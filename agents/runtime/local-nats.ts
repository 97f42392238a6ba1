import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startNatsServer, type LocalNatsServer } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { RuntimeError } from "./errors.ts";

/**
 * Written into the store by whichever process starts the local server on it, and removed when it stops it:
 * nats-server does not lock its store, so this is what keeps two servers from writing one store at once.
 */
const LIVE_MARKER = "live-server.json";

interface LiveServer {
  url: string;
  pid: number;
  /** `run` hosts a swarm on it; `reader` (trace, ui) only looks. */
  owner: "run" | "reader";
}

/** Where /proc exists (Linux), checks the pid is still a nats-server; elsewhere trusts it. */
function isNatsServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("nats-server");
  } catch {
    return true;
  }
}

function liveServer(storeDir: string): LiveServer | null {
  try {
    const live = JSON.parse(readFileSync(join(storeDir, LIVE_MARKER), "utf8")) as Partial<LiveServer>;
    if (typeof live.url !== "string" || typeof live.pid !== "number") return null;
    process.kill(live.pid, 0); // throws when that nats-server is gone (a stale marker after a crash)
    if (!isNatsServer(live.pid)) return null; // the pid was reused by some other program
    return { url: live.url, pid: live.pid, owner: live.owner === "reader" ? "reader" : "run" };
  } catch {
    return null;
  }
}

/**
 * The NATS URL to use: the configured one, or a nats-server started for this process on the local store (kept:
 * the archive persists). Readers (`trace`, `ui`) pass `reuseLive` and join a server already up on the store, which
 * is the only way to see a live run's messages. A run refuses to start a second server on a store in use, rather
 * than join one whose owner may stop it mid-run.
 */
export async function ensureNats(config: SwarmConfig, options: { reuseLive?: boolean } = {}): Promise<{ url: string; server: LocalNatsServer | null }> {
  if (config.nats.url) return { url: config.nats.url, server: null };
  const storeDir = config.nats.storeDir;
  const live = liveServer(storeDir);
  if (live && options.reuseLive) return { url: live.url, server: null };
  if (live) {
    throw new RuntimeError(
      "RUNTIME_STORE_IN_USE",
      `the local NATS store ${storeDir} is in use by nats-server pid ${live.pid} at ${live.url} (started by ${live.owner === "run" ? "another scientist run" : "scientist trace or ui"}); ` +
        `stop that process first, or run on that server with --nats ${live.url}`,
    );
  }
  const server = await startNatsServer({ storeDir });
  const marker = join(storeDir, LIVE_MARKER);
  const owner: LiveServer["owner"] = options.reuseLive ? "reader" : "run";
  writeFileSync(marker, JSON.stringify({ url: server.url, pid: server.process.pid, owner } satisfies Partial<LiveServer>));
  return {
    url: server.url,
    server: {
      ...server,
      stop: async () => {
        rmSync(marker, { force: true });
        await server.stop();
      },
    },
  };
}
