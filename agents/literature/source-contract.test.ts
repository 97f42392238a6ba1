// One contract, every literature source (STYLE item 4): the offline corpus over a fixture JSONL file and the
// three online sources against local servers replaying their own wire formats.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createArxivSource,
  createOfflineCorpus,
  createOpenAlexSource,
  createSemanticScholarSource,
  type LiteratureErrorCode,
  type LiteratureSource,
} from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { fixturePath, readFixture } from "./testing/fixtures.ts";

const QUERY = "adam optimization";

type Mode = "ok" | "fail" | "hang";

interface Started {
  source: LiteratureSource;
  /** Resolves once the search is under way (the request is at the server, or the corpus is loading). */
  pending(): Promise<void>;
  /** Resolves once the server saw the client give up on the pending request (null: no server). */
  abandoned: (() => Promise<void>) | null;
  requestCount(): number;
  /** The limit the server was asked for, as sent. */
  sentLimit(): string | null;
}

interface Harness {
  name: string;
  start(mode: Mode): Promise<Started>;
  failure: { code: LiteratureErrorCode; retryable: boolean; status: number | null };
}

let scratch: string;
let server: FixtureServer | null = null;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "literature-contract-"));
});
afterEach(async () => {
  await server?.close();
  server = null;
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function httpHarness(
  name: string,
  body: string,
  limitParam: string,
  make: (options: {
    baseUrl: string;
    clock: ReturnType<typeof createFakeClock>;
    retry: { maxRetries: number; random: () => number };
  }) => LiteratureSource,
): Harness {
  return {
    name,
    failure: { code: "LITERATURE_SERVER_ERROR", retryable: true, status: 500 },
    async start(mode) {
      const reply =
        mode === "ok"
          ? { body }
          : mode === "fail"
            ? { status: 500, body: '{"message":"Internal Server Error"}' }
            : ({ hang: true } as const);
      const started = await startFixtureServer(reply);
      server = started;
      const source = make({
        baseUrl: started.baseUrl,
        clock: createFakeClock(),
        retry: { maxRetries: 1, random: () => 0 },
      });
      return {
        source,
        pending: () => started.requestsArrived(1),
        abandoned: () => started.abandonedRequests(1),
        requestCount: () => started.requests.length,
        sentLimit: () => started.requests.at(-1)?.url.searchParams.get(limitParam) ?? null,
      };
    },
  };
}

const harnesses: Harness[] = [
  {
    name: "offline",
    failure: { code: "LITERATURE_CORPUS_UNREADABLE", retryable: false, status: null },
    async start(mode) {
      // A directory in place of the corpus file cannot be read: the offline corpus's backend failure.
      const path = mode === "fail" ? scratch : fixturePath("offline-corpus.jsonl");
      const source = createOfflineCorpus({ path, fallbackPath: null });
      return { source, pending: async () => {}, abandoned: null, requestCount: () => 0, sentLimit: () => null };
    },
  },
  httpHarness("semantic-scholar", readFixture("semantic-scholar-search.json"), "limit", (o) =>
    createSemanticScholarSource({ ...o, apiKey: "s2-test-key" }),
  ),
  httpHarness("openalex", readFixture("openalex-works.json"), "per-page", (o) =>
    createOpenAlexSource({ ...o, apiKey: "oa-test-key" }),
  ),
  httpHarness("arxiv", readFixture("arxiv-query.xml"), "max_results", (o) => createArxivSource(o)),
];

describe.each(harnesses)("the $name literature source", (harness) => {
  it("returns Papers with title, abstract, authors and year, stamped with its name", async () => {
    const { source } = await harness.start("ok");
    const papers = await source.search(QUERY, { limit: 10 });
    expect(papers).toHaveLength(3);
    for (const paper of papers) {
      expect(paper.title).toMatch(/\S/);
      expect(paper.abstract).toMatch(/\S/);
      expect(paper.authors.length).toBeGreaterThan(0);
      expect(paper.year).toEqual(expect.any(Number));
      expect(paper.source).toBe(source.name);
      expect(paper.id).toMatch(/\S/);
    }
    expect(papers.map((p) => p.title)).toContain("Adam: A Method for Stochastic Optimization");
    const scores = papers.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("respects the limit, asking the service for no more than it needs", async () => {
    const started = await harness.start("ok");
    const papers = await started.source.search(QUERY, { limit: 2 });
    expect(papers).toHaveLength(2);
    if (harness.name !== "offline") expect(started.sentLimit()).toBe("2");
  });

  it("answers a limit of 0 with no papers and no request, and refuses a bad limit", async () => {
    const started = await harness.start("ok");
    await expect(started.source.search(QUERY, { limit: 0 })).resolves.toEqual([]);
    await expect(started.source.search(QUERY, { limit: 1.5 })).rejects.toMatchObject({
      code: "LITERATURE_BAD_REQUEST",
    });
    expect(started.requestCount()).toBe(0);
  });

  it("stops a pending request when the signal fires, with LITERATURE_ABORTED", async () => {
    const started = await harness.start("hang");
    const controller = new AbortController();
    const search = started.source.search(QUERY, { limit: 5, signal: controller.signal });
    const outcome = search.then(
      () => null,
      (error: unknown) => error,
    );
    await started.pending();
    controller.abort(new Error("the idea was cancelled"));
    expect(await outcome).toMatchObject({ code: "LITERATURE_ABORTED" });
    if (started.abandoned) await started.abandoned(); // the server saw the connection go: nothing left running
  });

  it("never starts a request for an already aborted signal", async () => {
    const started = await harness.start("ok");
    await expect(started.source.search(QUERY, { limit: 5, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "LITERATURE_ABORTED",
    });
    expect(started.requestCount()).toBe(0);
  });

  it("reports a failing backend (HTTP 500 for online sources) as a coded error saying whether a retry helps", async () => {
    const started = await harness.start("fail");
    const error = await started.source.search(QUERY, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "LiteratureError", ...harness.failure });
    // Online sources retried within their bound (maxRetries: 1) before giving up.
    if (harness.name !== "offline") expect(started.requestCount()).toBe(2);
  });
});
