import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  createFallbackChain,
  createOfflineCorpus,
  createOpenAlexSource,
  createSemanticScholarSource,
  LiteratureError,
  type LiteratureLogger,
  type LiteratureSource,
  type Paper,
} from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { fixturePath, readFixture } from "./testing/fixtures.ts";

const paper = (source: string): Paper => ({
  id: `${source}-1`,
  title: "A paper",
  abstract: "",
  authors: ["A. Author"],
  venue: null,
  year: 2020,
  citations: null,
  source,
  score: 1,
});

/** A scripted source that counts its calls. */
function scripted(name: string, behaviour: () => Promise<Paper[]>): LiteratureSource & { calls: number } {
  const source = {
    name,
    calls: 0,
    search: async () => {
      source.calls += 1;
      return behaviour();
    },
  };
  return source;
}

const answers = (name: string) => scripted(name, async () => [paper(name)]);
const empty = (name: string) => scripted(name, async () => []);
const failing = (name: string, code: LiteratureError["code"], retryable: boolean) =>
  scripted(name, async () => {
    throw new LiteratureError(code, `${name} is down`, { retryable, source: name });
  });

function memoryLogger(): LiteratureLogger & { lines: Array<{ level: string; details: object; message?: string }> } {
  const lines: Array<{ level: string; details: object; message?: string }> = [];
  return {
    lines,
    info: (details, message) => void lines.push({ level: "info", details, ...(message !== undefined && { message }) }),
    warn: (details, message) => void lines.push({ level: "warn", details, ...(message !== undefined && { message }) }),
  };
}

