import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineCorpus, isLiteratureError, miniCorpusPath, type LiteratureSource } from "./index.ts";

/** The shared corpus sits beside the repository (../shared/data), never inside it. */
const SHARED_CORPUS = fileURLToPath(new URL("../../../shared/data/literature.jsonl", import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "literature-test-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function jsonl(name: string, lines: string[]): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

const record = (id: string, title: string, abstract = "", extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, title, abstract, authors: ["Ada Lovelace"], venue: "ICML", year: 2020, ...extra });

describe("offline corpus", () => {
  it("satisfies the LiteratureSource contract and fills every Paper field", async () => {
    const source: LiteratureSource = createOfflineCorpus({ path: miniCorpusPath() });
    const [top] = await source.search("adam stochastic optimization", { limit: 3 });
    expect(top).toEqual({
      id: "mini-kingma2015adam",
      title: "Adam: A Method for Stochastic Optimization",
      abstract: expect.stringContaining("moments"),
      authors: ["Diederik P. Kingma", "Jimmy Ba"],
      venue: "ICLR",
      year: 2015,
      citations: null,
      source: "offline",
      score: expect.any(Number),
    });
  });

  it("falls back to the bundled mini corpus when the file is absent", async () => {
    const corpus = createOfflineCorpus({ path: join(scratch, "does-not-exist.jsonl") });
    const hits = await corpus.search("label noise robust training", { limit: 5 });
    expect(hits.length).toBe(5);
    expect(hits.some((p) => /noisy labels|label noise/i.test(p.title))).toBe(true);
    expect(corpus.stats()).toMatchObject({ usedFallback: true, path: miniCorpusPath(), skippedLines: 0 });
    expect(corpus.stats()!.documents).toBeGreaterThanOrEqual(40);
  });

  it("fails with LITERATURE_CORPUS_MISSING when no fallback is allowed", async () => {
    const corpus = createOfflineCorpus({ path: join(scratch, "nope.jsonl"), fallbackPath: null });
    await expect(corpus.search("x", { limit: 1 })).rejects.toMatchObject({
      code: "LITERATURE_CORPUS_MISSING",
      retryable: false,
    });
  });

  it("skips bad lines by default and counts them with their line numbers", async () => {
    const path = await jsonl("bad.jsonl", [
      record("a", "Momentum methods"),
      "{ not json",
      "",
      JSON.stringify({ id: "b", abstract: "no title" }),
      record("c", "Weight decay", "", { citations: -1 }),
      record("a", "Duplicate id"),
    ]);
    const corpus = createOfflineCorpus({ path, fallbackPath: null });
    const stats = await corpus.load();
    expect(stats).toMatchObject({
      documents: 2,
      skippedLines: 2,
      skippedLineNumbers: [2, 4],
      duplicateIds: 1,
      usedFallback: false,
    });
    const [decay] = await corpus.search("weight decay", { limit: 1 });
    expect(decay).toMatchObject({ id: "c", citations: null }); // -1 means unknown
  });

  it("names the line of the first bad record in strict mode", async () => {
    const path = await jsonl("strict.jsonl", [
      record("a", "Fine"),
      record("b", "Fine too"),
      JSON.stringify({ id: "c", title: "x", year: "2020" }),
    ]);
    const error = await createOfflineCorpus({ path, badLines: "throw" })
      .load()
      .catch((e: unknown) => e);
    expect(isLiteratureError(error, "LITERATURE_BAD_LINE")).toBe(true);
    expect(error).toMatchObject({ line: 3, message: expect.stringContaining("line 3: year") });
  });

  it("loads and indexes once, even for concurrent first searches", async () => {
    const corpus = createOfflineCorpus({ path: miniCorpusPath() });
    expect(corpus.stats()).toBeNull();
    const [a, b] = await Promise.all([
      corpus.search("initialization", { limit: 2 }),
      corpus.search("momentum", { limit: 2 }),
    ]);
    expect(a.length + b.length).toBe(4);
    const first = corpus.stats();
    await corpus.search("dropout", { limit: 1 });
    expect(corpus.stats()).toBe(first);
    expect(await corpus.load()).toBe(first);
  });

  it("returns copies, so a caller cannot change the corpus", async () => {
    const corpus = createOfflineCorpus({ path: miniCorpusPath() });
    const [hit] = await corpus.search("dropout overfitting", { limit: 1 });
    hit!.authors.push("Mallory");
    const [again] = await corpus.search("dropout overfitting", { limit: 1 });
    expect(again!.authors).not.toContain("Mallory");
  });

  it("rejects with LITERATURE_ABORTED when the signal fires, and refuses a bad limit", async () => {
    const corpus = createOfflineCorpus({ path: miniCorpusPath() });
    await expect(corpus.search("adam", { limit: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "LITERATURE_ABORTED",
    });
    await expect(corpus.search("adam", { limit: -1 })).rejects.toMatchObject({ code: "LITERATURE_BAD_REQUEST" });
    await expect(corpus.search("adam", { limit: 0 })).resolves.toEqual([]);
    expect(await corpus.search("the of and", { limit: 5 })).toEqual([]);
  });
});

if (!existsSync(SHARED_CORPUS))
  console.warn(`\n!!! ${SHARED_CORPUS} is absent: the shared-corpus tests are SKIPPED.\n`);

describe.skipIf(!existsSync(SHARED_CORPUS))("offline corpus on the shared 31,800-paper file", () => {
  it("loads, indexes and finds well-known papers", async () => {
    const corpus = createOfflineCorpus({ path: SHARED_CORPUS, fallbackPath: null });
    const stats = await corpus.load();
    expect(stats.documents).toBeGreaterThan(30_000);
    expect(stats.skippedLines).toBe(0);
    const started = performance.now();
    const hits = await corpus.search("gradient descent edge of stability sharpness", { limit: 10 });
    const searchMs = performance.now() - started;
    console.info(
      `shared corpus: ${stats.documents} papers, load ${stats.loadMs} ms, index ${stats.indexMs} ms, search ${searchMs.toFixed(1)} ms`,
    );
    expect(hits).toHaveLength(10);
    expect(hits.map((p) => p.title)).toContain(
      "Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability",
    );
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[9]!.score);
    expect(searchMs).toBeLessThan(1000);
  });
});
