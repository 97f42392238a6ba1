// paper.tex as prose. Not prose: the preamble (except \title), comments, \label/\ref/\url and other arguments
// that are names, optional arguments, tabular column specs, verbatim blocks, the filecontents bibliography (kept
// as the inline bib) and the generated results table (read as cells). Math ($...$, \(...\), \[...\], equation
// environments) is kept, normalised so that 1.2\times10^{-3} reads 1.2×10^-3 and \pm reads ±; sub- and
// superscripts are recorded (indices and exponents are not claims).
import { CITE, MATH_ENV, MATH_TEXT, NO_ARGS, SECTION, SKIP, SYMBOLS, VERBATIM_ENV } from "./latex-commands.ts";
import { ProseBuilder, type Prose } from "./prose.ts";
import { TEX_TABLE_BEGIN, TEX_TABLE_END, latexTableCells } from "./results-table.ts";

const PLAIN = /[^\\${}~&\n\-`']+|[-`']/y;
const BLANK_LINE = /\n[ \t]*\n/y;
const COMMAND = /[A-Za-z@]+\*?/y;

/** Blanks [from, to) of `s` with spaces, keeping newlines (offsets and line numbers stay valid). */
function blank(s: string, from: number, to: number): string {
  return s.slice(0, from) + s.slice(from, to).replace(/[^\n]/g, " ") + s.slice(to);
}

function withoutComments(s: string): string {
  return s.replace(
    /(^|[^\\])((?:\\\\)*)%[^\n]*/g,
    (m, a: string, b: string) => a + b + " ".repeat(m.length - a.length - b.length),
  );
}

class LatexWalker {
  constructor(
    private readonly s: string,
    private readonly b: ProseBuilder,
  ) {}

  private group(i: number, open: string, close: string): { start: number; end: number; next: number } | null {
    let j = i;
    while (j < this.s.length && /[ \t]/.test(this.s[j]!)) j++;
    if (this.s[j] !== open) return null;
    let depth = 0;
    for (let k = j; k < this.s.length; k++) {
      const c = this.s[k]!;
      if (c === "\\") {
        k++;
        continue;
      }
      if (c === open) depth++;
      else if (c === close && --depth === 0) return { start: j + 1, end: k, next: k + 1 };
    }
    return { start: j + 1, end: this.s.length, next: this.s.length };
  }
  private brace(i: number) {
    return this.group(i, "{", "}");
  }
  private skipOptions(i: number): number {
    for (let g = this.group(i, "[", "]"); g; g = this.group(i, "[", "]")) i = g.next;
    return i;
  }
  private raw(g: { start: number; end: number }): string {
    return this.s.slice(g.start, g.end);
  }

  text(from: number, to: number): void {
    const { s, b } = this;
    let i = from;
    while (i < to) {
      const c = s[i]!;
      if (c === "\\") i = this.command(i, to);
      else if (c === "$") {
        const display = s[i + 1] === "$";
        const start = i + (display ? 2 : 1);
        let end = start;
        while (end < to && !(s[end] === "$" && s[end - 1] !== "\\")) end++;
        this.math(start, end);
        i = end + (display ? 2 : 1);
      } else if (c === "{" || c === "}") i++;
      else if (c === "~") {
        b.emit(" ", i);
        i++;
      } else if (c === "&") {
        b.brk(i);
        i++;
      } else if (c === "\n") {
        BLANK_LINE.lastIndex = i;
        const blankLine = BLANK_LINE.exec(s);
        if (blankLine) b.brk(i);
        else b.emit("\n", i);
        i += blankLine ? blankLine[0].length : 1;
      } else if (c === "-" && s[i + 1] === "-") {
        const triple = s[i + 2] === "-";
        b.emit(triple ? "—" : "–", i);
        i += triple ? 3 : 2;
      } else if ((c === "`" || c === "'") && s[i + 1] === c) {
        b.emit(c === "`" ? "“" : "”", i);
        i += 2;
      } else {
        PLAIN.lastIndex = i;
        const m = PLAIN.exec(s)!;
        const piece = m[0].slice(0, to - i);
        b.emit(piece, i);
        i += piece.length;
      }
    }
  }

  /** One command at s[i] === "\\"; returns where the text goes on. */
  private command(i: number, to: number): number {
    const { s, b } = this;
    const next = s[i + 1] ?? "";
    if (!/[A-Za-z@]/.test(next)) {
      if (next === "\\") {
        b.brk(i);
        return this.skipOptions(i + 2);
      }
      if (next === "(" || next === "[") {
        const close = s.indexOf(next === "(" ? "\\)" : "\\]", i + 2);
        const end = close < 0 ? to : close;
        this.math(i + 2, end);
        return end + 2;
      }
      if ("%$&_#{}".includes(next)) b.emit(next, i);
      else if (",;: ".includes(next)) b.emit(" ", i);
      return i + 2;
    }
    COMMAND.lastIndex = i + 1;
    const m = COMMAND.exec(s)!;
    const name = m[0].replace(/\*$/, "");
    let j = i + 1 + m[0].length;
    if (name in SYMBOLS) {
      b.emit(SYMBOLS[name]!, i);
      return s.startsWith("{}", j) ? j + 2 : j;
    }
    if (NO_ARGS.has(name)) return j;
    if (name === "begin" || name === "end") return this.environment(name, i, j, to);
    j = this.skipOptions(j);
    if (CITE.test(name)) {
      const g = this.brace(j);
      if (!g) return j;
      const keys = this.raw(g)
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k && k !== "*");
      const start = b.length;
      b.marked(s.slice(i, g.next), i, b.prose.masks);
      if (keys.length) b.prose.cites.push({ start, end: b.length, keys, numeric: false, raw: s.slice(i, g.next) });
      return g.next;
    }
    if (name === "includegraphics") {
      const g = this.brace(j);
      if (!g) return j;
      b.prose.figures.push({ at: b.length, name: this.raw(g).trim() });
      return g.next;
    }
    if (name === "href") {
      const url = this.brace(j);
      const label = url && this.brace(url.next);
      if (!url || !label) return url?.next ?? j;
      this.text(label.start, label.end);
      return label.next;
    }
    if (name === "title" || SECTION.test(name) || name === "caption") {
      const g = this.brace(j);
      if (!g) return j;
      const heading = this.raw(g)
        .replace(/\\[A-Za-z]+\*?|[{}]/g, "")
        .replace(/\s+/g, " ")
        .trim();
      if (name === "title") b.section("title", i);
      else if (name === "section" || name === "chapter") b.section(heading, i);
      else b.brk(i);
      this.text(g.start, g.end);
      b.brk(g.end);
      return g.next;
    }
    if (name === "item") {
      b.brk(i);
      return j;
    }
    if (name === "texttt" || name === "verb") {
      const g = this.brace(j);
      if (!g) return j;
      const start = b.length;
      this.text(g.start, g.end);
      b.prose.codes.push([start, b.length]);
      return g.next;
    }
    if (name in SKIP) {
      let left = SKIP[name]!;
      while (left-- > 0) {
        const g = this.brace(j);
        if (!g) break;
        j = this.skipOptions(g.next);
      }
      return j;
    }
    // Any other command: its brace arguments are text (\textbf{..}, \emph{..}, \footnote{..}).
    for (let g = this.brace(j); g; g = this.brace(j)) {
      this.text(g.start, g.end);
      j = this.skipOptions(g.next);
    }
    return j;
  }

  private environment(kind: string, i: number, j: number, to: number): number {
    const { s, b } = this;
    const g = this.brace(j);
    if (!g) return j;
    const env = this.raw(g).trim();
    let next = g.next;
    if (kind === "end") {
      b.brk(i);
      return next;
    }
    if (MATH_ENV.test(env) || VERBATIM_ENV.test(env)) {
      const close = s.indexOf(`\\end{${env}}`, next);
      const end = close < 0 || close > to ? to : close;
      if (MATH_ENV.test(env)) {
        b.brk(i);
        this.math(next, end);
        b.brk(end);
      }
      return close < 0 ? to : end + `\\end{${env}}`.length;
    }
    if (env === "abstract") b.section("abstract", i);
    else b.brk(i);
    next = this.skipOptions(next);
    const specs = /^(?:tabular|array|thebibliography|tabular\*|tabulary|longtable)$/.test(env)
      ? 1 + (/\*|tabularx|tabulary/.test(env) ? 1 : 0)
      : env === "tabularx"
        ? 2
        : 0;
    for (let k = 0; k < specs; k++) {
      const spec = this.brace(next);
      if (spec) next = spec.next;
    }
    return next;
  }

  /** Math content [from, to) as plain text: numbers as written, scripts recorded, commands reduced. */
  math(from: number, to: number): void {
    const start = this.b.length;
    this.mathText(from, to);
    this.b.prose.math.push([start, this.b.length]);
  }

  private mathText(from: number, to: number): void {
    const { s, b } = this;
    let i = from;
    while (i < to) {
      const c = s[i]!;
      if (c === "\\") {
        const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i, i + 40));
        const name = m?.[1] ?? "";
        let j = i + 1 + name.length;
        if (name in SYMBOLS) b.emit(SYMBOLS[name]!, i);
        else if (name === "%") b.emit("%", i);
        else if (name === "\\") b.emit(" ; ", i);
        else if (name === "frac" || name === "dfrac" || name === "tfrac") {
          const num = this.brace(j);
          const den = num && this.brace(num.next);
          if (num && den) {
            b.emit("(", i);
            this.mathText(num.start, num.end);
            b.emit(")/(", num.end);
            this.mathText(den.start, den.end);
            b.emit(")", den.end);
            j = den.next;
          }
        } else if (MATH_TEXT.test(name)) {
          const g = this.brace(j);
          if (g) {
            this.mathText(g.start, g.end);
            j = g.next;
          }
        } else if (name in SKIP) {
          const g = this.brace(j);
          if (g) j = g.next;
        } else if (
          /^[A-Za-z]+$/.test(name) &&
          !/^(left|right|big|Big|bigg|Bigg|quad|qquad|displaystyle|limits|nolimits)$/.test(name)
        )
          b.emit(` ${name} `, i);
        else b.emit(" ", i);
        i = j;
      } else if (c === "^" || c === "_") {
        const g = this.brace(i + 1);
        b.emit(c, i);
        const start = b.length;
        if (g) {
          this.mathText(g.start, g.end);
          i = g.next;
        } else {
          const one = /^\s*(\\[A-Za-z]+|.)/.exec(s.slice(i + 1, i + 30));
          b.emit(one?.[1] ?? "", i + 1);
          i += 1 + (one?.[0].length ?? 0);
        }
        b.prose.scripts.push([start, b.length]);
      } else if (c === "{" || c === "}") i++;
      else if (c === "&" || c === "~") {
        b.emit(" ", i);
        i++;
      } else {
        b.emit(c, i);
        i++;
      }
    }
  }
}

