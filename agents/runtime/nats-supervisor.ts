// Keeps the nats-server that `scientist run` started alive: a server that dies (kill -9, OOM) is restarted on the
// same port and store, so every client's reconnect loop finds it again and JetStream resumes from its files.
import type { ChildProcess } from "node:child_process";
import type { Logger } from "pino";
import type { LocalNatsServer } from "../../bus/index.ts";
import { RuntimeError } from "./errors.ts";

export interface SupervisedNats extends LocalNatsServer {
  /** Restarts so far (unexpected exits that were recovered). */
  restarts(): number;
}

export interface SupervisorOptions {
  logger: Logger;
  /** Restarts allowed within `windowMs` before giving up (a server that cannot stay up is not retried forever). */
  maxRestarts?: number;
  windowMs?: number;
  /** First backoff; doubles per consecutive failure, capped at 5 s. */
  backoffMs?: number;
  /** Called after each successful restart (the new process, e.g. to rewrite the live marker). */
  onRestart?: (server: LocalNatsServer) => void;
  /** Called once when the supervisor gives up; the run should stop and report. */
  onGiveUp?: (error: RuntimeError) => void;
}

/**
 * Supervises a server started by `start(port)`: on an exit nobody asked for, waits a bounded backoff and calls
 * `start` again with the same port (the store dir is the caller's). `stop()` ends supervision first.
 */
export async function superviseNats(
  start: (port?: number) => Promise<LocalNatsServer>,
  options: SupervisorOptions,
): Promise<SupervisedNats> {
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const backoffMs = options.backoffMs ?? 200;
  let current = await start();
  const port = current.port;
  let stopping = false;
  let restarts = 0;
  const recent: number[] = [];
  let restarting: Promise<void> | null = null;

  const giveUp = (reason: string) => {
    const error = new RuntimeError(
      "RUNTIME_NATS_DOWN",
      `the local nats-server on port ${port} (store ${current.storeDir}) ${reason}; the run stops`,
    );
    options.logger.error({ port, storeDir: current.storeDir }, error.message);
    options.onGiveUp?.(error);
  };

  const restart = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      const now = Date.now();
      while (recent.length > 0 && now - recent[0]! > windowMs) recent.shift();
      if (recent.length >= maxRestarts) return giveUp(`died ${recent.length + 1} times within ${windowMs / 1000} s`);
      recent.push(now);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, backoffMs * 2 ** attempt)));
      if (stopping) return;
      try {
        current = await start(port);
        restarts++;
        options.logger.warn(
          { port, pid: current.process.pid, restarts },
          "nats-server restarted on the same port and store",
        );
        watch(current.process);
        options.onRestart?.(current);
        return;
      } catch (error) {
        options.logger.error({ err: error, port, attempt }, "nats-server restart failed");
      }
    }
  };

  function watch(child: ChildProcess): void {
    child.once("exit", (code, signal) => {
      if (stopping) return;
      options.logger.warn({ port, pid: child.pid, code, signal }, "nats-server exited unexpectedly; restarting it");
      restarting = restart().finally(() => (restarting = null));
    });
  }
  watch(current.process);

  return {
    url: current.url,
    port,
    storeDir: current.storeDir,
    get process() {
      return current.process;
    },
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}
