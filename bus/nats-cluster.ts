import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BusError } from "./errors.ts";
import { freePort } from "./nats-server.ts";

/** One nats-server of a local cluster: its client URL, its files, and kill/restart for fault tests. */
export interface NatsClusterNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly storeDir: string;
  readonly configPath: string;
  /** The running process, or null while the node is down. */
  readonly process: ChildProcess | null;
  /** Sends `signal` (default SIGKILL: a crash, nothing flushed) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again on the same config and store; resolves once it accepts clients. */
  restart(): Promise<void>;
  /** Resolves when the node's log since its last start matches `pattern` (e.g. META_LEADER_LOG after a restart). */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<void>;
}

export interface LocalNatsCluster {
  readonly name: string;
  /** Every node's client URL: give all of them to clients so they fail over. */
  readonly urls: string[];
  readonly nodes: NatsClusterNode[];
  /** Stops every node that is still up (SIGTERM). */
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  /** Each node's config and store live in `<baseDir>/<node name>/`. */
  baseDir: string;
  /** JetStream needs a quorum: 3 nodes survive one failure, 5 survive two. */
  nodes?: number;
  clusterName?: string;
  host?: string;
  binary?: string;
  readyTimeoutMs?: number;
  /** Config text added to every node (an `authorization`/`accounts` block, TLS), so auth composes with clustering. */
  extraConfig?: string;
  /** Fixed ports (node i listens on port + i, routes on clusterPort + i), e.g. 4222/6222; default random free ones. */
  port?: number;
  clusterPort?: number;
}

/**
 * The config of one node (nats-server 2.9 syntax): a `server_name` (JetStream clustering requires a unique one),
 * its own store, and routes to every node (its own route is ignored by the server), so any node can restart alone.
 */
export function natsClusterNodeConfig(options: {
  name: string;
  clusterName: string;
  host: string;
  port: number;
  clusterPort: number;
  storeDir: string;
  routes: string[];
  extraConfig?: string;
}): string {
  return [
    `server_name: ${JSON.stringify(options.name)}`,
    `listen: "${options.host}:${options.port}"`,
    `jetstream { store_dir: ${JSON.stringify(options.storeDir)} }`,
    `cluster {`,
    `  name: ${JSON.stringify(options.clusterName)}`,
    `  listen: "${options.host}:${options.clusterPort}"`,
    `  routes: [${options.routes.map((r) => JSON.stringify(r)).join(", ")}]`,
    `}`,
    options.extraConfig ?? "",
    "",
  ].join("\n");
}

/** Matches the line each node logs once the JetStream meta group has a leader (itself or another node). */
export const META_LEADER_LOG = /Self is new JetStream cluster metadata leader|JetStream cluster new metadata leader/;

/**
 * Starts a local JetStream cluster of `nodes` nats-server processes on loopback (random ports), each with its own
 * config file and store. Resolves once every node accepts clients and knows the JetStream meta leader (awaited on
 * the servers' own log lines, so a stream can be created at once).
 */
