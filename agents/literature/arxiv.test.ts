import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { arxivSearchQuery, createArxivSource, parseArxivFeed, type ArxivOptions } from "./index.ts";
import { createFakeClock, type FakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { readFixture, timedFetch } from "./testing/fixtures.ts";

const feed = readFixture("arxiv-query.xml");
const atom = (body: string, status = 200) => ({
  status,
  headers: { "content-type": "application/atom+xml; charset=utf-8" },
  body,
});

describe("arXiv Atom parsing", () => {
  it("reads every entry with its authors, collapsing the whitespace arXiv wraps titles and abstracts in", () => {
    const { entries, error } = parseArxivFeed(feed);
    expect(error).toBeNull();
    expect(entries.map((e) => e.arxivId)).toEqual(["1412.6980", "1904.09237", "1711.05101"]);
    expect(entries[0]).toEqual({
      arxivId: "1412.6980",
      title: "Adam: A Method for Stochastic Optimization",
      summary:
        "We introduce Adam, an algorithm for first-order gradient-based optimization of stochastic objective functions, based on adaptive estimates of lower-order moments & bias correction.",
      authors: ["Diederik P. Kingma", "Jimmy Ba"],
      published: "2014-12-22T13:54:29Z",
      doi: null,
      url: "http://arxiv.org/abs/1412.6980v9",
    });
  });

  it("reads three authors, ignoring affiliations and stray whitespace in names", () => {
    const [, reddi] = parseArxivFeed(feed).entries;
    expect(reddi!.authors).toEqual(["Sashank J. Reddi", "Satyen Kale", "Sanjiv Kumar"]);
    expect(reddi!.summary).toContain("we show why <and how> to fix it.");
  });

  it("decodes numeric character references and reads the arxiv:doi extension", () => {
    const [, , adamw] = parseArxivFeed(feed).entries;
    expect(adamw!.summary).toContain("this is \u2018not\u2019 the case");
    expect(adamw!.doi).toBe("10.48550/arXiv.1711.05101");
  });

  it("handles CDATA, comments, self-closing tags, attributes in single quotes and old-style ids", () => {
    const xml = `<?xml version="1.0"?><!-- generated --><feed xmlns='http://www.w3.org/2005/Atom'>
      <entry><id>http://arxiv.org/abs/hep-ex/0307015v1</id><title><![CDATA[Multi-Electron <Production>]]></title>
      <summary>a&amp;b</summary><published>2003-07-07T13:46:39-04:00</published><author><name>H1 Collaboration</name></author>
      <link href='http://arxiv.org/abs/hep-ex/0307015v1' rel='alternate'/></entry></feed>`;
    expect(parseArxivFeed(xml).entries).toEqual([
      {
        arxivId: "hep-ex/0307015",
        title: "Multi-Electron <Production>",
        summary: "a&b",
        authors: ["H1 Collaboration"],
        published: "2003-07-07T13:46:39-04:00",
        doi: null,
        url: "http://arxiv.org/abs/hep-ex/0307015v1",
      },
    ]);
  });

  it("reads an empty feed as no entries and an error feed as arXiv's explanation", () => {
    expect(parseArxivFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title>none</title></feed>')).toEqual({
      entries: [],
      error: null,
    });
    expect(parseArxivFeed(readFixture("arxiv-error.xml"))).toEqual({
      entries: [],
      error: "max_results must be non-negative",
    });
  });

  it.each([
    ["a mismatched closing tag", "<feed><entry></feed>"],
    ["an unclosed element", "<feed><entry>"],
    ["an unknown entity", "<feed>&nbsp;</feed>"],
    ["a DOCTYPE", '<!DOCTYPE feed [<!ENTITY x "y">]><feed/>'],
    ["text outside the root", "<feed/>trailing"],
    ["a second root", "<feed/><feed/>"],
    ["a root that is not a feed", "<html><body/></html>"],
  ])("refuses %s", (_what, xml) => {
    expect(() => parseArxivFeed(xml)).toThrow(/offset/);
  });
});

describe("arXiv search query", () => {
  it("gives each word its own all: prefix, ANDed, without arXiv query syntax", () => {
    expect(arxivSearchQuery('Adam:  a (robust) "optimizer" OR')).toBe(
      "all:Adam AND all:a AND all:robust AND all:optimizer",
    );
    expect(arxivSearchQuery("label-noise v2.1")).toBe("all:label-noise AND all:v2.1");
    expect(arxivSearchQuery(" () ")).toBe("");
  });
});

describe("arXiv source", () => {
  let server: FixtureServer;
  let clock: FakeClock;
  beforeEach(async () => {
    server = await startFixtureServer(atom(feed));
    clock = createFakeClock();
  });
  afterEach(async () => {
    await server.close();
  });
  const source = (options: Partial<ArxivOptions> = {}) =>
    createArxivSource({ baseUrl: server.baseUrl, clock, retry: { random: () => 0 }, ...options });

  it("asks /api/query with search_query, max_results and relevance order, and maps entries to Papers", async () => {
    const papers = await source().search("adam optimization", { limit: 10 });
    const { url } = server.requests[0]!;
    expect(url.pathname).toBe("/api/query");
    expect(url.searchParams.get("search_query")).toBe("all:adam AND all:optimization");
    expect(url.searchParams.get("max_results")).toBe("10");
    expect(url.searchParams.get("sortBy")).toBe("relevance");
    expect(papers[0]).toEqual({
      id: "1412.6980",
      title: "Adam: A Method for Stochastic Optimization",
      abstract: expect.stringContaining("lower-order moments & bias correction."),
      authors: ["Diederik P. Kingma", "Jimmy Ba"],
      venue: "arXiv",
      year: 2014,
      citations: null,
      source: "arxiv",
      score: 1,
      doi: null,
      arxivId: "1412.6980",
      url: "http://arxiv.org/abs/1412.6980v9",
    });
  });

  it("spaces requests 3 seconds apart, even when they are made at once", async () => {
    const timed = timedFetch(clock);
    const arxiv = source({ fetch: timed.fetch });
    await arxiv.search("one", { limit: 1 });
    await Promise.all([arxiv.search("two", { limit: 1 }), arxiv.search("three", { limit: 1 })]);
    clock.advance(60_000); // after a quiet minute the next request goes out at once
    await arxiv.search("four", { limit: 1 });
    const start = timed.sentAt[0]!;
    expect(timed.sentAt.map((t) => t - start)).toEqual([0, 3000, 6000, 66_000]);
  });

  it("turns arXiv's error feed (HTTP 400) into LITERATURE_REJECTED with arXiv's explanation", async () => {
    server.setDefault(atom(readFixture("arxiv-error.xml"), 400));
    const error = await source()
      .search("adam", { limit: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LITERATURE_REJECTED", retryable: false, status: 400 });
    expect((error as Error).message).toContain("max_results must be non-negative");
  });

  it("treats an error feed served with 200 the same way", async () => {
    server.setDefault(atom(readFixture("arxiv-error.xml")));
    await expect(source().search("adam", { limit: 1 })).rejects.toMatchObject({ code: "LITERATURE_REJECTED" });
  });

  it("reports a body that is not an Atom feed as LITERATURE_BAD_RESPONSE", async () => {
    server.setDefault(atom("<html><body>Rate exceeded.</body>"));
    await expect(source().search("adam", { limit: 1 })).rejects.toMatchObject({
      code: "LITERATURE_BAD_RESPONSE",
      source: "arxiv",
    });
  });

  it("makes no request for a query with no searchable word", async () => {
    await expect(source().search(' "" ', { limit: 5 })).resolves.toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
