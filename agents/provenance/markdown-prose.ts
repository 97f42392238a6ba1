// paper.md as prose: headings set the section ("**Abstract.**" opens the abstract, "## 5 Results" the section
// Results), images become figure references, [@key] and [n] citations are recorded, code spans kept (settings
// are written there), URLs and fenced code are not prose, and the generated results table is read as cells.
import { ProseBuilder, type Prose } from "./prose.ts";
import { MD_TABLE_BEGIN, MD_TABLE_END, markdownTableCells } from "./results-table.ts";

const INLINE =
  /!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|\[([^\]]*@[^\]]*)\]|(?<![\w\]])\[(\d+(?:\s*(?:,|–|-)\s*\d+)*)\](?![(\[])|\[([^\]]+)\]\(([^)]*)\)|`([^`]+)`|<?(https?:\/\/[^\s>)]+)>?|<[^>]+>|\*+/g;

function expandNumbers(list: string): string[] {
  const out: string[] = [];
  for (const part of list.split(",")) {
    const range = /^\s*(\d+)\s*[–-]\s*(\d+)\s*$/.exec(part);
    if (range) for (let n = Number(range[1]); n <= Number(range[2]) && out.length < 200; n++) out.push(String(n));
    else out.push(part.trim());
  }
  return out;
}

function inline(b: ProseBuilder, line: string, at: number): void {
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    const i = m.index!;
    b.emit(line.slice(last, i), at + last);
    last = i + m[0].length;
    const src = at + i;
    if (m[2] !== undefined) b.prose.figures.push({ at: b.length, name: m[2] });
    else if (m[3] !== undefined) {
      const keys = [...m[3].matchAll(/@([\w:.\-/]+)/g)].map((k) => k[1]!.replace(/[.:]+$/, ""));
      const start = b.length;
      b.marked(m[0], src, b.prose.masks);
      b.prose.cites.push({ start, end: b.length, keys, numeric: false, raw: m[0] });
    } else if (m[4] !== undefined) {
      const start = b.length;
      b.marked(m[0], src, b.prose.masks);
      b.prose.cites.push({ start, end: b.length, keys: expandNumbers(m[4]), numeric: true, raw: m[0] });
    } else if (m[5] !== undefined) inline(b, m[5], src + 1);
    else if (m[7] !== undefined) b.marked(m[7], src + 1, b.prose.codes);
    else if (m[8] !== undefined) b.marked(m[0], src, b.prose.masks);
    // HTML tags and emphasis markers carry no prose.
  }
  b.emit(line.slice(last), at + last);
}

export function markdownProse(markdown: string, file = "paper.md"): Prose {
  const b = new ProseBuilder(markdown, file);
  const lines = markdown.split("\n");
  let at = 0;
  let fence = false;
  let table: Array<{ text: string; line: number }> | null = null;
  let comment = false;
  lines.forEach((raw, n) => {
    const lineStart = at;
    at += raw.length + 1;
    let line = raw;
    if (table) {
      if (line.includes(MD_TABLE_END)) {
        b.prose.tableCells.push(...markdownTableCells(table));
        table = null;
      } else table.push({ text: line, line: n + 1 });
      return;
    }
    if (line.includes(MD_TABLE_BEGIN)) {
      b.brk(lineStart);
      table = [];
      return;
    }
    if (/^\s*(```|~~~)/.test(line)) {
      fence = !fence;
      b.brk(lineStart);
      return;
    }
    if (fence) return;
    // HTML comments are not prose (also when they span lines).
    if (comment) {
      const end = line.indexOf("-->");
      if (end < 0) return;
      comment = false;
      line = " ".repeat(end + 3) + line.slice(end + 3);
    }
    line = line.replace(/<!--.*?-->/g, (c) => " ".repeat(c.length));
    const open = line.indexOf("<!--");
    if (open >= 0) {
      comment = true;
      line = line.slice(0, open);
    }
    const heading = /^(#{1,6})\s+(?:(\d+(?:\.\d+)*\.?)\s+)?(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = heading[3]!;
      const offset = lineStart + line.indexOf(text);
      if (heading[1] === "#") b.section("title", lineStart);
      else if (heading[1] === "##")
        b.section(/^abstract\.?$/i.test(text) ? "abstract" : text.replace(/[*`]/g, ""), lineStart);
      else b.brk(lineStart);
      inline(b, text, offset);
      b.brk(lineStart);
      return;
    }
    const abstract = /^\s*\*\*Abstract\.?\*\*:?\s*/i.exec(line);
    if (abstract) {
      b.section("abstract", lineStart);
      inline(b, line.slice(abstract[0].length), lineStart + abstract[0].length);
      b.emit("\n", lineStart + line.length);
      return;
    }
    if (line.trim() === "") {
      b.brk(lineStart);
      return;
    }
    if (/^\s*\|/.test(line)) {
      if (/^\s*\|?[\s:|-]+\|?\s*$/.test(line)) return;
      let cellAt = lineStart + line.indexOf("|") + 1;
      for (const cell of line
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")) {
        b.brk(cellAt);
        inline(b, cell, cellAt);
        cellAt += cell.length + 1;
      }
      b.brk(lineStart + line.length);
      return;
    }
    const reference = /^\s*\[(\d+)\]\s+/.exec(line);
    if (reference) {
      // "[3] Title, venue 2020.": a reference list entry; what it says is the cited work's, not this paper's.
      b.brk(lineStart);
      b.prose.references.add(Number(reference[1]));
      const start = b.length;
      b.marked(reference[0], lineStart, b.prose.masks);
      b.prose.cites.push({
        start,
        end: b.length,
        keys: [reference[1]!],
        numeric: true,
        raw: reference[0].trim(),
        definition: true,
      });
      inline(b, line.slice(reference[0].length), lineStart + reference[0].length);
      b.brk(lineStart + line.length);
      return;
    }
    const item = /^\s*(?:[-*+]|\d+[.)]|>)\s+/.exec(line);
    if (item) {
      b.brk(lineStart);
      inline(b, line.slice(item[0].length), lineStart + item[0].length);
      b.emit("\n", lineStart + line.length);
      return;
    }
    inline(b, line, lineStart);
    b.emit("\n", lineStart + line.length);
  });
  if (table) b.prose.tableCells.push(...markdownTableCells(table));
  return b.finish();
}
