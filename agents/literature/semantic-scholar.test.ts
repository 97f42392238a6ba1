import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSemanticScholarSource, type Clock, type SemanticScholarOptions } from "./index.ts";
import { createFakeClock, type FakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { readFixture, timedFetch } from "./testing/fixtures.ts";

const searchAnswer = readFixture("semantic-scholar-search.json");
const tooMany = JSON.stringify({
  message: "Too Many Requests. Please wait and try again or apply for a key for higher rate limits.",
  code: "429",
});

let server: FixtureServer;
let clock: FakeClock;
beforeEach(async () => {
  server = await startFixtureServer({ body: searchAnswer });
  clock = createFakeClock();
});
afterEach(async () => {
  await server.close();
});

function source(options: Partial<SemanticScholarOptions> = {}) {
  return createSemanticScholarSource({ baseUrl: server.baseUrl, clock, retry: { random: () => 0 }, ...options });
}

describe("Semantic Scholar source", () => {
  it("asks the Graph API paper search for the seed's fields, with the key in x-api-key", async () => {
    const papers = await source({ apiKey: "s2-secret" }).search("adam optimization", { limit: 10 });
    const [request] = server.requests;
    expect(request!.url.pathname).toBe("/graph/v1/paper/search");
    expect(Object.fromEntries(request!.url.searchParams)).toEqual({
      query: "adam optimization",
      limit: "10",
      fields: "title,abstract,authors,venue,year,citationCount,externalIds",
    });
    expect(request!.headers["x-api-key"]).toBe("s2-secret");
    expect(papers[0]).toEqual({
      id: "a6cb366736791bcccc5c8639de5a8f9636bf87e8",
      title: "Adam: A Method for Stochastic Optimization",
      abstract: expect.stringContaining("lower-order moments"),
      authors: ["Diederik P. Kingma", "Jimmy Ba"],
      venue: "International Conference on Learning Representations",
      year: 2014,
      citations: 152331,
      source: "semantic-scholar",
      score: 1,
      doi: null,
      arxivId: "1412.6980",
      url: "https://www.semanticscholar.org/paper/a6cb366736791bcccc5c8639de5a8f9636bf87e8",
    });
    expect(papers[2]).toMatchObject({ venue: null, doi: "10.48550/arXiv.1711.05101" }); // "" venue means unknown
  });

  it("replaces hyphens with spaces, as S2 matches nothing for hyphenated terms, and skips a query with no words", async () => {
    await source().search("label-noise  robust", { limit: 1 });
    expect(server.requests[0]!.url.searchParams.get("query")).toBe("label noise robust");
    await expect(source().search(" - ", { limit: 1 })).resolves.toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("sends no x-api-key header without a key", async () => {
    await source().search("adam", { limit: 1 });
    expect(server.requests[0]!.headers).not.toHaveProperty("x-api-key");
  });

  it("reads a zero-hit answer, which has no data field, as no papers", async () => {
    server.setDefault({ body: JSON.stringify({ total: 0, offset: 0 }) });
    await expect(source().search("zzqx", { limit: 10 })).resolves.toEqual([]);
  });

  it("skips untitled papers and turns a missing abstract or author list into empty values", async () => {
    const data = [
      { paperId: "p1", title: null, abstract: "x", authors: [] },
      {
        paperId: "p2",
        title: "Kept",
        abstract: null,
        authors: null,
        venue: null,
        year: null,
        citationCount: null,
        externalIds: null,
      },
    ];
    server.setDefault({ body: JSON.stringify({ total: 2, offset: 0, data }) });
    const papers = await source().search("kept", { limit: 10 });
    expect(papers).toEqual([
      expect.objectContaining({
        id: "p2",
        title: "Kept",
        abstract: "",
        authors: [],
        year: null,
        citations: null,
        doi: null,
      }),
    ]);
  });

  it("spaces requests one second apart through its token bucket, even when they are made at once", async () => {
    const timed = timedFetch(clock);
    const s2 = source({ fetch: timed.fetch });
    await s2.search("first", { limit: 1 });
    await s2.search("second", { limit: 1 });
    await Promise.all([s2.search("third", { limit: 1 }), s2.search("fourth", { limit: 1 })]);
    const start = timed.sentAt[0]!;
    expect(timed.sentAt.map((t) => t - start)).toEqual([0, 1000, 2000, 3000]);
  });

  it("waits out a 429's Retry-After, then succeeds", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "2" }, body: tooMany });
    const retries: number[] = [];
    const papers = await source({ onRetry: ({ delayMs }) => retries.push(delayMs) }).search("adam", { limit: 3 });
    expect(papers).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
    expect(retries).toEqual([2000]);
    expect(clock.sleeps).toEqual([2000]); // the bucket's second token was ready by then: no extra wait
  });

  it("accepts Retry-After as an HTTP date", async () => {
    server.enqueue({
      status: 429,
      headers: { "retry-after": new Date(clock.now() + 5000).toUTCString() },
      body: tooMany,
    });
    await source().search("adam", { limit: 1 });
    expect(clock.sleeps).toEqual([5000]);
  });

  it("backs off exponentially without Retry-After and gives up after its bound with a retryable LITERATURE_RATE_LIMITED", async () => {
    server.setDefault({ status: 429, body: tooMany });
    const timed = timedFetch(clock);
    const backoffs: number[] = [];
    const error = await source({
      fetch: timed.fetch,
      retry: { maxRetries: 3, baseDelayMs: 1000, random: () => 0 },
      onRetry: ({ delayMs }) => backoffs.push(delayMs),
    })
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "LITERATURE_RATE_LIMITED",
      retryable: true,
      status: 429,
      source: "semantic-scholar",
    });
    expect((error as Error).message).toContain("Too Many Requests");
    expect(server.requests).toHaveLength(4);
    expect(backoffs).toEqual([500, 1000, 2000]); // equal jitter with random() = 0: half of each doubling step
    // Retries still pass through the 1 request/s bucket: the first retry waits for the next token, not 500 ms.
    const start = timed.sentAt[0]!;
    expect(timed.sentAt.map((t) => t - start)).toEqual([0, 1000, 2000, 4000]);
  });

  it("keeps its retry bound even when config hands it undefined or an infinite count", async () => {
    server.setDefault({ status: 503, body: "{}" });
    for (const maxRetries of [undefined, Number.POSITIVE_INFINITY, Number.NaN]) {
      const before = server.requests.length;
      await expect(
        source({ retry: { maxRetries } as { maxRetries: number } }).search("adam", { limit: 1 }),
      ).rejects.toMatchObject({ code: "LITERATURE_SERVER_ERROR" });
      expect(server.requests.length - before).toBe(4); // the default bound: 1 + 3 retries
    }
  });

  it("stops waiting out a Retry-After as soon as the caller aborts", async () => {
    server.setDefault({ status: 429, headers: { "retry-after": "30" }, body: tooMany });
    let waiting!: () => void;
    const waitStarted = new Promise<void>((resolve) => (waiting = resolve));
    // A clock whose sleeps end only by abort, so the test knows the search is parked in its backoff.
    const parked: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          waiting();
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
    };
    const controller = new AbortController();
    const outcome = source({ clock: parked })
      .search("adam", { limit: 1, signal: controller.signal })
      .catch((e: unknown) => e);
    await waitStarted;
    controller.abort();
    expect(await outcome).toMatchObject({ code: "LITERATURE_ABORTED" });
    expect(server.requests).toHaveLength(1);
  });

  it("fails at once, without waiting, when Retry-After is longer than it may wait", async () => {
    server.setDefault({ status: 429, headers: { "retry-after": "3600" }, body: tooMany });
    const error = await source({ retry: { maxRetryAfterMs: 60_000 } })
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_RATE_LIMITED", retryable: true, retryAfterMs: 3_600_000 });
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("reports a refused key as a non-retryable LITERATURE_REJECTED that does not repeat the key", async () => {
    server.setDefault({ status: 403, body: JSON.stringify({ message: "Forbidden" }) });
    const error = await source({ apiKey: "s2-secret" })
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_REJECTED", retryable: false, status: 403 });
    expect((error as Error).message).toContain("Forbidden");
    expect((error as Error).message).not.toContain("s2-secret");
    expect(server.requests).toHaveLength(1);
  });

  it("reports a body that is not the search answer as LITERATURE_BAD_RESPONSE", async () => {
    server.setDefault({ body: "<html>maintenance</html>" });
    await expect(source().search("adam", { limit: 1 })).rejects.toMatchObject({ code: "LITERATURE_BAD_RESPONSE" });
    server.setDefault({ body: JSON.stringify({ data: "nope" }) });
    await expect(source().search("adam", { limit: 1 })).rejects.toMatchObject({ code: "LITERATURE_BAD_RESPONSE" });
  });

  it("reports an unreachable service as a retryable LITERATURE_NETWORK after its retries", async () => {
    const dead = server.baseUrl;
    await server.close();
    server = await startFixtureServer();
    const backoffs: number[] = [];
    const error = await source({
      baseUrl: dead,
      retry: { maxRetries: 2, random: () => 0 },
      onRetry: ({ delayMs }) => backoffs.push(delayMs),
    })
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_NETWORK", retryable: true });
    expect(backoffs).toHaveLength(2);
  });

  it("gives up on a slow answer at its timeout with a retryable LITERATURE_TIMEOUT, without retrying", async () => {
    server.setDefault({ hang: true });
    const timeout = new AbortController();
    const search = source({ timeoutSignal: () => timeout.signal }).search("adam", { limit: 1 });
    const outcome = search.catch((e: unknown) => e);
    await server.requestsArrived(1);
    timeout.abort(new Error("timed out"));
    expect(await outcome).toMatchObject({ code: "LITERATURE_TIMEOUT", retryable: true });
    expect(server.requests).toHaveLength(1);
  });
});
