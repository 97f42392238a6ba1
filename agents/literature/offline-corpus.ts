/**
 * An offline literature source: a JSONL file of papers searched with BM25, so novelty checks and citations
 * work with no network and no API key. The file is read and indexed lazily, once, on the first search
 * (concurrent first searches share that one load).
 *
 * Bad lines: by default a line that is not JSON or not a paper record is skipped and counted
 * (`stats().skippedLines`, with the first line numbers in `skippedLineNumbers`), because one corrupt line
 * in a 30k-paper reference file should not stop novelty checking. `badLines: "throw"` makes the first bad
 * line a LITERATURE_BAD_LINE error naming its line number instead.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createBm25Builder, type Bm25Index, type Bm25Options } from "./bm25.ts";
import { LiteratureError } from "./errors.ts";
import type { CorpusRecord, LiteratureSource, Paper, SearchOptions } from "./types.ts";

export interface OfflineCorpusOptions {
  /** JSONL file of `{ id, title, abstract, authors, venue, year, citations? }`. */
  path: string;
  /** Corpus used when `path` does not exist; default: the bundled mini corpus; null: fail instead. */
  fallbackPath?: string | null;
  /** Source name stamped on every Paper; default "offline". */
  name?: string;
  badLines?: "skip" | "throw";
  bm25?: Bm25Options;
}

export interface OfflineCorpusStats {
  /** The file actually loaded (the fallback when `path` was absent). */
  path: string;
  usedFallback: boolean;
  documents: number;
  terms: number;
  postings: number;
  skippedLines: number;
  /** First few 1-based line numbers that were skipped. */
  skippedLineNumbers: number[];
  /** Lines whose id repeated an earlier line's; the first one wins. */
  duplicateIds: number;
  /** Reading and parsing the file. */
  loadMs: number;
  /** Building the BM25 index. */
  indexMs: number;
}

export interface OfflineCorpus extends LiteratureSource {
  /** Load and index now (otherwise the first search does); resolves to the corpus stats. */
  load(): Promise<OfflineCorpusStats>;
  /** Stats once loaded, else null. */
  stats(): OfflineCorpusStats | null;
}

/** The small bundled corpus of classic ML papers, used when the shared corpus is absent. */
export function miniCorpusPath(): string {
  return fileURLToPath(new URL("./data/mini-corpus.jsonl", import.meta.url));
}

const YIELD_EVERY = 2000; // lines between event-loop yields while loading, so a host's other work goes on
const MAX_SKIPPED_LINE_NUMBERS = 10;

interface Loaded {
  records: CorpusRecord[];
  index: Bm25Index;
  stats: OfflineCorpusStats;
}

export function createOfflineCorpus(options: OfflineCorpusOptions): OfflineCorpus {
  const name = options.name ?? "offline";
  const fallbackPath = options.fallbackPath === undefined ? miniCorpusPath() : options.fallbackPath;
  let loading: Promise<Loaded> | null = null;
  let loaded: Loaded | null = null;

  const ensureLoaded = (): Promise<Loaded> => {
    loading ??= loadCorpus(options.path, fallbackPath, options).then(
      (result) => (loaded = result),
      (error: unknown) => {
        loading = null; // let a later search retry (the file may have been fixed or mounted since)
        throw error;
      },
    );
    return loading;
  };

  return {
    name,
    async load() {
      return (await ensureLoaded()).stats;
    },
    stats() {
      return loaded?.stats ?? null;
    },
    async search(query: string, opts: SearchOptions): Promise<Paper[]> {
      const { limit, signal } = opts;
      if (!Number.isInteger(limit) || limit < 0) {
        throw new LiteratureError("LITERATURE_BAD_REQUEST", `limit must be a whole number >= 0, got ${limit}`);
      }
      throwIfAborted(signal);
      // The shared load is not cancelled by one caller's signal; only this caller stops waiting.
      const { records, index } = await raceAbort(ensureLoaded(), signal);
      throwIfAborted(signal);
      return index.search(query, limit).map(({ doc, score }) => {
        const record = records[doc]!;
        return { ...record, authors: [...record.authors], source: name, score };
      });
    },
  };
}

