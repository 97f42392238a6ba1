import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createLiteratureSource,
  literatureSourceKinds,
  miniCorpusPath,
  type FallbackChain,
  type LiteratureSourceSpec,
} from "./index.ts";
import { createFakeClock } from "./testing/fake-clock.ts";
import { startFixtureServer, type FixtureServer } from "./testing/fixture-server.ts";
import { fixturePath, readFixture } from "./testing/fixtures.ts";

let s2: FixtureServer;
let openalex: FixtureServer;
let arxiv: FixtureServer;
beforeEach(async () => {
  [s2, openalex, arxiv] = await Promise.all([
    startFixtureServer({ body: readFixture("semantic-scholar-search.json") }),
    startFixtureServer({ body: readFixture("openalex-works.json") }),
    startFixtureServer({ body: readFixture("arxiv-query.xml") }),
  ]);
});
afterEach(async () => {
  await Promise.all([s2.close(), openalex.close(), arxiv.close()]);
});

describe("createLiteratureSource", () => {
  it("builds each kind from a spec, passing keys through as values", async () => {
    const deps = { clock: createFakeClock() };
    const specs: LiteratureSourceSpec[] = [
      { kind: "semantic-scholar", apiKey: "s2-key", baseUrl: s2.baseUrl },
      { kind: "openalex", apiKey: "oa-key", mailto: "lab@example.org", baseUrl: openalex.baseUrl },
      { kind: "arxiv", baseUrl: arxiv.baseUrl },
      { kind: "offline", path: fixturePath("offline-corpus.jsonl") },
    ];
    for (const spec of specs) {
      const source = createLiteratureSource(spec, deps);
      expect(source.name).toBe(spec.kind);
      expect(await source.search("adam optimization", { limit: 2 })).toHaveLength(2);
    }
    expect(s2.requests[0]!.headers["x-api-key"]).toBe("s2-key");
    expect(openalex.requests[0]!.url.searchParams.get("api_key")).toBe("oa-key");
    expect(openalex.requests[0]!.url.searchParams.get("mailto")).toBe("lab@example.org");
  });

  it("makes a fallback chain, in order, from a list", async () => {
    s2.setDefault({ status: 500, body: "{}" });
    const chain: FallbackChain = createLiteratureSource(
      [
        { kind: "semantic-scholar", baseUrl: s2.baseUrl, retry: { maxRetries: 0 } },
        { kind: "openalex", baseUrl: openalex.baseUrl },
      ],
      { clock: createFakeClock() },
    );
    expect(chain.sources.map((s) => s.name)).toEqual(["semantic-scholar", "openalex"]);
    const report = await chain.searchWithReport("adam", { limit: 1 });
    expect(report.answeredBy).toBe("openalex");
  });

  it("uses the bundled mini corpus for an offline spec without a path", async () => {
    const offline = createLiteratureSource({ kind: "offline" });
    const [hit] = await offline.search("adam stochastic optimization", { limit: 1 });
    expect(hit!.id).toBe("mini-kingma2015adam");
    expect(miniCorpusPath()).toMatch(/mini-corpus\.jsonl$/);
  });

  it("refuses an unknown kind, naming the known ones", () => {
    const bad = { kind: "google-scholar" } as unknown as LiteratureSourceSpec;
    expect(() => createLiteratureSource(bad)).toThrow(
      expect.objectContaining({
        code: "LITERATURE_BAD_CONFIG",
        message: expect.stringContaining(literatureSourceKinds.join(", ")),
      }),
    );
  });

  it("refuses an empty list and two sources with one name", () => {
    expect(() => createLiteratureSource([])).toThrow(expect.objectContaining({ code: "LITERATURE_BAD_CONFIG" }));
    expect(() => createLiteratureSource([{ kind: "offline" }, { kind: "offline" }])).toThrow(
      expect.objectContaining({ code: "LITERATURE_BAD_CONFIG", message: expect.stringContaining('"offline"') }),
    );
    expect(
      createLiteratureSource([{ kind: "offline" }, { kind: "offline", name: "offline-shared" }]).sources,
    ).toHaveLength(2);
  });
});
