/**
 * A configured order of literature sources, e.g. Semantic Scholar, then OpenAlex, then the offline corpus.
 * Each search walks the chain until a source returns papers. A source's failure (rate limit, outage, a bad
 * key, a missing corpus) moves the search on, because it says something about that source, not about the
 * query; only the caller's own faults stop the walk (an abort, a bad limit). An empty answer moves on too:
 * a small offline corpus or a strict arXiv query finding nothing is no evidence that nothing exists.
 */
import { abortedError, checkLimit, isLiteratureError, LiteratureError, type SourceFailure } from "./errors.ts";
import type { LiteratureLogger, LiteratureSource, Paper, SearchOptions } from "./types.ts";

export interface ChainAttempt {
  source: string;
  outcome: "answered" | "empty" | "failed";
  error?: LiteratureError;
}

export interface ChainAnswer {
  papers: Paper[];
  /** The source whose papers these are; null when every source answered empty (or failed and some were empty). */
  answeredBy: string | null;
  /** Every source tried, in order. */
  attempts: ChainAttempt[];
}

export interface FallbackChain extends LiteratureSource {
  readonly sources: readonly LiteratureSource[];
  /** The same search, also saying which source answered and what happened to the others. */
  searchWithReport(query: string, opts: SearchOptions): Promise<ChainAnswer>;
}

export interface FallbackChainOptions {
  /** Default: "chain(" + the source names + ")". */
  name?: string;
  logger?: LiteratureLogger;
}

/** Errors that are the caller's doing: no other source would do better, so the walk stops. */
function stopsTheChain(error: LiteratureError): boolean {
  return error.code === "LITERATURE_ABORTED" || error.code === "LITERATURE_BAD_REQUEST";
}

function asLiteratureError(error: unknown, source: string): LiteratureError {
  if (isLiteratureError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LiteratureError("LITERATURE_SOURCE_FAILED", `${source}: ${message}`, { cause: error, source });
}

export function createFallbackChain(
  sources: readonly LiteratureSource[],
  options: FallbackChainOptions = {},
): FallbackChain {
  if (sources.length === 0)
    throw new LiteratureError("LITERATURE_BAD_CONFIG", "a fallback chain needs at least one source");
  const chainSources = [...sources];
  const name = options.name ?? `chain(${chainSources.map((s) => s.name).join(",")})`;
  const { logger } = options;

  async function searchWithReport(query: string, opts: SearchOptions): Promise<ChainAnswer> {
    checkLimit(opts.limit);
    const attempts: ChainAttempt[] = [];
    for (const source of chainSources) {
      if (opts.signal?.aborted) throw abortedError(opts.signal, name);
      let papers: Paper[];
      try {
        papers = await source.search(query, opts);
      } catch (thrown) {
        const error = asLiteratureError(thrown, source.name);
        if (stopsTheChain(error) || opts.signal?.aborted) throw error;
        attempts.push({ source: source.name, outcome: "failed", error });
        logger?.warn(
          { chain: name, source: source.name, code: error.code, retryable: error.retryable, err: error },
          "literature source failed; trying the next one",
        );
        continue;
      }
      if (papers.length === 0 && opts.limit > 0) {
        attempts.push({ source: source.name, outcome: "empty" });
        continue;
      }
      attempts.push({ source: source.name, outcome: "answered" });
      if (attempts.length > 1)
        logger?.info(
          { chain: name, answeredBy: source.name, attempts: attempts.map((a) => `${a.source}:${a.outcome}`) },
          "literature answered by a fallback source",
        );
      return { papers, answeredBy: source.name, attempts };
    }
    const failures: SourceFailure[] = attempts.flatMap((a) => (a.error ? [{ source: a.source, error: a.error }] : []));
    if (failures.length === attempts.length) {
      const detail = failures.map((f) => `${f.source}: ${f.error.code} (${f.error.message})`).join("; ");
      throw new LiteratureError("LITERATURE_UNAVAILABLE", `every literature source failed — ${detail}`, {
        source: name,
        // Worth retrying later if any source's failure was transient.
        retryable: failures.some((f) => f.error.retryable),
        failures,
        cause: new AggregateError(
          failures.map((f) => f.error),
          "literature source failures",
        ),
      });
    }
    // At least one source answered, with nothing: that is an answer, not an outage.
    return { papers: [], answeredBy: null, attempts };
  }

  return {
    name,
    sources: chainSources,
    searchWithReport,
    async search(query, opts) {
      return (await searchWithReport(query, opts)).papers;
    },
  };
}
