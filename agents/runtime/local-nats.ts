import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { localServerConfig, startNatsServer, type LocalNatsServer, type RoleShape } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { RuntimeError } from "./errors.ts";
import { superviseNats } from "./nats-supervisor.ts";

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
  /** The process that started it; when that is gone the server is an orphan (its owner was killed). */
  ownerPid?: number;
}

/**
 * The server dies with the process that started it where Linux allows: `setpriv --pdeathsig` (util-linux) sets the
 * kernel's parent-death signal and execs nats-server, so a kill -9 of `scientist run` takes its server along. Where
 * setpriv is missing, an orphan is found and stopped by the next start on the store (`orphanOf`).
 */
const deathPrefix = existsSync("/usr/bin/setpriv") ? ["/usr/bin/setpriv", "--pdeathsig", "TERM"] : [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
    return {
      url: live.url,
      pid: live.pid,
      owner: live.owner === "reader" ? "reader" : "run",
      ...(typeof live.ownerPid === "number" && { ownerPid: live.ownerPid }),
    };
  } catch {
    return null;
  }
}

/** The URL of a server another live process runs on the local store (null: none, or an orphan ensureNats stops). */
export function liveLocalServer(config: SwarmConfig): string | null {
  if (config.nats.url) return null;
  const live = liveServer(config.nats.storeDir);
  if (!live || (live.ownerPid !== undefined && live.ownerPid !== process.pid && !alive(live.ownerPid))) return null;
  return live.url;
}

/**
 * The NATS URL to use: the configured one, or a nats-server started for this process on the local store (kept:
 * the archive persists). Readers (`trace`, `ui`) pass `reuseLive` and join a server already up on the store, which
 * is the only way to see a live run's messages. A run refuses to start a second server on a store in use, rather
 * than join one whose owner may stop it mid-run.
 */
export async function ensureNats(
  config: SwarmConfig,
  options: {
    reuseLive?: boolean;
    roles?: readonly RoleShape[];
    /** Supervise the server: restart it on the same port and store when it dies (scientist run). */
    supervise?: {
      logger: Logger;
      onGiveUp?: (error: RuntimeError) => void;
      onRestart?: (server: LocalNatsServer) => void;
    };
  } = {},
): Promise<{ url: string; server: LocalNatsServer | null }> {
  if (config.nats.url) return { url: config.nats.url, server: null };
  const storeDir = config.nats.storeDir;
  let live = liveServer(storeDir);
  if (live && live.ownerPid !== undefined && live.ownerPid !== process.pid && !alive(live.ownerPid)) {
    // An orphan of ours: its owner died (kill -9) before stopping it. Stop it cleanly; this process starts its own.
    await stopOrphan(live.pid);
    rmSync(join(storeDir, LIVE_MARKER), { force: true });
    live = null;
  }
  if (live && options.reuseLive) return { url: live.url, server: null };
  if (live) {
    throw new RuntimeError(
      "RUNTIME_STORE_IN_USE",
      `the local NATS store ${storeDir} is in use by nats-server pid ${live.pid} at ${live.url} (started by ${live.owner === "run" ? "another scientist run" : "scientist trace or ui"}); ` +
        `stop that process first, or run on that server with --nats ${live.url}`,
    );
  }
  // With auth on (the default for this local server) it admits only the identities in credsDir, each with its
  // permissions.
  const configFile = localServerConfig(config.nats, options.roles ?? null);
  const start = (port?: number) =>
    startNatsServer({
      storeDir,
      prefix: deathPrefix,
      ...(port !== undefined && { port }),
      ...(configFile && { configFile }),
    });
  const marker = join(storeDir, LIVE_MARKER);
  const owner: LiveServer["owner"] = options.reuseLive ? "reader" : "run";
  const mark = (s: LocalNatsServer) =>
    writeFileSync(
      marker,
      JSON.stringify({ url: s.url, pid: s.process.pid!, owner, ownerPid: process.pid } satisfies LiveServer),
    );
  const server = options.supervise
    ? await superviseNats(start, {
        ...options.supervise,
        onRestart: (s) => (mark(s), options.supervise?.onRestart?.(s)),
      })
    : await start();
  mark(server);
  return {
    url: server.url,
    server: {
      url: server.url,
      port: server.port,
      storeDir: server.storeDir,
      get process() {
        return server.process; // the current one: a supervised server's changes on restart
      },
      stop: async () => {
        rmSync(marker, { force: true });
        await server.stop();
      },
    },
  };
}

/** SIGTERM (JetStream flushes its store), then SIGKILL if it has not exited within 5 s. */
async function stopOrphan(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let waited = 0; waited < 5_000; waited += 50) {
    if (!alive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}
