/** The contract every literature source (offline corpus, Semantic Scholar, OpenAlex ...) implements. */

export interface Paper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  venue: string | null;
  year: number | null;
  /** Citation count where the source knows it. */
  citations: number | null;
  /** Name of the LiteratureSource that found it, e.g. "offline". */
  source: string;
  /** Relevance to the query as the source ranks it (BM25 for the offline corpus); higher is better. */
  score: number;
  /** Bare DOI ("10.1234/abc"), where the source knows it; BibTeX carries it. */
  doi?: string | null;
  /** arXiv identifier without version ("1412.6980"), where known; BibTeX carries it as the eprint. */
  arxivId?: string | null;
  /** Landing page of the paper, where known. */
  url?: string | null;
}

export interface SearchOptions {
  /** Most results to return (the seed asks for 10 per novelty round). */
  limit: number;
  signal?: AbortSignal;
}

export interface LiteratureSource {
  readonly name: string;
  search(query: string, opts: SearchOptions): Promise<Paper[]>;
}

/** One line of a corpus JSONL file, as the shared literature.jsonl holds it. */
export interface CorpusRecord {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  venue: string | null;
  year: number | null;
  citations: number | null;
}

/** The slice of a pino logger the literature layer uses; a pino Logger satisfies it. */
export interface LiteratureLogger {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
}
