// The shape both paper formats are reduced to: plain prose (markup gone, math normalised) with what the markup
// said recorded beside it by offset: citations, figures, code spans, the section each part stands in, and the
// source line of each piece, so every claim can name where it is.

/** A hard boundary no sentence crosses: blank lines, headings, list items, table cells. */
export const BREAK = "\u2029";

export interface CiteMark {
  start: number;
  end: number;
  /** BibTeX keys (`\cite`, `[@key]`) or reference numbers as strings (Markdown `[n]`). */
  keys: string[];
  numeric: boolean;
  raw: string;
  /** A reference list entry ("[3] Title ..."), not a citation: it only attributes its own sentence. */
  definition?: boolean;
}

export interface FigureMark {
  at: number;
  name: string;
}

export interface TableCell {
  text: string;
  runIndex: number;
  dataset: string;
  metric: string;
  line: number;
}

export interface Prose {
  text: string;
  /** Output offsets and the source offsets they were emitted from (ascending). */
  outs: number[];
  srcs: number[];
  /** Line start offsets of the source, for offset -> line. */
  lineStarts: number[];
  file: string;
  sections: Array<{ at: number; name: string }>;
  cites: CiteMark[];
  figures: FigureMark[];
  /** Ranges of the prose that are not claims: file names, URLs, names with digits (CIFAR-10 is masked later). */
  masks: Array<[number, number]>;
  /** Code spans (`x`, \texttt{x}): where `knob=value` settings are written. */
  codes: Array<[number, number]>;
  /** Math ranges, and the sub/superscripts inside them (indices and exponents, not claims). */
  math: Array<[number, number]>;
  scripts: Array<[number, number]>;
  tableCells: TableCell[];
  /** Numbered reference list entries written in the paper itself ("[3] Title, venue 2020."). */
  references: Set<number>;
  /** A bibliography written inside the paper (LaTeX filecontents), when there is one. */
  inlineBib: string | null;
}

export class ProseBuilder {
  readonly prose: Prose;
  // Text is collected in chunks and joined once (finish): reading a string while appending to it would flatten it
  // again and again.
  private readonly chunks: string[] = [];
  private size = 0;
  private last = "";
  constructor(source: string, file: string) {
    const lineStarts = [0];
    for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) lineStarts.push(i + 1);
    this.prose = {
      text: "",
      outs: [],
      srcs: [],
      lineStarts,
      file,
      sections: [],
      cites: [],
      figures: [],
      masks: [],
      codes: [],
      math: [],
      scripts: [],
      tableCells: [],
      references: new Set(),
      inlineBib: null,
    };
  }
  get length(): number {
    return this.size;
  }
  emit(text: string, src: number): void {
    if (!text) return;
    const p = this.prose;
    if (p.outs[p.outs.length - 1] === this.size) p.srcs[p.srcs.length - 1] = src;
    else {
      p.outs.push(this.size);
      p.srcs.push(src);
    }
    this.chunks.push(text);
    this.size += text.length;
    this.last = text[text.length - 1]!;
  }
  brk(src: number): void {
    if (this.last !== BREAK) this.emit(BREAK, src);
  }
  section(name: string, src: number): void {
    this.brk(src);
    this.prose.sections.push({ at: this.length, name });
  }
  /** Emits `text` and records its range in `list`. */
  marked(text: string, src: number, list: Array<[number, number]>): void {
    const start = this.length;
    this.emit(text, src);
    list.push([start, this.length]);
  }
  finish(): Prose {
    this.prose.text = this.chunks.join("");
    return this.prose;
  }
}

function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1-based source line of a prose offset. */
export function lineOf(prose: Prose, at: number): number {
  const i = upperBound(prose.outs, at) - 1;
  const src = i >= 0 ? prose.srcs[i]! : 0;
  return upperBound(prose.lineStarts, src);
}

export function sectionOf(prose: Prose, at: number): string | null {
  let name: string | null = null;
  for (const s of prose.sections) {
    if (s.at > at) break;
    name = s.name;
  }
  return name;
}

/** "abstract (paper.md line 5)", "section Results (paper.tex line 120)". */
export function locationOf(prose: Prose, at: number): string {
  const section = sectionOf(prose, at);
  const where = `${prose.file} line ${lineOf(prose, at)}`;
  if (section === null) return where;
  return `${section === "abstract" || section === "title" ? section : `section ${section}`} (${where})`;
}

export interface Sentence {
  start: number;
  end: number;
  text: string;
}

// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATION =
  /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Secs|Tab|No|approx|resp|al|Alg|App)\.|\b[A-Z]\.)$/;

/** Sentences of the prose: split at breaks and at . ! ? followed by white space (abbreviations excepted). */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const push = (end: number) => {
    const piece = text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed) out.push({ start: start + lead, end: start + lead + trimmed.length, text: trimmed });
  };
  for (const m of text.matchAll(/\u2029|[.!?](?=[ \t\n\r])/g)) {
    const i = m.index!;
    if (m[0] === "." && ABBREVIATION.test(text.slice(Math.max(start, i - 8), i + 1))) continue;
    push(m[0] === BREAK ? i : i + 1);
    start = i + 1;
  }
  push(text.length);
  return out;
}

/** The sentence as a claim shows it: one line, at most 300 characters (a window around `at` when longer). */
export function displaySentence(text: string, sentence: Sentence, at: number): string {
  const flat = (s: string) => s.replace(/[\u2029\s]+/g, " ").trim();
  const whole = flat(sentence.text);
  if (whole.length <= 300) return whole;
  const from = Math.max(sentence.start, at - 140);
  const piece = flat(text.slice(from, Math.min(sentence.end, from + 290)));
  return `${from > sentence.start ? "… " : ""}${piece} …`.slice(0, 300);
}
