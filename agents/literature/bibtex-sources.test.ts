// Every source's papers must be citable: the seed's OpenAlex path silently added no BibTeX entry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createArxivSource,
  createOfflineCorpus,
  createOpenAlexSource,
  createSemanticScholarSource,
  toBibliography,
  toBibtex,
  type LiteratureSource,
  type Paper,
} from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { fixturePath, parseBibtexEntry, readFixture } from "./testing/fixtures.ts";

const servers: FixtureServer[] = [];
const papers = new Map<string, Paper[]>();

async function served(body: string, make: (baseUrl: string) => LiteratureSource): Promise<LiteratureSource> {
  const server = await startFixtureServer({ body });
  servers.push(server);
  return make(server.baseUrl);
}

beforeAll(async () => {
  const clock = createFakeClock();
  const sources = [
    createOfflineCorpus({ path: fixturePath("offline-corpus.jsonl"), fallbackPath: null }),
    await served(readFixture("semantic-scholar-search.json"), (baseUrl) =>
      createSemanticScholarSource({ baseUrl, clock }),
    ),
    await served(readFixture("openalex-works.json"), (baseUrl) => createOpenAlexSource({ baseUrl, clock })),
    await served(readFixture("arxiv-query.xml"), (baseUrl) => createArxivSource({ baseUrl, clock })),
  ];
  for (const source of sources) papers.set(source.name, await source.search("adam optimization", { limit: 10 }));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("BibTeX for every source", () => {
  it.each(["offline", "semantic-scholar", "openalex", "arxiv"])(
    "gives each %s paper a well-formed entry with title, authors and year",
    (name) => {
      const found = papers.get(name)!;
      expect(found).toHaveLength(3);
      for (const paper of found) {
        const entry = parseBibtexEntry(toBibtex(paper));
        expect(entry.key).toMatch(/^[a-z]+\d{4}[a-z0-9]+$/);
        expect(entry.fields.title).toBe(paper.title);
        expect(entry.fields.author).toMatch(/^[^,]+, [^,]+( and [^,]+, [^,]+)*$/);
        expect(entry.fields.year).toBe(String(paper.year));
      }
      const { bibtex } = toBibliography(found);
      expect(bibtex.trim().split("\n\n")).toHaveLength(3);
    },
  );

  it("keys the same paper alike whichever online source found it, so a draft's \\cite survives a fallback", () => {
    const keyOf = (name: string) =>
      parseBibtexEntry(toBibtex(papers.get(name)!.find((p) => p.title.startsWith("Adam"))!)).key;
    expect(keyOf("semantic-scholar")).toBe("kingma2014adam");
    expect(keyOf("openalex")).toBe("kingma2014adam");
    expect(keyOf("arxiv")).toBe("kingma2014adam");
  });

  it("carries identifiers: the arXiv eprint, the DOI, and a landing page only when neither exists", () => {
    const arxiv = parseBibtexEntry(toBibtex(papers.get("arxiv")![0]!));
    expect(arxiv).toMatchObject({
      type: "misc",
      fields: { howpublished: "arXiv", eprint: "1412.6980", archivePrefix: "arXiv" },
    });
    expect(arxiv.fields).not.toHaveProperty("url");
    const openalex = papers.get("openalex")!;
    expect(parseBibtexEntry(toBibtex(openalex[0]!)).fields.doi).toBe("10.48550/arxiv.1412.6980");
    expect(parseBibtexEntry(toBibtex(openalex[1]!)).fields).toMatchObject({
      booktitle: "International Conference on Learning Representations",
      url: "https://openreview.net/forum?id=ryQu7f-RZ",
    });
    expect(parseBibtexEntry(toBibtex(papers.get("offline")![0]!)).fields).not.toHaveProperty("url");
  });
});
