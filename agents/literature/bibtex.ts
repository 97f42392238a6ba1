/**
 * BibTeX for found papers. The key is derived from the paper alone (first author's surname, year, first
 * significant title word: `kingma2015adam`), so the same paper gets the same key in every draft and every
 * citation round, and the writer can cite it before the entry is even added.
 */
import type { Paper } from "./types.ts";

const TITLE_SKIP = new Set([
  "a",
  "an",
  "the",
  "on",
  "of",
  "in",
  "for",
  "to",
  "and",
  "towards",
  "toward",
  "with",
  "from",
  "via",
  "is",
  "are",
  "do",
  "does",
  "can",
  "what",
  "how",
  "when",
  "why",
]);

function ascii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

/** "Diederik P. Kingma" -> "Kingma"; "Kingma, Diederik P." -> "Kingma". */
function surname(author: string): string {
  const name = author.trim();
  if (name.includes(",")) return name.split(",")[0]!.trim();
  const parts = name.split(/\s+/);
  return parts[parts.length - 1] ?? "";
}

/** The stable citation key of a paper, `[a-z0-9]+` only. */
export function bibtexKey(paper: Pick<Paper, "authors" | "year" | "title">): string {
  const first = paper.authors[0];
  const who = (first ? ascii(surname(first)).replace(/[^a-z]/g, "") : "") || "anon";
  const when = paper.year === null ? "nd" : String(paper.year);
  const words = ascii(paper.title)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const word = words.find((w) => !TITLE_SKIP.has(w) && /[a-z]/.test(w)) ?? words[0] ?? "untitled";
  return `${who}${when}${word.replace(/[^a-z0-9]/g, "")}`;
}

/** Escape the characters that break LaTeX inside a BibTeX field; braces are dropped, not escaped, so a
 * field can never end early (BibTeX counts braces, even escaped ones). */
export function escapeBibtex(text: string): string {
  return text
    .replace(/[{}]/g, "")
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/\s+/g, " ")
    .trim();
}

/** A DOI, arXiv id or URL as BibTeX should see it: no braces, backslashes or whitespace. */
function verbatim(text: string): string {
  return text.replace(/[{}\\\s]/g, "");
}

/** "Diederik P. Kingma" -> "Kingma, Diederik P." (BibTeX's unambiguous form). */
function bibtexAuthor(author: string): string {
  const name = author.trim().replace(/\s+/g, " ");
  if (name.includes(",")) return name;
  const parts = name.split(" ");
  if (parts.length < 2) return name;
  const last = parts.pop()!;
  return `${last}, ${parts.join(" ")}`;
}

type EntryType = "article" | "inproceedings" | "misc";

function entryType(venue: string | null): EntryType {
  if (!venue || /arxiv|preprint|corr\b/i.test(venue)) return "misc";
  if (
    /journal|transactions|letters|review|nature|science|jmlr|tmlr|neural networks|mathematics|proceedings of the national/i.test(
      venue,
    )
  )
    return "article";
  return "inproceedings";
}

/** One BibTeX entry; `key` defaults to bibtexKey(paper). */
export function toBibtex(paper: Paper, key: string = bibtexKey(paper)): string {
  const type = entryType(paper.venue);
  const fields: Array<[string, string]> = [["title", escapeBibtex(paper.title)]];
  const authors = paper.authors.map((a) => escapeBibtex(bibtexAuthor(a))).filter((a) => a !== "");
  if (authors.length > 0) fields.push(["author", authors.join(" and ")]);
  if (paper.venue) {
    if (type === "article") fields.push(["journal", escapeBibtex(paper.venue)]);
    else if (type === "inproceedings") fields.push(["booktitle", escapeBibtex(paper.venue)]);
    else fields.push(["howpublished", escapeBibtex(paper.venue)]);
  }
  if (paper.year !== null) fields.push(["year", String(paper.year)]);
  // Identifiers are copied verbatim (LaTeX escaping would corrupt a DOI's underscores inside \url/\doi);
  // only what could end the field or the entry early is removed.
  const doi = paper.doi ? verbatim(paper.doi) : "";
  if (doi) fields.push(["doi", doi]);
  const eprint = paper.arxivId ? verbatim(paper.arxivId) : "";
  if (eprint) fields.push(["eprint", eprint], ["archivePrefix", "arXiv"]);
  // A landing page only where no identifier exists: a reference list full of search-engine URLs reads badly.
  const url = paper.url && !doi && !eprint ? verbatim(paper.url) : "";
  if (url) fields.push(["url", url]);
  const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n");
  return `@${type}{${key},\n${body}\n}`;
}

/**
 * Entries for several papers, one per distinct id, with colliding keys made unique by a letter suffix
 * (`smith2020learning`, `smith2020learningb`) in input order, so the result is stable too.
 */
export function toBibliography(papers: Paper[]): { keys: Map<string, string>; bibtex: string } {
  const keys = new Map<string, string>();
  const used = new Set<string>();
  const entries: string[] = [];
  for (const paper of papers) {
    if (keys.has(paper.id)) continue;
    const base = bibtexKey(paper);
    let key = base;
    for (let n = 1; used.has(key); n++) key = `${base}${suffix(n)}`;
    used.add(key);
    keys.set(paper.id, key);
    entries.push(toBibtex(paper, key));
  }
  return { keys, bibtex: entries.join("\n\n") + (entries.length > 0 ? "\n" : "") };
}

/** 1 -> "b", 2 -> "c", ..., 25 -> "z", 26 -> "ba" ... (the base key is the implicit "a"). */
function suffix(n: number): string {
  let out = "";
  let value = n;
  do {
    out = String.fromCharCode(97 + (value % 26)) + out;
    value = Math.floor(value / 26);
  } while (value > 0);
  return out;
}
