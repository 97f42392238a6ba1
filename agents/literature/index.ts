/** Public surface of agents/literature/: literature sources for novelty checks and citations. */
export type { Paper, SearchOptions, LiteratureSource, CorpusRecord } from "./types.ts";
export { createOfflineCorpus, miniCorpusPath, type OfflineCorpus, type OfflineCorpusOptions, type OfflineCorpusStats } from "./offline-corpus.ts";
export { createBm25Builder, tokenize, type Bm25Builder, type Bm25Index, type Bm25Options, type Bm25Hit, type Bm25Stats } from "./bm25.ts";
export { toBibtex, toBibliography, bibtexKey, escapeBibtex } from "./bibtex.ts";
export { LiteratureError, isLiteratureError, type LiteratureErrorCode } from "./errors.ts";
