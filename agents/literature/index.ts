/** Public surface of agents/literature/: literature sources for novelty checks and citations. */
export type { Paper, SearchOptions, LiteratureSource, CorpusRecord, LiteratureLogger } from "./types.ts";
export {
  createOfflineCorpus,
  miniCorpusPath,
  type OfflineCorpus,
  type OfflineCorpusOptions,
  type OfflineCorpusStats,
} from "./offline-corpus.ts";
export {
  createBm25Builder,
  tokenize,
  type Bm25Builder,
  type Bm25Index,
  type Bm25Options,
  type Bm25Hit,
  type Bm25Stats,
} from "./bm25.ts";
export { toBibtex, toBibliography, bibtexKey, escapeBibtex } from "./bibtex.ts";
export {
  LiteratureError,
  isLiteratureError,
  type LiteratureErrorCode,
  type LiteratureErrorOptions,
  type SourceFailure,
} from "./errors.ts";
export { systemClock, type Clock } from "./clock.ts";
export { createTokenBucket, type RateLimiter, type TokenBucketOptions } from "./token-bucket.ts";
export { redactUrl, parseRetryAfter, type Fetch, type HttpSourceOptions, type RetryOptions } from "./http-client.ts";
export {
  createSemanticScholarSource,
  SEMANTIC_SCHOLAR_BASE_URL,
  SEMANTIC_SCHOLAR_FIELDS,
  type SemanticScholarOptions,
} from "./semantic-scholar.ts";
export { createOpenAlexSource, rebuildAbstract, OPENALEX_BASE_URL, type OpenAlexOptions } from "./openalex.ts";
export {
  createArxivSource,
  parseArxivFeed,
  arxivSearchQuery,
  ARXIV_BASE_URL,
  type ArxivOptions,
  type ArxivEntry,
  type ArxivFeed,
} from "./arxiv.ts";
export {
  createFallbackChain,
  type FallbackChain,
  type FallbackChainOptions,
  type ChainAnswer,
  type ChainAttempt,
} from "./fallback-chain.ts";
export { withCache, cacheKey, normalizeQuery, type CacheStore, type CacheOptions } from "./cached-source.ts";
export {
  createLiteratureSource,
  literatureSourceKinds,
  type LiteratureSourceSpec,
  type LiteratureSourceKind,
  type LiteratureDeps,
} from "./create-literature-source.ts";
