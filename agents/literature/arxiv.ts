/**
 * arXiv API search: `GET /api/query?search_query=all:...&max_results=` answered with an Atom feed. arXiv's
 * terms ask for at most one request every 3 seconds, so requests go through a 3 s token bucket.
 * arXiv reports a bad query as a feed holding one entry whose id is under /api/errors (with HTTP 400); that
 * becomes LITERATURE_REJECTED with arXiv's own explanation.
 */
import { checkLimit, LiteratureError } from "./errors.ts";
import { createHttpClient, type HttpSourceOptions } from "./http-client.ts";
import { createTokenBucket } from "./token-bucket.ts";
import type { LiteratureSource, Paper } from "./types.ts";
import { childElements, firstChild, parseXml, textOf, XmlError, type XmlElement } from "./xml-lite.ts";

export const ARXIV_BASE_URL = "https://export.arxiv.org";
/** Kept well under arXiv's 2,000-per-request cap: nobody reads more in one search. */
const MAX_LIMIT = 100;

export interface ArxivOptions extends HttpSourceOptions {
  /** Spacing of requests; default 3000 ms, as arXiv's API terms ask. */
  intervalMs?: number;
}

export interface ArxivEntry {
  /** "1412.6980" or "hep-ex/0307015": the abs id without its version suffix. */
  arxivId: string;
  title: string;
  summary: string;
  authors: string[];
  published: string;
  doi: string | null;
  url: string;
}

export interface ArxivFeed {
  entries: ArxivEntry[];
  /** arXiv's explanation when the feed is an error report, else null. */
  error: string | null;
}

/**
 * Build `search_query` from free text. Each word gets its own `all:` prefix because a prefix binds only the
 * term right after it, and the terms are ANDed, as a novelty check wants papers about all of the query;
 * characters that are arXiv query syntax (quotes, parentheses, colons) are dropped from the words.
 */
export function arxivSearchQuery(query: string): string {
  const terms = query
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}.\-]/gu, ""))
    .filter((word) => word !== "" && !/^(AND|OR|ANDNOT)$/.test(word));
  return terms.map((term) => `all:${term}`).join(" AND ");
}

/** "http://arxiv.org/abs/1412.6980v9" -> "1412.6980"; old-style "…/abs/hep-ex/0307015v1" -> "hep-ex/0307015". */
function arxivIdFromUrl(id: string): string {
  const match = /arxiv\.org\/abs\/(.+?)(v\d+)?$/.exec(id.trim());
  return match ? match[1]! : id.trim();
}

/** Parse an arXiv Atom feed; throws XmlError on malformed XML. */
export function parseArxivFeed(xml: string): ArxivFeed {
  const feed = parseXml(xml);
  if (feed.name !== "feed") throw new XmlError(`root element is <${feed.name}>, not <feed>`, 0);
  const entries: ArxivEntry[] = [];
  for (const entry of childElements(feed, "entry")) {
    const id = textOf(firstChild(entry, "id"));
    if (id.includes("/api/errors"))
      return { entries: [], error: textOf(firstChild(entry, "summary")) || "arXiv reported an error" };
    entries.push({
      arxivId: arxivIdFromUrl(id),
      title: textOf(firstChild(entry, "title")),
      summary: textOf(firstChild(entry, "summary")),
      authors: childElements(entry, "author")
        .map((author) => textOf(firstChild(author, "name")))
        .filter((author) => author !== ""),
      published: textOf(firstChild(entry, "published")),
      doi: textOf(firstChild(entry, "arxiv:doi")) || null,
      url: absLink(entry) ?? id,
    });
  }
  return { entries, error: null };
}

function absLink(entry: XmlElement): string | undefined {
  return childElements(entry, "link").find((link) => link.attributes.rel === "alternate")?.attributes.href;
}

/** Pulls arXiv's explanation out of an error feed, for http-client's error message. */
function describeArxivError(body: string): string | null {
  try {
    return parseArxivFeed(body).error;
  } catch {
    return null; // an error page that is not a feed: http-client shows the raw body instead
  }
}

export function createArxivSource(options: ArxivOptions = {}): LiteratureSource {
  const name = options.name ?? "arxiv";
  const baseUrl = options.baseUrl ?? ARXIV_BASE_URL;
  const limiter =
    options.limiter ??
    createTokenBucket({ intervalMs: options.intervalMs ?? 3000, ...(options.clock && { clock: options.clock }) });
  const http = createHttpClient({ ...options, name, limiter, describeError: describeArxivError });

  return {
    name,
    async search(query, { limit, signal }) {
      checkLimit(limit);
      const searchQuery = arxivSearchQuery(query);
      if (limit === 0 || searchQuery === "") return [];
      const url = new URL("/api/query", baseUrl);
      url.searchParams.set("search_query", searchQuery);
      url.searchParams.set("start", "0");
      url.searchParams.set("max_results", String(Math.min(limit, MAX_LIMIT)));
      url.searchParams.set("sortBy", "relevance");
      const body = await http.getText(url, { headers: { accept: "application/atom+xml" }, signal });
      let feed: ArxivFeed;
      try {
        feed = parseArxivFeed(body);
      } catch (error) {
        throw new LiteratureError(
          "LITERATURE_BAD_RESPONSE",
          `${name}: answer is not an Atom feed: ${(error as Error).message}`,
          { cause: error, source: name },
        );
      }
      if (feed.error !== null)
        throw new LiteratureError("LITERATURE_REJECTED", `${name}: ${feed.error}`, { source: name });
      const papers: Paper[] = [];
      for (const entry of feed.entries) {
        if (!entry.title) continue;
        const year = /^(\d{4})-/.exec(entry.published)?.[1];
        papers.push({
          id: entry.arxivId,
          title: entry.title,
          abstract: entry.summary,
          authors: entry.authors,
          venue: "arXiv",
          year: year ? Number(year) : null,
          citations: null, // arXiv does not count citations
          source: name,
          score: 1 / (papers.length + 1), // arXiv ranks by relevance but gives no score
          doi: entry.doi,
          arxivId: entry.arxivId,
          url: entry.url,
        });
        if (papers.length === limit) break;
      }
      return papers;
    },
  };
}
