/**
 * Sources from plain specs, as config describes them. Keys arrive here as values: only config/ reads the
 * environment. A list of specs makes a fallback chain in that order.
 */
import type { Clock } from "./clock.ts";
import { LiteratureError } from "./errors.ts";
import { createArxivSource } from "./arxiv.ts";
import { createFallbackChain, type FallbackChain } from "./fallback-chain.ts";
import type { Fetch, HttpSourceOptions, RetryOptions } from "./http-client.ts";
import { createOfflineCorpus, miniCorpusPath } from "./offline-corpus.ts";
import { createOpenAlexSource } from "./openalex.ts";
import { createSemanticScholarSource } from "./semantic-scholar.ts";
import type { LiteratureLogger, LiteratureSource } from "./types.ts";

interface CommonSpec {
  /** Overrides the source's default name (which is its kind). */
  name?: string;
}
interface HttpSpec extends CommonSpec {
  baseUrl?: string;
  timeoutMs?: number;
  retry?: Omit<RetryOptions, "random">;
  /** Spacing between requests; each kind has its service's default. */
  intervalMs?: number;
}

export type LiteratureSourceSpec =
  | (HttpSpec & { kind: "semantic-scholar"; apiKey?: string | null })
  | (HttpSpec & { kind: "openalex"; apiKey?: string | null; mailto?: string | null })
  | (HttpSpec & { kind: "arxiv" })
  | (CommonSpec & {
      kind: "offline";
      /** Default: the bundled mini corpus. */ path?: string;
      fallbackPath?: string | null;
    });

export type LiteratureSourceKind = LiteratureSourceSpec["kind"];
export const literatureSourceKinds: readonly LiteratureSourceKind[] = [
  "semantic-scholar",
  "openalex",
  "arxiv",
  "offline",
];

/** What the host injects: the same for every source it builds. */
export interface LiteratureDeps {
  fetch?: Fetch;
  clock?: Clock;
  logger?: LiteratureLogger;
  timeoutSignal?: (ms: number) => AbortSignal;
  /** The chain's name, when `spec` is a list. */
  chainName?: string;
}

function httpOptions(spec: HttpSpec, deps: LiteratureDeps): HttpSourceOptions & { intervalMs?: number } {
  const { logger } = deps;
  return {
    ...(spec.name !== undefined && { name: spec.name }),
    ...(spec.baseUrl !== undefined && { baseUrl: spec.baseUrl }),
    ...(spec.timeoutMs !== undefined && { timeoutMs: spec.timeoutMs }),
    ...(spec.retry !== undefined && { retry: spec.retry }),
    ...(spec.intervalMs !== undefined && { intervalMs: spec.intervalMs }),
    ...(deps.fetch && { fetch: deps.fetch }),
    ...(deps.clock && { clock: deps.clock }),
    ...(deps.timeoutSignal && { timeoutSignal: deps.timeoutSignal }),
    ...(logger && {
      onRetry: ({ attempt, delayMs, error }) =>
        logger.warn(
          { source: error.source, attempt, delayMs, code: error.code, status: error.status },
          "retrying literature request",
        ),
    }),
  };
}

function createOne(spec: LiteratureSourceSpec, deps: LiteratureDeps): LiteratureSource {
  switch (spec.kind) {
    case "semantic-scholar":
      return createSemanticScholarSource({ ...httpOptions(spec, deps), apiKey: spec.apiKey ?? null });
    case "openalex":
      return createOpenAlexSource({
        ...httpOptions(spec, deps),
        apiKey: spec.apiKey ?? null,
        mailto: spec.mailto ?? null,
      });
    case "arxiv":
      return createArxivSource(httpOptions(spec, deps));
    case "offline":
      return createOfflineCorpus({
        path: spec.path ?? miniCorpusPath(),
        ...(spec.fallbackPath !== undefined && { fallbackPath: spec.fallbackPath }),
        ...(spec.name !== undefined && { name: spec.name }),
      });
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new LiteratureError(
        "LITERATURE_BAD_CONFIG",
        `unknown literature source kind ${JSON.stringify(kind)}; known kinds: ${literatureSourceKinds.join(", ")}`,
      );
    }
  }
}

/** One source from one spec; a fallback chain (in list order) from a list. */
export function createLiteratureSource(spec: LiteratureSourceSpec, deps?: LiteratureDeps): LiteratureSource;
export function createLiteratureSource(specs: readonly LiteratureSourceSpec[], deps?: LiteratureDeps): FallbackChain;
export function createLiteratureSource(
  spec: LiteratureSourceSpec | readonly LiteratureSourceSpec[],
  deps: LiteratureDeps = {},
): LiteratureSource {
  if (!isSpecList(spec)) return createOne(spec, deps);
  if (spec.length === 0)
    throw new LiteratureError("LITERATURE_BAD_CONFIG", "a literature source list needs at least one source");
  const sources = spec.map((one) => createOne(one, deps));
  const names = sources.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  // Two sources with one name would be indistinguishable in reports and would share cache keys.
  if (duplicate)
    throw new LiteratureError(
      "LITERATURE_BAD_CONFIG",
      `two literature sources are named "${duplicate}"; give one a distinct name`,
    );
  return createFallbackChain(sources, {
    ...(deps.logger && { logger: deps.logger }),
    ...(deps.chainName && { name: deps.chainName }),
  });
}

function isSpecList(
  spec: LiteratureSourceSpec | readonly LiteratureSourceSpec[],
): spec is readonly LiteratureSourceSpec[] {
  return Array.isArray(spec);
}
