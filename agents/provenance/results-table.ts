// The generated results tables (Markdown and LaTeX) between the writer's marker comments. Their numbers are
// printed verbatim from final_info.json by code and re-checked by the writer already (number-check.ts,
// latex-table.ts); the checker reads them too so that they count as claims, each supported by its artifact.
import type { TableCell } from "./prose.ts";

// The markers the writer prints around its tables (number-check.ts, latex-table.ts take them from here: the writer
// imports this folder, not the other way round).
export const MD_TABLE_BEGIN = "<!-- results-table: every number below is read from run_<i>/final_info.json -->";
export const MD_TABLE_END = "<!-- /results-table -->";
export const TEX_TABLE_BEGIN = "% results-table: every number below is read from run_<i>/final_info.json";
export const TEX_TABLE_END = "% /results-table";

/** A LaTeX table cell as the writer escaped it, back to its text. */
export const unescapeTex = (cell: string) =>
  cell
    .replace(/\\textbackslash\{\}/g, "\\")
    .replace(/\\textasciitilde\{\}/g, "~")
    .replace(/\\textasciicircum\{\}/g, "^")
    .replace(/\\text(less|greater|bar)\{\}/g, (_, w: string) => ({ less: "<", greater: ">", bar: "|" })[w]!)
    .replace(/\\([{}$&%#_])/g, "$1")
    .trim();

function cellsOf(header: string[], rows: Array<{ cells: string[]; line: number }>, missing: string): TableCell[] {
  const runs = header.slice(2).map((h) => Number(/run_(\d+)/.exec(h)?.[1] ?? NaN));
  const out: TableCell[] = [];
  for (const { cells, line } of rows) {
    cells.slice(2).forEach((text, i) => {
      if (text === missing || text === "") return;
      out.push({ text, runIndex: runs[i] ?? NaN, dataset: cells[0] ?? "", metric: cells[1] ?? "", line });
    });
  }
  return out;
}

/** The cells of a Markdown results table: `lines` are the table's lines with their 1-based line numbers. */
export function markdownTableCells(lines: Array<{ text: string; line: number }>): TableCell[] {
  const rows = lines
    .filter((l) => l.text.trim().startsWith("|"))
    .map((l) => ({
      cells: l.text
        .trim()
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
      line: l.line,
    }));
  if (rows.length < 2) return [];
  return cellsOf(rows[0]!.cells, rows.slice(2), "–");
}

/** The cells of the LaTeX results table (the text between its markers, starting at `firstLine`). */
export function latexTableCells(body: string, firstLine: number): TableCell[] {
  const lines = body.split("\n").map((text, i) => ({ text: text.trim(), line: firstLine + i }));
  const top = lines.findIndex((l) => l.text.includes("\\toprule"));
  const bottom = lines.findIndex((l) => l.text.includes("\\bottomrule"));
  const inner = lines.slice(top + 1, bottom < 0 ? undefined : bottom).filter((l) => l.text.endsWith("\\\\"));
  if (inner.length < 2) return [];
  const cells = (text: string) =>
    text
      .slice(0, -2)
      .split(/(?<!\\)&/)
      .map(unescapeTex);
  return cellsOf(
    cells(inner[0]!.text),
    inner.slice(1).map((l) => ({ cells: cells(l.text), line: l.line })),
    "--",
  );
}
