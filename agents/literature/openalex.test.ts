import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAlexSource, rebuildAbstract, type OpenAlexOptions } from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { readFixture } from "./testing/fixtures.ts";

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer({ body: readFixture("openalex-works.json") });
});
afterEach(async () => {
  await server.close();
});

function source(options: Partial<OpenAlexOptions> = {}) {
  return createOpenAlexSource({
    baseUrl: server.baseUrl,
    clock: createFakeClock(),
    retry: { random: () => 0 },
    ...options,
  });
}

function works(...results: object[]): { body: string } {
  return { body: JSON.stringify({ meta: { count: results.length, page: 1, per_page: 25 }, results, group_by: [] }) };
}

describe("OpenAlex abstracts", () => {
  it("rebuilds the text from the inverted index whatever the key order, with repeated words in every place", () => {
    expect(rebuildAbstract({ nets: [1, 4], Deep: [0], are: [2], "deep.": [5], very: [3] })).toBe(
      "Deep nets are very nets deep.",
    );
  });

  it("skips gaps and bad positions, and gives an empty text for a missing index", () => {
    expect(rebuildAbstract({ b: [7], a: [2], c: [-1, 1.5] })).toBe("a b");
    expect(rebuildAbstract(null)).toBe("");
    expect(rebuildAbstract(undefined)).toBe("");
    expect(rebuildAbstract({})).toBe("");
  });
});

describe("OpenAlex source", () => {
  it("asks /works with search, per-page, select, api_key and mailto", async () => {
    await source({ apiKey: "oa-secret", mailto: "lab@example.org" }).search("adam optimization", { limit: 7 });
    const { url } = server.requests[0]!;
    expect(url.pathname).toBe("/works");
    expect(url.searchParams.get("search")).toBe("adam optimization");
    expect(url.searchParams.get("per-page")).toBe("7");
    expect(url.searchParams.get("api_key")).toBe("oa-secret");
    expect(url.searchParams.get("mailto")).toBe("lab@example.org");
    expect(url.searchParams.get("select")).toContain("abstract_inverted_index");
  });

  it("leaves out api_key and mailto when not given", async () => {
    await source().search("adam", { limit: 1 });
    const { url } = server.requests[0]!;
    expect(url.searchParams.has("api_key")).toBe(false);
    expect(url.searchParams.has("mailto")).toBe(false);
  });

  it("maps a work: short id, rebuilt abstract, authors from authorships, venue from the primary source, bare DOI", async () => {
    const papers = await source().search("adam optimization", { limit: 10 });
    expect(papers[0]).toEqual({
      id: "W1522301498",
      title: "Adam: A Method for Stochastic Optimization",
      abstract:
        "We introduce Adam, an algorithm for first-order gradient-based optimization of stochastic objective functions.",
      authors: ["Diederik P. Kingma", "Jimmy Ba"],
      venue: "arXiv (Cornell University)",
      year: 2014,
      citations: 98231,
      source: "openalex",
      score: 3121.58,
      doi: "10.48550/arxiv.1412.6980",
      arxivId: null,
      url: "https://arxiv.org/abs/1412.6980",
    });
    expect(papers[1]).toMatchObject({
      abstract: "Several recent methods such as Adam fail to converge to the optimum.",
      doi: null,
    });
    expect(papers[2]).toMatchObject({ venue: null, url: "https://openalex.org/W2963674932" }); // no primary_location
  });

  it("strips publisher markup from titles, falls back to display_name and raw author names, and skips untitled works", async () => {
    server.setDefault(
      works(
        {
          id: "https://openalex.org/W1",
          title: "Growth of <i>E. coli</i> on CO<sub>2</sub>",
          authorships: [{ author: null, raw_author_name: "J. Doe" }],
        },
        { id: "https://openalex.org/W2", title: null, display_name: "Only a display name" },
        { id: "https://openalex.org/W3", title: null, display_name: null },
      ),
    );
    const papers = await source().search("growth", { limit: 10 });
    expect(papers.map((p) => [p.id, p.title, p.authors, p.abstract])).toEqual([
      ["W1", "Growth of E. coli on CO2", ["J. Doe"], ""],
      ["W2", "Only a display name", [], ""],
    ]);
  });

  it("keeps the api key out of error messages", async () => {
    server.setDefault({
      status: 403,
      body: JSON.stringify({ error: "Invalid api_key", message: "The api_key you provided is not valid." }),
    });
    const error = await source({ apiKey: "oa-secret" })
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_REJECTED", retryable: false, status: 403 });
    expect((error as Error).message).toContain("The api_key you provided is not valid.");
    expect((error as Error).message).toContain("api_key=REDACTED");
    expect((error as Error).message).not.toContain("oa-secret");
  });

  it("retries a 429 and then answers", async () => {
    server.enqueue({
      status: 429,
      headers: { "retry-after": "1" },
      body: JSON.stringify({ error: "Rate limit exceeded" }),
    });
    const papers = await source().search("adam", { limit: 2 });
    expect(papers).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it("reports an answer without results as LITERATURE_BAD_RESPONSE", async () => {
    server.setDefault({ body: JSON.stringify({ meta: {} }) });
    await expect(source().search("adam", { limit: 1 })).rejects.toMatchObject({
      code: "LITERATURE_BAD_RESPONSE",
      source: "openalex",
    });
  });
});
