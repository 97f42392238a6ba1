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
