/**
 * OpenAlex works search: `GET /works?search=&per-page=&api_key=&mailto=`. OpenAlex does not ship abstracts as
 * text (publishers' terms): it ships an inverted index `{ word: [positions] }`, rebuilt here into the text.
 * The seed's OpenAlex path dropped the citation; every Paper here carries what toBibtex needs.
 */
import { z } from "zod";
import { checkLimit, LiteratureError } from "./errors.ts";
import { createHttpClient, describeJsonError, parseJsonBody, type HttpSourceOptions } from "./http-client.ts";
import { createTokenBucket } from "./token-bucket.ts";
import type { LiteratureSource, Paper } from "./types.ts";

export const OPENALEX_BASE_URL = "https://api.openalex.org";
/** `per-page` cap of the works endpoint. */
const MAX_LIMIT = 200;
/** Root-level fields we read: `select` keeps each answer small. relevance_score is read when present but not
 * selected, as it exists only on search answers and is not a documented select field. */
const SELECT =
  "id,doi,title,display_name,publication_year,cited_by_count,authorships,primary_location,abstract_inverted_index";
/** An abstract longer than this many words is not an abstract: a guard against a hostile position list. */
const MAX_ABSTRACT_WORDS = 20_000;

export interface OpenAlexOptions extends HttpSourceOptions {
  /** Sent as the `api_key` query parameter (OpenAlex takes it there, not in a header). */
  apiKey?: string | null;
  /** Sent as `mailto`, which puts requests in OpenAlex's "polite pool". */
  mailto?: string | null;
  /** Spacing of requests; default 100 ms (OpenAlex allows 10 requests/s). */
  intervalMs?: number;
}

const work = z.object({
  id: z.string(),
  doi: z.string().nullish(),
  title: z.string().nullish(),
  display_name: z.string().nullish(),
  publication_year: z.number().int().nullish(),
  cited_by_count: z.number().nullish(),
  relevance_score: z.number().nullish(),
  authorships: z
    .array(
      z.object({
        author: z.object({ display_name: z.string().nullish() }).nullish(),
        raw_author_name: z.string().nullish(),
      }),
    )
    .nullish(),
  primary_location: z
    .object({
      landing_page_url: z.string().nullish(),
      source: z.object({ display_name: z.string().nullish() }).nullish(),
    })
    .nullish(),
  abstract_inverted_index: z.record(z.string(), z.array(z.number())).nullish(),
});
const worksAnswer = z.object({ results: z.array(work) });

/** `{ "Deep": [0], "nets": [1, 4], ... }` -> "Deep nets ... nets". Gaps (words OpenAlex dropped) are skipped. */
export function rebuildAbstract(index: Record<string, number[]> | null | undefined): string {
  if (!index) return "";
  const words = new Map<number, string>();
  for (const [word, positions] of Object.entries(index)) {
    for (const position of positions) {
      if (Number.isInteger(position) && position >= 0 && words.size < MAX_ABSTRACT_WORDS) words.set(position, word);
    }
  }
  return [...words.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, word]) => word)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/** OpenAlex titles keep publishers' inline markup (`<i>E. coli</i>`, `<sub>2</sub>`); a citation wants text. */
function plainTitle(title: string): string {
  return title
    .replace(/<\/?[a-z][a-z0-9]*(\s[^<>]*)?>/gi, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function createOpenAlexSource(options: OpenAlexOptions = {}): LiteratureSource {
  const name = options.name ?? "openalex";
  const baseUrl = options.baseUrl ?? OPENALEX_BASE_URL;
  const limiter =
    options.limiter ??
    createTokenBucket({ intervalMs: options.intervalMs ?? 100, ...(options.clock && { clock: options.clock }) });
  const http = createHttpClient({ ...options, name, limiter, describeError: describeJsonError });

  return {
    name,
    async search(query, { limit, signal }) {
      checkLimit(limit);
      if (limit === 0) return [];
      const url = new URL("/works", baseUrl);
      url.searchParams.set("search", query);
      url.searchParams.set("per-page", String(Math.min(limit, MAX_LIMIT)));
      url.searchParams.set("select", SELECT);
      if (options.apiKey) url.searchParams.set("api_key", options.apiKey);
      if (options.mailto) url.searchParams.set("mailto", options.mailto);
      const body = await http.getText(url, { headers: { accept: "application/json" }, signal });
      const parsed = worksAnswer.safeParse(parseJsonBody(body, name));
      if (!parsed.success) {
        throw new LiteratureError(
          "LITERATURE_BAD_RESPONSE",
          `${name}: unexpected works answer: ${parsed.error.message.slice(0, 300)}`,
          { source: name },
        );
      }
      const papers: Paper[] = [];
      for (const item of parsed.data.results) {
        const title = plainTitle(item.title ?? item.display_name ?? "");
        if (!title) continue;
        const authors = (item.authorships ?? [])
          .map((a) => (a.author?.display_name ?? a.raw_author_name ?? "").trim())
          .filter((a) => a !== "");
        papers.push({
          // "https://openalex.org/W2741809807" -> "W2741809807"
          id: item.id.replace(/^https?:\/\/openalex\.org\//, ""),
          title,
          abstract: rebuildAbstract(item.abstract_inverted_index),
          authors,
          venue: item.primary_location?.source?.display_name?.trim() || null,
          year: item.publication_year ?? null,
          citations: item.cited_by_count ?? null,
          source: name,
          score: item.relevance_score ?? 1 / (papers.length + 1),
          doi: item.doi ? item.doi.replace(/^https?:\/\/(dx\.)?doi\.org\//i, "") : null,
          arxivId: null,
          url: item.primary_location?.landing_page_url ?? item.id,
        });
        if (papers.length === limit) break;
      }
      return papers;
    },
  };
}
