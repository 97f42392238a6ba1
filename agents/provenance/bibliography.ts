// BibTeX entries as far as the checker needs them: each entry's key, type, title and line.

export interface BibEntry {
  key: string;
  type: string;
  title: string | null;
  line: number;
}

const ENTRY = /@([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,/g;

export function parseBib(text: string): BibEntry[] {
  const out: BibEntry[] = [];
  for (const m of text.matchAll(ENTRY)) {
    const type = m[1]!.toLowerCase();
    if (type === "comment" || type === "string" || type === "preamble") continue;
    const rest = text.slice(m.index! + m[0].length, m.index! + m[0].length + 2000);
    const title = /\btitle\s*=\s*[{"]\s*\{?([^}"]*)/i.exec(rest)?.[1]?.replace(/\s+/g, " ").trim() ?? null;
    out.push({ key: m[2]!, type, title, line: text.slice(0, m.index!).split("\n").length });
  }
  return out;
}
