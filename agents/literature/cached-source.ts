/**
 * Search results cached in a key-value store (the runtime backs it with a NATS KV bucket, so every replica
 * on every host shares the answers and rate-limited services are asked once per query). Keys are built from
 * the source name, the normalised query and the limit, in NATS KV's key alphabet (`[-/_=.A-Za-z0-9]`).
 *
 * The cache only saves work: a store that fails to read or write is logged and bypassed, never fatal.
 */
import { createHash } from "node:crypto";
import { systemClock, type Clock } from "./clock.ts";
import { abortedError, checkLimit } from "./errors.ts";
import type { LiteratureLogger, LiteratureSource, Paper } from "./types.ts";

export interface CacheStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

export interface CacheOptions {
  logger?: LiteratureLogger;
  /** Entries older than this are ignored (and refreshed); default: kept forever (the bucket may set a TTL). */
  maxAgeMs?: number;
  clock?: Clock;
  /** Whether an empty answer is cached; default false, as an empty answer may be a service's bad moment. */
  cacheEmpty?: boolean;
}

/** The stored value; versioned so that a format change reads old entries as misses, not as garbage. */
interface CacheEntry {
  v: 1;
  at: number;
  source: string;
  query: string;
  limit: number;
  papers: Paper[];
}

/** Case, accents' composed forms and spacing do not change what a search service returns. */
export function normalizeQuery(query: string): string {
  return query.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** `lit.<source>.<limit>.<sha256 of the normalised query>` — stable, and safe as a NATS KV key. */
export function cacheKey(sourceName: string, query: string, limit: number): string {
  const source = sourceName.replace(/[^A-Za-z0-9_-]+/g, "_");
  const hash = createHash("sha256").update(normalizeQuery(query)).digest("hex").slice(0, 40);
  return `lit.${source}.${limit}.${hash}`;
}

function readEntry(text: string, query: string): CacheEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const entry = value as Partial<CacheEntry> | null;
  if (entry?.v !== 1 || !Array.isArray(entry.papers) || typeof entry.at !== "number")
    return "not a version-1 cache entry";
  // A hash collision (or a hand-edited bucket) must not answer a different query.
  if (entry.query !== normalizeQuery(query)) return "entry belongs to another query";
  return entry as CacheEntry;
}

/** `source`, answering repeated searches from `store`. Keeps the source's name, so keys and recordings match. */
export function withCache(source: LiteratureSource, store: CacheStore, options: CacheOptions = {}): LiteratureSource {
  const clock = options.clock ?? systemClock;
  const { logger } = options;

  return {
    name: source.name,
    async search(query, opts) {
      checkLimit(opts.limit);
      if (opts.signal?.aborted) throw abortedError(opts.signal, source.name);
      const key = cacheKey(source.name, query, opts.limit);
      let cached: string | null = null;
      try {
        cached = await store.get(key);
      } catch (error) {
        logger?.warn({ source: source.name, key, err: error }, "literature cache read failed; asking the source");
      }
      if (cached !== null) {
        const entry = readEntry(cached, query);
        const fresh =
          typeof entry !== "string" && (options.maxAgeMs === undefined || clock.now() - entry.at <= options.maxAgeMs);
        if (typeof entry !== "string" && fresh) return entry.papers;
        if (typeof entry === "string")
          logger?.warn({ source: source.name, key, reason: entry }, "ignoring unreadable literature cache entry");
      }
      if (opts.signal?.aborted) throw abortedError(opts.signal, source.name);
      const papers = await source.search(query, opts);
      if (papers.length > 0 || options.cacheEmpty) {
        const entry: CacheEntry = {
          v: 1,
          at: clock.now(),
          source: source.name,
          query: normalizeQuery(query),
          limit: opts.limit,
          papers,
        };
        try {
          await store.put(key, JSON.stringify(entry));
        } catch (error) {
          logger?.warn(
            { source: source.name, key, err: error },
            "literature cache write failed; the answer is still returned",
          );
        }
      }
      return papers;
    },
  };
}
