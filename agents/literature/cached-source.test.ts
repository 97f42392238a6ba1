import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cacheKey,
  createSemanticScholarSource,
  normalizeQuery,
  withCache,
  type CacheStore,
  type LiteratureLogger,
  type LiteratureSource,
} from "./index.ts";
import { createFakeClock, type FakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { readFixture } from "./testing/fixtures.ts";

/** What a NATS KV bucket accepts as a key. */
const NATS_KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

function memoryStore(): CacheStore & { data: Map<string, string>; gets: number; puts: number } {
  const store = {
    data: new Map<string, string>(),
    gets: 0,
    puts: 0,
    get: async (key: string) => {
      store.gets += 1;
      return store.data.get(key) ?? null;
    },
    put: async (key: string, value: string) => {
      store.puts += 1;
      store.data.set(key, value);
    },
  };
  return store;
}

const warnings = (): LiteratureLogger & { messages: string[] } => {
  const messages: string[] = [];
  return { messages, info: () => {}, warn: (_details, message) => void messages.push(message ?? "") };
};

let server: FixtureServer;
let clock: FakeClock;
let s2: LiteratureSource;
beforeEach(async () => {
  server = await startFixtureServer({ body: readFixture("semantic-scholar-search.json") });
  clock = createFakeClock();
  s2 = createSemanticScholarSource({ baseUrl: server.baseUrl, clock });
});
afterEach(async () => {
  await server.close();
});

describe("cache keys", () => {
  it("are the same for queries that differ only in case and spacing, and differ by source and limit", () => {
    expect(normalizeQuery("  Adam \n  OPTIMIZATION ")).toBe("adam optimization");
    const key = cacheKey("semantic-scholar", "adam optimization", 10);
    expect(cacheKey("semantic-scholar", "  Adam   Optimization", 10)).toBe(key);
    expect(cacheKey("semantic-scholar", "adam optimization", 5)).not.toBe(key);
    expect(cacheKey("openalex", "adam optimization", 10)).not.toBe(key);
    expect(cacheKey("semantic-scholar", "adam optimizer", 10)).not.toBe(key);
  });

  it("are valid NATS KV keys whatever the source name and query", () => {
    for (const key of [
      cacheKey("chain(semantic-scholar,offline)", "ü * > $ weird/query", 10),
      cacheKey("semantic-scholar", "adam", 0),
    ]) {
      expect(key).toMatch(NATS_KV_KEY);
      expect(key.startsWith("lit.")).toBe(true);
    }
  });
});

describe("cached source", () => {
  it("answers the second search from the store, with no HTTP request", async () => {
    const store = memoryStore();
    const cached = withCache(s2, store);
    const first = await cached.search("Adam optimization", { limit: 3 });
    const second = await cached.search("adam  optimization", { limit: 3 });
    expect(second).toEqual(first);
    expect(server.requests).toHaveLength(1);
    expect(store.puts).toBe(1);
    expect(cached.name).toBe("semantic-scholar");
    expect([...store.data.keys()]).toEqual([cacheKey("semantic-scholar", "adam optimization", 3)]);
  });

  it("asks the source again for a different limit", async () => {
    const cached = withCache(s2, memoryStore());
    await cached.search("adam", { limit: 3 });
    await cached.search("adam", { limit: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("does not cache an empty answer unless told to", async () => {
    server.setDefault({ body: JSON.stringify({ total: 0, offset: 0 }) });
    const store = memoryStore();
    await withCache(s2, store).search("nothing", { limit: 3 });
    expect(store.puts).toBe(0);
    await withCache(s2, store, { cacheEmpty: true }).search("nothing", { limit: 3 });
    await withCache(s2, store, { cacheEmpty: true }).search("nothing", { limit: 3 });
    expect(store.puts).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("refreshes an entry older than maxAgeMs", async () => {
    const cached = withCache(s2, memoryStore(), { maxAgeMs: 60_000, clock });
    await cached.search("adam", { limit: 3 });
    clock.advance(30_000);
    await cached.search("adam", { limit: 3 });
    expect(server.requests).toHaveLength(1);
    clock.advance(31_000);
    await cached.search("adam", { limit: 3 });
    expect(server.requests).toHaveLength(2);
  });

  it("treats an unreadable or foreign entry as a miss, logs it and overwrites it", async () => {
    const store = memoryStore();
    const key = cacheKey("semantic-scholar", "adam", 3);
    const logger = warnings();
    const cached = withCache(s2, store, { logger });
    store.data.set(key, "{not json");
    await cached.search("adam", { limit: 3 });
    store.data.set(
      key,
      JSON.stringify({ v: 1, at: 0, source: "semantic-scholar", query: "something else", limit: 3, papers: [] }),
    );
    await cached.search("adam", { limit: 3 });
    expect(server.requests).toHaveLength(2);
    expect(logger.messages).toEqual([
      "ignoring unreadable literature cache entry",
      "ignoring unreadable literature cache entry",
    ]);
    expect(JSON.parse(store.data.get(key)!)).toMatchObject({ v: 1, query: "adam", papers: expect.any(Array) });
  });

  it("keeps searching when the store fails to read or write, logging each failure", async () => {
    const logger = warnings();
    const broken: CacheStore = {
      get: async () => {
        throw new Error("KV unavailable");
      },
      put: async () => {
        throw new Error("KV unavailable");
      },
    };
    const papers = await withCache(s2, broken, { logger }).search("adam", { limit: 3 });
    expect(papers).toHaveLength(3);
    expect(logger.messages).toEqual([
      "literature cache read failed; asking the source",
      "literature cache write failed; the answer is still returned",
    ]);
  });

  it("honours an aborted signal before touching the store", async () => {
    const store = memoryStore();
    await expect(withCache(s2, store).search("adam", { limit: 3, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "LITERATURE_ABORTED",
    });
    expect(store.gets).toBe(0);
  });
});
