// The paper's bibliography: one BibTeX entry per cited work, each built from a literature source's answer (the
// novelty check's evidence or a citation round's search), never from a model's memory, and recorded as such for
// the provenance check. The seed's templates ship entries of their own in a filecontents block; those count as
// the template's.
import { toBibliography, type Paper } from "../../literature/index.ts";
import type { Reference } from "./rules-paper.ts";

export interface RecordedCitation {
  key: string;
  /** The literature source whose answer the entry came from ("offline", "semantic-scholar" ...), or "template". */
  source: string;
  id: string;
}

export interface Bibliography {
  /** Work id -> BibTeX key. */
  keys: Map<string, string>;
  /** The entries, "" when there are none. */
  bibtex: string;
  recorded: RecordedCitation[];
}

const asPaper = (r: Reference): Paper => ({
  id: r.id,
  title: r.title,
  abstract: "",
  authors: r.authors,
  venue: r.venue,
  year: r.year,
  citations: null,
  source: r.source ?? "literature",
  score: 0,
  doi: r.doi ?? null,
  arxivId: r.arxivId ?? null,
  url: r.url ?? null,
});

export function bibliographyOf(references: Reference[]): Bibliography {
  const { keys, bibtex } = toBibliography(references.map(asPaper));
  const recorded = references
    .filter((r, i) => references.findIndex((o) => o.id === r.id) === i)
    .map((r) => ({ key: keys.get(r.id)!, source: r.source ?? "literature", id: r.id }));
  return { keys, bibtex, recorded };
}

const FILECONTENTS = /\\begin\{filecontents\*?\}(?:\[[^\]]*\])?\{references\.bib\}([\s\S]*?)\\end\{filecontents\*?\}/;

/** The bib text of a .tex's filecontents block for references.bib, or null when it has none. */
export function filecontentsBib(tex: string): string | null {
  return FILECONTENTS.exec(tex)?.[1] ?? null;
}

/** The keys of the entries in a bib text, in order. */
export function bibKeys(bib: string): string[] {
  return [...bib.matchAll(/@[A-Za-z]+\s*\{\s*([^,\s]+)\s*,/g)].map((m) => m[1]!);
}

/** The bib text without the entries whose key is in `keys` (bibtex stops at a repeated entry). */
export function withoutEntries(bib: string, keys: ReadonlySet<string>): string {
  return bib
    .split(/(?=^@)/m)
    .filter((entry) => {
      const key = bibKeys(entry)[0];
      return key === undefined || !keys.has(key);
    })
    .join("");
}

/** The template's own entries (in its template.tex), recorded as coming from the template. */
export function templateCitations(templateTex: string): RecordedCitation[] {
  const bib = filecontentsBib(templateTex);
  return bib === null ? [] : bibKeys(bib).map((key) => ({ key, source: "template", id: key }));
}
