/**
 * Semantic Scholar Graph API paper search (the seed's default engine):
 * `GET /graph/v1/paper/search?query=&limit=&fields=...`, with the key in `x-api-key` when one is given.
 * Requests go through a 1 request/s token bucket, the rate S2 grants a key (unauthenticated callers share
 * a pool and see 429s sooner; http-client.ts retries those within bounds).
 */
import { z } from "zod";
import { checkLimit, LiteratureError } from "./errors.ts";
import { createHttpClient, describeJsonError, parseJsonBody, type HttpSourceOptions } from "./http-client.ts";
import { createTokenBucket } from "./token-bucket.ts";
import type { LiteratureSource, Paper } from "./types.ts";

export const SEMANTIC_SCHOLAR_BASE_URL = "https://api.semanticscholar.org";
export const SEMANTIC_SCHOLAR_FIELDS = "title,abstract,authors,venue,year,citationCount,externalIds";
/** The search endpoint's own cap on `limit`. */
const MAX_LIMIT = 100;

export interface SemanticScholarOptions extends HttpSourceOptions {
  /** Sent as `x-api-key`; without it requests go to the shared unauthenticated pool. */
  apiKey?: string | null;
  /** Spacing of requests; default 1000 ms (1 request/s). */
  intervalMs?: number;
}

// Only the fields we ask for; everything may be null in S2's data, and a zero-hit answer has no `data` at all.
const s2Paper = z.object({
  paperId: z.string(),
  title: z.string().nullish(),
  abstract: z.string().nullish(),
  venue: z.string().nullish(),
  year: z.number().int().nullish(),
  citationCount: z.number().nullish(),
  authors: z.array(z.object({ name: z.string().nullish() })).nullish(),
  externalIds: z.record(z.string(), z.union([z.string(), z.number()]).nullable()).nullish(),
});
const s2SearchAnswer = z.object({ total: z.number().optional(), data: z.array(s2Paper).optional() });

export function createSemanticScholarSource(options: SemanticScholarOptions = {}): LiteratureSource {
  const name = options.name ?? "semantic-scholar";
  const baseUrl = options.baseUrl ?? SEMANTIC_SCHOLAR_BASE_URL;
  const limiter =
    options.limiter ??
    createTokenBucket({ intervalMs: options.intervalMs ?? 1000, ...(options.clock && { clock: options.clock }) });
  const http = createHttpClient({ ...options, name, limiter, describeError: describeJsonError });
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.apiKey) headers["x-api-key"] = options.apiKey;

  return {
    name,
    async search(query, { limit, signal }) {
      checkLimit(limit);
      // The endpoint's documentation: hyphenated terms match nothing, spaces in their place do.
      const text = query.replace(/-/g, " ").replace(/\s+/g, " ").trim();
      if (limit === 0 || text === "") return [];
      const url = new URL("/graph/v1/paper/search", baseUrl);
      url.searchParams.set("query", text);
      url.searchParams.set("limit", String(Math.min(limit, MAX_LIMIT)));
      url.searchParams.set("fields", SEMANTIC_SCHOLAR_FIELDS);
      const body = await http.getText(url, { headers, signal });
      const parsed = s2SearchAnswer.safeParse(parseJsonBody(body, name));
      if (!parsed.success) {
        throw new LiteratureError(
          "LITERATURE_BAD_RESPONSE",
          `${name}: unexpected search answer: ${parsed.error.message.slice(0, 300)}`,
          { source: name },
        );
      }
      const papers: Paper[] = [];
      for (const item of parsed.data.data ?? []) {
        const title = item.title?.trim();
        if (!title) continue; // a paper without a title can be neither judged nor cited
        const ids = item.externalIds ?? {};
        papers.push({
          id: item.paperId,
          title,
          abstract: item.abstract?.trim() ?? "",
          authors: (item.authors ?? []).map((a) => a.name?.trim() ?? "").filter((a) => a !== ""),
          venue: item.venue?.trim() || null,
          year: item.year ?? null,
          citations: item.citationCount ?? null,
          source: name,
          // S2 ranks but does not score: reciprocal rank keeps "higher is better" and the order.
          score: 1 / (papers.length + 1),
          doi: typeof ids.DOI === "string" ? ids.DOI : null,
          arxivId: typeof ids.ArXiv === "string" ? ids.ArXiv : null,
          url: `https://www.semanticscholar.org/paper/${item.paperId}`,
        });
        if (papers.length === limit) break;
      }
      return papers;
    },
  };
}
