import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { BusError } from "./errors.ts";

export interface LocalNatsServer {
  url: string;
  port: number;
  storeDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a JetStream-enabled nats-server bound to loopback and resolves once it accepts clients
 * (it prints "Server is ready" on stderr), so callers await readiness instead of sleeping.
 */
export async function startNatsServer(options: {
  storeDir: string;
  port?: number;
  binary?: string;
  readyTimeoutMs?: number;
  /** A server config file (authorization, TLS: see nats-config.ts); the flags here override its listen/store. */
  configFile?: string;
  /** A command the server is exec'd through, e.g. `setpriv --pdeathsig TERM` so it dies with its parent. */
  prefix?: string[];
}): Promise<LocalNatsServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.storeDir, { recursive: true });
  const binary = options.binary ?? "nats-server";
  const args = [
    ...(options.configFile ? ["-c", options.configFile] : []),
    "-js",
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-sd",
    options.storeDir,
  ];
  const [command, ...commandArgs] = [...(options.prefix ?? []), binary, ...args];
  const child = spawn(command!, commandArgs, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new BusError(
          "BUS_SERVER_START_FAILED",
          `nats-server did not become ready within ${options.readyTimeoutMs ?? 15000} ms: ${log.slice(-500)}`,
        ),
      );
    }, options.readyTimeoutMs ?? 15_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new BusError(
          "BUS_SERVER_START_FAILED",
          `cannot start ${binary}: ${error.message} (install it: apt-get install -y nats-server)`,
          { cause: error },
        ),
      );
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new BusError("BUS_SERVER_START_FAILED", `nats-server exited with ${code}: ${log.slice(-500)}`));
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (!ready && log.includes("Server is ready")) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve();
      }
      if (log.length > 20_000) log = log.slice(-5_000);
    });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: options.storeDir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