export function latexProse(tex: string, file = "paper.tex"): Prose {
  const b = new ProseBuilder(tex, file);
  let s = tex;
  const tableStart = s.indexOf(TEX_TABLE_BEGIN);
  const tableEnd = s.indexOf(TEX_TABLE_END, tableStart + 1);
  if (tableStart >= 0 && tableEnd > tableStart) {
    const firstLine = s.slice(0, tableStart).split("\n").length;
    b.prose.tableCells.push(...latexTableCells(s.slice(tableStart, tableEnd), firstLine));
    s = blank(s, tableStart, tableEnd + TEX_TABLE_END.length);
  }
  s = withoutComments(s);
  for (const m of [
    ...s.matchAll(/\\begin\{filecontents\*?\}(?:\[[^\]]*\])?\{[^}]*\}([\s\S]*?)\\end\{filecontents\*?\}/g),
  ]) {
    b.prose.inlineBib = (b.prose.inlineBib ?? "") + m[1]!;
    s = blank(s, m.index!, m.index! + m[0].length);
  }
  const walker = new LatexWalker(s, b);
  const begin = s.indexOf("\\begin{document}");
  if (begin < 0) {
    walker.text(0, s.length);
    return b.finish();
  }
  const title = /\\title\s*\{/.exec(s.slice(0, begin));
  if (title) {
    const open = title.index! + title[0].length - 1;
    let depth = 0;
    let close = open;
    for (; close < begin; close++) {
      if (s[close] === "\\") close++;
      else if (s[close] === "{") depth++;
      else if (s[close] === "}" && --depth === 0) break;
    }
    walker.text(title.index!, close + 1);
  }
  const end = s.indexOf("\\end{document}", begin);
  walker.text(begin + "\\begin{document}".length, end < 0 ? s.length : end);
  return b.finish();
}