export async function startNatsCluster(options: NatsClusterOptions): Promise<LocalNatsCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1) {
    throw new BusError("BUS_SERVER_START_FAILED", `a cluster needs at least one node, got ${count}`);
  }
  const clusterName = options.clusterName ?? "scientist";
  const host = options.host ?? "127.0.0.1";
  const binary = options.binary ?? "nats-server";
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const ports: { port: number; clusterPort: number }[] = [];
  const { port: basePort, clusterPort: baseClusterPort } = options;
  if (basePort !== undefined && baseClusterPort !== undefined) {
    for (let i = 0; i < count; i++) ports.push({ port: basePort + i, clusterPort: baseClusterPort + i });
  } else if (basePort !== undefined || baseClusterPort !== undefined) {
    throw new BusError("BUS_SERVER_START_FAILED", "fixed cluster ports need both port and clusterPort");
  }
  const taken = new Set<number>();
  while (ports.length < count) {
    const port = await freePort();
    const clusterPort = await freePort();
    if (port === clusterPort || taken.has(port) || taken.has(clusterPort)) continue;
    taken.add(port).add(clusterPort);
    ports.push({ port, clusterPort });
  }
  const routes = ports.map((p) => `nats-route://${host}:${p.clusterPort}`);
  const nodes = ports.map(({ port, clusterPort }, i) => {
    const name = `n${i + 1}`;
    const dir = join(options.baseDir, name);
    const storeDir = join(dir, "store");
    mkdirSync(storeDir, { recursive: true });
    const configPath = join(dir, "nats-server.conf");
    const extra = options.extraConfig ? { extraConfig: options.extraConfig } : {};
    const text = natsClusterNodeConfig({ name, clusterName, host, port, clusterPort, storeDir, routes, ...extra });
    writeFileSync(configPath, text);
    return new ClusterNode(name, `nats://${host}:${port}`, port, clusterPort, storeDir, configPath, binary, timeoutMs);
  });
  try {
    await Promise.all(nodes.map((node) => node.restart()));
    await Promise.all(nodes.map((node) => node.waitForLog(META_LEADER_LOG, timeoutMs)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    throw error;
  }
  return {
    name: clusterName,
    urls: nodes.map((n) => n.url),
    nodes,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.kill("SIGTERM")));
    },
  };
}

class ClusterNode implements NatsClusterNode {
  process: ChildProcess | null = null;
  /** The tail of this node's log since its last start (errors quote it; waitForLog reads it). */
  private log = "";
  private waiters: { pattern: RegExp; resolve(): void }[] = [];

  constructor(
    readonly name: string,
    readonly url: string,
    readonly port: number,
    readonly clusterPort: number,
    readonly storeDir: string,
    readonly configPath: string,
    private readonly binary: string,
    private readonly timeoutMs: number,
  ) {}

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  async restart(): Promise<void> {
    if (this.process) {
      const text = `cluster node ${this.name} is already running (pid ${this.process.pid})`;
      throw new BusError("BUS_SERVER_START_FAILED", text);
    }
    this.log = "";
    const child = spawn(this.binary, ["-c", this.configPath], { stdio: ["ignore", "ignore", "pipe"] });
    this.process = child;
    child.stderr?.on("data", (chunk: Buffer) => this.onLog(chunk.toString()));
    const ready = this.waitForLog(/Server is ready/, this.timeoutMs);
    const failed = new Promise<never>((_, reject) => {
      const fail = (text: string, cause?: Error) =>
        reject(new BusError("BUS_SERVER_START_FAILED", `cluster node ${this.name}: ${text}`, cause && { cause }));
      const install = "install it: apt-get install -y nats-server";
      child.once("error", (error) => fail(`cannot start ${this.binary}: ${error.message} (${install})`, error));
      child.once("exit", (code) => fail(`exited with ${code}: ${this.log.slice(-500)}`));
    });
    try {
      await Promise.race([ready, failed]);
    } catch (error) {
      child.kill("SIGKILL");
      this.process = null;
      throw error;
    } finally {
      failed.catch(() => undefined); // a later exit (a kill in a test) is expected, not an unhandled rejection
    }
  }

  /** Resolves when this node's log (since its last start) contains `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (pattern.test(this.log)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const tail = this.log.slice(-500);
        const text = `cluster node ${this.name}: no ${pattern.source} in its log within ${timeoutMs} ms: ${tail}`;
        reject(new BusError("BUS_SERVER_START_FAILED", text));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private onLog(text: string): void {
    this.log += text;
    if (this.log.length > 50_000) this.log = this.log.slice(-20_000);
    const met = this.waiters.filter((w) => w.pattern.test(this.log));
    this.waiters = this.waiters.filter((w) => !met.includes(w));
    for (const w of met) w.resolve();
  }
}
