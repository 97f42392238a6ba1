/**
 * Containers created (never started) ahead of need, so a run skips the work dir's mkfs+mount and the engine's
 * create. Each pooled container is made for one request shape (image, command, env, limits) and used exactly
 * once: it is taken out of the pool, runs, and is removed like any other, so no run ever sees another's files.
 *
 * Policy: after a run of a shape starts, one container of that shape is prepared for the next run of it; at most
 * `size` wait in total (the oldest go first), and none waits longer than `idleMs` (each holds a loop device and a
 * mount). `size` 0 turns the pool off.
 */

import { describeError } from "./errors.ts";
import type { SandboxLogger } from "./sandbox-logger.ts";

export interface WarmPoolOptions<T> {
  size: number;
  idleMs: number;
  /** Removes an entry that will never run (evicted, expired, or the pool closing). */
  discard(entry: T): Promise<void>;
  logger: SandboxLogger;
}

interface Waiting<T> {
  key: string;
  entry: T;
  expiry: NodeJS.Timeout;
}

export interface WarmPool<T> {
  /** A ready entry for this key, removed from the pool (never handed out twice), or null. */
  take(key: string): T | null;
  /** Prepares one entry for the next run of this key in the background, unless one is ready or on its way. */
  refill(key: string, prepare: () => Promise<T>): void;
  /** How many entries wait, per key (for tests and the bench). */
  waiting(): number;
  /** Waits for fills in flight, then discards every waiting entry. */
  close(): Promise<void>;
}

export function createWarmPool<T>(options: WarmPoolOptions<T>): WarmPool<T> {
  const ready: Waiting<T>[] = [];
  const filling = new Map<string, Promise<void>>();
  let closed = false;

  const drop = (item: Waiting<T>, why: string): void => {
    clearTimeout(item.expiry);
    const index = ready.indexOf(item);
    if (index >= 0) ready.splice(index, 1);
    void options
      .discard(item.entry)
      .catch((error: unknown) =>
        options.logger.warn({ why, error: describeError(error) }, "discarding a warm sandbox container failed"),
      );
  };

  return {
    take(key) {
      const index = ready.findIndex((item) => item.key === key);
      if (index < 0) return null;
      const [item] = ready.splice(index, 1);
      clearTimeout(item!.expiry);
      return item!.entry;
    },
    refill(key, prepare) {
      if (closed || options.size <= 0 || filling.has(key) || ready.some((item) => item.key === key)) return;
      const fill = prepare()
        .then((entry) => {
          if (closed) return void options.discard(entry).catch(() => undefined);
          const item: Waiting<T> = {
            key,
            entry,
            expiry: setTimeout(() => drop(item, "idle too long"), options.idleMs),
          };
          item.expiry.unref();
          ready.push(item);
          // Oldest first: the shapes still in use get refilled on their next run anyway.
          while (ready.length > options.size) drop(ready[0]!, "pool full");
        })
        .catch((error: unknown) =>
          options.logger.warn(
            { error: describeError(error) },
            "preparing a warm sandbox container failed; the next run starts cold",
          ),
        )
        .finally(() => filling.delete(key));
      filling.set(key, fill);
    },
    waiting: () => ready.length,
    async close() {
      closed = true;
      await Promise.all(filling.values());
      await Promise.all(
        ready.splice(0).map(async (item) => {
          clearTimeout(item.expiry);
          await options
            .discard(item.entry)
            .catch((error: unknown) =>
              options.logger.warn({ error: describeError(error) }, "discarding a warm sandbox container failed"),
            );
        }),
      );
    },
  };
}
