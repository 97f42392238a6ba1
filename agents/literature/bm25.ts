/**
 * A small in-memory BM25 index over title + abstract. The title counts `titleBoost` times (a BM25F-style
 * field weight folded into term frequency and document length), because a query term in the title says far
 * more about a paper than the same term deep in its abstract.
 *
 * Postings are packed into typed arrays once the index is built: 31,800 abstracts make ~3.5M postings,
 * which as JS arrays of objects would cost several times the memory.
 */

// Generic English plus the words every abstract uses; kept small on purpose so that ML terms survive.
const STOP_WORDS = new Set(
  (
    "a an the of in on for to and or with by from as at is are was were be been being this that these those " +
    "we our us it its their they them which who whom can could may might will would should via using use used " +
    "into than then such not no nor also has have had do does did how what when where while both each other " +
    "more most some any all only very over under between about through paper propose proposed show shows"
  ).split(" "),
);

/**
 * Lower-case, strip accents and punctuation, drop stop words and one-letter tokens, and fold plain plurals
 * ("networks" -> "network", "dynamics" -> "dynamic") so a query need not match a paper's number.
 */
export function tokenize(text: string): string[] {
  // NFKD + accent stripping only when needed: most text is ASCII and this runs over every abstract.
  const plain = (
    /[^\x00-\x7f]/.test(text) ? text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "") : text
  ).toLowerCase();
  const tokens: string[] = [];
  for (const raw of plain.split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOP_WORDS.has(raw)) continue;
    tokens.push(foldPlural(raw));
  }
  return tokens;
}

function foldPlural(token: string): string {
  const n = token.length;
  if (n <= 3 || token.charCodeAt(n - 1) !== 115 /* s */) return token;
  if (n > 4 && token.endsWith("ies")) return `${token.slice(0, -3)}y`;
  const before = token.charCodeAt(n - 2);
  return before === 115 || before === 117 || before === 105 /* ss, us, is */ ? token : token.slice(0, -1);
}

export interface Bm25Options {
  /** Term-frequency saturation (1.2 is the usual default). */
  k1?: number;
  /** Length normalisation strength, 0..1 (0.75 is the usual default). */
  b?: number;
  /** How many times a title token counts relative to an abstract token. */
  titleBoost?: number;
}

export interface Bm25Hit {
  /** Index of the document in insertion order. */
  doc: number;
  score: number;
}

export interface Bm25Stats {
  documents: number;
  terms: number;
  postings: number;
}

export interface Bm25Index {
  readonly stats: Bm25Stats;
  /** Best `limit` documents for the query, highest score first; ties keep insertion order. */
  search(query: string, limit: number): Bm25Hit[];
}

export interface Bm25Builder {
  /** Add one document; returns its index. */
  add(title: string, abstract: string): number;
  /** Freeze the index; the builder must not be used afterwards. */
  finish(): Bm25Index;
}

export function createBm25Builder(options: Bm25Options = {}): Bm25Builder {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const titleBoost = options.titleBoost ?? 3;
  const termIds = new Map<string, number>();
  const postDocs: number[][] = [];
  const postTfs: number[][] = [];
  const docLengths: number[] = [];
  let finished = false;

  // Per-document term frequencies in a reusable dense scratch array (faster than a Map per document).
  let scratch = new Float64Array(1024);
  const present: number[] = [];
  const count = (text: string, weight: number): number => {
    const tokens = tokenize(text);
    for (const token of tokens) {
      let id = termIds.get(token);
      if (id === undefined) {
        id = postDocs.length;
        termIds.set(token, id);
        postDocs.push([]);
        postTfs.push([]);
        if (id >= scratch.length) {
          const grown = new Float64Array(scratch.length * 2);
          grown.set(scratch);
          scratch = grown;
        }
      }
      if (scratch[id] === 0) present.push(id);
      scratch[id] = scratch[id]! + weight;
    }
    return tokens.length * weight;
  };

  return {
    add(title, abstract) {
      if (finished) throw new Error("Bm25Builder.add after finish");
      const doc = docLengths.length;
      const length = count(title, titleBoost) + count(abstract, 1);
      for (const id of present) {
        postDocs[id]!.push(doc);
        postTfs[id]!.push(scratch[id]!);
        scratch[id] = 0;
      }
      present.length = 0;
      docLengths.push(length);
      return doc;
    },
    finish() {
      finished = true;
      const n = docLengths.length;
      const avgLength = n === 0 ? 1 : docLengths.reduce((sum, len) => sum + len, 0) / n || 1;
      // Precompute the per-document part of the BM25 denominator once.
      const norms = Float32Array.from(docLengths, (len) => k1 * (1 - b + (b * len) / avgLength));
      const docs = postDocs.map((list) => Uint32Array.from(list));
      const tfs = postTfs.map((list) => Float32Array.from(list));
      postDocs.length = 0;
      postTfs.length = 0;
      const stats: Bm25Stats = {
        documents: n,
        terms: termIds.size,
        postings: docs.reduce((sum, list) => sum + list.length, 0),
      };
      return {
        stats,
        search(query, limit) {
          if (limit <= 0 || n === 0) return [];
          const scores = new Float64Array(n);
          const touched: number[] = [];
          for (const term of new Set(tokenize(query))) {
            const id = termIds.get(term);
            if (id === undefined) continue;
            const termDocs = docs[id]!;
            const termTfs = tfs[id]!;
            const df = termDocs.length;
            const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (let i = 0; i < df; i++) {
              const doc = termDocs[i]!;
              const tf = termTfs[i]!;
              if (scores[doc] === 0) touched.push(doc);
              scores[doc] = scores[doc]! + (idf * tf * (k1 + 1)) / (tf + norms[doc]!);
            }
          }
          touched.sort((x, y) => scores[y]! - scores[x]! || x - y);
          return touched.slice(0, limit).map((doc) => ({ doc, score: scores[doc]! }));
        },
      };
    },
  };
}