async function loadCorpus(path: string, fallbackPath: string | null, options: OfflineCorpusOptions): Promise<Loaded> {
  const started = performance.now();
  let text: string;
  let usedPath = path;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    if (!missing) {
      throw new LiteratureError(
        "LITERATURE_CORPUS_UNREADABLE",
        `corpus ${path} cannot be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (fallbackPath === null) {
      throw new LiteratureError(
        "LITERATURE_CORPUS_MISSING",
        `corpus ${path} does not exist and no fallback corpus is allowed`,
        { cause: error },
      );
    }
    usedPath = fallbackPath;
    try {
      text = await readFile(fallbackPath, "utf8");
    } catch (fallbackError) {
      throw new LiteratureError(
        "LITERATURE_CORPUS_MISSING",
        `corpus ${path} does not exist, nor does the fallback ${fallbackPath}`,
        {
          cause: fallbackError,
        },
      );
    }
  }

  const records: CorpusRecord[] = [];
  const seen = new Set<string>();
  const skippedLineNumbers: number[] = [];
  let skippedLines = 0;
  let duplicateIds = 0;
  // Walk the text line by line rather than split() it, so 31,800 line copies never exist at once.
  let lineNumber = 0;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end).trim();
    start = end + 1;
    lineNumber += 1;
    if (lineNumber % YIELD_EVERY === 0) await yieldToEventLoop();
    if (line === "") continue;
    let record: CorpusRecord | string;
    try {
      record = toRecord(JSON.parse(line));
    } catch (error) {
      record = `not JSON (${(error as Error).message})`;
    }
    if (typeof record === "string") {
      if (options.badLines === "throw") {
        throw new LiteratureError("LITERATURE_BAD_LINE", `${usedPath} line ${lineNumber}: ${record}`, {
          line: lineNumber,
        });
      }
      skippedLines += 1;
      if (skippedLineNumbers.length < MAX_SKIPPED_LINE_NUMBERS) skippedLineNumbers.push(lineNumber);
      continue;
    }
    if (seen.has(record.id)) {
      duplicateIds += 1;
      continue;
    }
    seen.add(record.id);
    records.push(record);
  }
  const parsed = performance.now();

  const builder = createBm25Builder(options.bm25);
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    builder.add(records[i]!.title, records[i]!.abstract);
  }
  const index = builder.finish();
  const stats: OfflineCorpusStats = {
    path: usedPath,
    usedFallback: usedPath !== path,
    ...index.stats,
    skippedLines,
    skippedLineNumbers,
    duplicateIds,
    loadMs: Math.round(parsed - started),
    indexMs: Math.round(performance.now() - parsed),
  };
  return { records, index, stats };
}

/** A CorpusRecord, or the reason the value is not one. Missing optional fields become empty/null. */
function toRecord(raw: unknown): CorpusRecord | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not a JSON object";
  const r = raw as Record<string, unknown>;
  const id = typeof r.id === "number" ? String(r.id) : r.id;
  if (typeof id !== "string" || id === "") return "id must be a non-empty string";
  if (typeof r.title !== "string" || r.title.trim() === "") return "title must be a non-empty string";
  if (r.abstract != null && typeof r.abstract !== "string") return "abstract must be a string";
  if (r.authors != null && !(Array.isArray(r.authors) && r.authors.every((a) => typeof a === "string"))) {
    return "authors must be an array of strings";
  }
  if (r.venue != null && typeof r.venue !== "string") return "venue must be a string or null";
  if (r.year != null && !Number.isInteger(r.year)) return "year must be a whole number or null";
  if (r.citations != null && typeof r.citations !== "number") return "citations must be a number or null";
  return {
    id,
    title: r.title.trim(),
    abstract: (r.abstract as string | null | undefined) ?? "",
    authors: (r.authors as string[] | null | undefined) ?? [],
    venue: (r.venue as string | null | undefined) || null,
    year: (r.year as number | null | undefined) ?? null,
    // Some listings write -1 for "unknown" (1,682 lines of the shared corpus do): that is null, not zero.
    citations: typeof r.citations === "number" && r.citations >= 0 ? r.citations : null,
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function abortError(signal: AbortSignal): LiteratureError {
  return new LiteratureError("LITERATURE_ABORTED", "literature search aborted", { cause: signal.reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