describe("fallback chain", () => {
  it("answers from the first source that has papers and does not ask the rest", async () => {
    const first = answers("first");
    const second = answers("second");
    const chain = createFallbackChain([first, second]);
    const report = await chain.searchWithReport("q", { limit: 5 });
    expect(report).toEqual({
      papers: [paper("first")],
      answeredBy: "first",
      attempts: [{ source: "first", outcome: "answered" }],
    });
    expect(second.calls).toBe(0);
    expect(chain.name).toBe("chain(first,second)");
  });

  it("moves on past a retryable failure and an empty answer, recording and logging each", async () => {
    const logger = memoryLogger();
    const chain = createFallbackChain(
      [failing("s2", "LITERATURE_RATE_LIMITED", true), empty("arxiv"), answers("offline")],
      { logger },
    );
    const report = await chain.searchWithReport("q", { limit: 5 });
    expect(report.answeredBy).toBe("offline");
    expect(report.attempts.map((a) => [a.source, a.outcome, a.error?.code])).toEqual([
      ["s2", "failed", "LITERATURE_RATE_LIMITED"],
      ["arxiv", "empty", undefined],
      ["offline", "answered", undefined],
    ]);
    expect(
      logger.lines.map((l) => [
        l.level,
        (l.details as { source?: string; answeredBy?: string }).source ??
          (l.details as { answeredBy?: string }).answeredBy,
      ]),
    ).toEqual([
      ["warn", "s2"],
      ["info", "offline"],
    ]);
  });

  it("moves on past a non-retryable source failure too (a bad key is that source's problem, not the query's)", async () => {
    const chain = createFallbackChain([failing("s2", "LITERATURE_REJECTED", false), answers("offline")]);
    await expect(chain.search("q", { limit: 5 })).resolves.toEqual([paper("offline")]);
  });

  it("fails with LITERATURE_UNAVAILABLE naming every source's failure when all of them fail", async () => {
    const chain = createFallbackChain([
      failing("s2", "LITERATURE_RATE_LIMITED", true),
      failing("openalex", "LITERATURE_REJECTED", false),
      scripted("broken", async () => {
        throw new TypeError("cannot read properties of undefined");
      }),
    ]);
    const error = await chain.search("q", { limit: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_UNAVAILABLE", retryable: true });
    const failures = (error as LiteratureError).failures;
    expect(failures.map((f) => [f.source, f.error.code])).toEqual([
      ["s2", "LITERATURE_RATE_LIMITED"],
      ["openalex", "LITERATURE_REJECTED"],
      ["broken", "LITERATURE_SOURCE_FAILED"],
    ]);
    for (const name of ["s2", "openalex", "broken"]) expect((error as Error).message).toContain(name);
  });

  it("says a retry cannot help when no source's failure was retryable", async () => {
    const chain = createFallbackChain([
      failing("a", "LITERATURE_REJECTED", false),
      failing("b", "LITERATURE_CORPUS_MISSING", false),
    ]);
    await expect(chain.search("q", { limit: 5 })).rejects.toMatchObject({
      code: "LITERATURE_UNAVAILABLE",
      retryable: false,
    });
  });

  it("returns no papers, not an error, when the sources that answered found nothing", async () => {
    const chain = createFallbackChain([failing("s2", "LITERATURE_NETWORK", true), empty("offline")]);
    await expect(chain.searchWithReport("q", { limit: 5 })).resolves.toMatchObject({ papers: [], answeredBy: null });
  });

  it("stops at once on the caller's abort or bad limit, asking no further source", async () => {
    const controller = new AbortController();
    const aborting = scripted("first", async () => {
      controller.abort();
      throw new LiteratureError("LITERATURE_ABORTED", "aborted");
    });
    const next = answers("second");
    const chain = createFallbackChain([aborting, next]);
    await expect(chain.search("q", { limit: 5, signal: controller.signal })).rejects.toMatchObject({
      code: "LITERATURE_ABORTED",
    });
    await expect(chain.search("q", { limit: -1 })).rejects.toMatchObject({ code: "LITERATURE_BAD_REQUEST" });
    expect(next.calls).toBe(0);
  });

  it("refuses an empty list of sources", () => {
    expect(() => createFallbackChain([])).toThrow(expect.objectContaining({ code: "LITERATURE_BAD_CONFIG" }));
  });

  it("accepts a pino logger", () => {
    const logger: LiteratureLogger = pino({ enabled: false });
    expect(createFallbackChain([answers("a")], { logger }).name).toBe("chain(a)");
  });
});

describe("fallback chain over real HTTP sources", () => {
  let s2: FixtureServer;
  let openalex: FixtureServer;
  afterEach(async () => {
    await Promise.all([s2.close(), openalex.close()]);
  });

  it("falls back from a rate-limited Semantic Scholar to OpenAlex, then to the offline corpus when OpenAlex is down", async () => {
    s2 = await startFixtureServer({
      status: 429,
      headers: { "retry-after": "600" },
      body: '{"message":"Too Many Requests"}',
    });
    openalex = await startFixtureServer({ body: readFixture("openalex-works.json") });
    const clock = createFakeClock();
    const chain = createFallbackChain([
      createSemanticScholarSource({ baseUrl: s2.baseUrl, clock }),
      createOpenAlexSource({ baseUrl: openalex.baseUrl, clock }),
      createOfflineCorpus({ path: fixturePath("offline-corpus.jsonl"), fallbackPath: null }),
    ]);
    const first = await chain.searchWithReport("adam optimization", { limit: 3 });
    expect(first.answeredBy).toBe("openalex");
    expect(first.papers.every((p) => p.source === "openalex")).toBe(true);
    expect(first.attempts[0]).toMatchObject({
      source: "semantic-scholar",
      outcome: "failed",
      error: { code: "LITERATURE_RATE_LIMITED", retryAfterMs: 600_000 },
    });
    expect(clock.sleeps).toEqual([]); // a 10-minute Retry-After is not waited out: the chain moves on instead

    openalex.setDefault({ status: 503, body: '{"error":"Service Unavailable"}' });
    const second = await chain.searchWithReport("adam optimization", { limit: 3 });
    expect(second.answeredBy).toBe("offline");
    expect(second.attempts.map((a) => a.error?.code ?? a.outcome)).toEqual([
      "LITERATURE_RATE_LIMITED",
      "LITERATURE_SERVER_ERROR",
      "answered",
    ]);
  });
});
