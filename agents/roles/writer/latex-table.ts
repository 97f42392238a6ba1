// The results table of the LaTeX paper: the same runs, rows and numbers as the Markdown table (each number printed
// verbatim from final_info.json), as a booktabs tabular between two marker comments, and the check that re-reads it.
import { TEX_TABLE_BEGIN, TEX_TABLE_END, unescapeTex } from "../../provenance/index.ts";
import type { FinalInfo, Payload } from "../../../bus/index.ts";
import { escapeLatex } from "./latex-text.ts";
import { checkTableRows, formatNumber } from "./number-check.ts";
import { RoleError } from "../errors.ts";

type Study = Payload<"study.completed">;

// One source for the markers and the cell unescaping: the claim checker reads the same tables.
export { TEX_TABLE_BEGIN, TEX_TABLE_END };
const MISSING = "--";
const unescape = unescapeTex;

/** The table environment: a row per dataset and metric, a column per successful run (run_0 is the baseline). */
export function latexResultsTable(study: Study): string {
  const runs = [
    { runIndex: 0, info: study.baseline as FinalInfo | null },
    ...study.runs
      .filter((r) => r.runIndex > 0 && r.status === "ok")
      .map((r) => ({ runIndex: r.runIndex, info: r.finalInfo })),
  ];
  const header = [
    "dataset",
    "metric",
    ...runs.map((r) => (r.runIndex === 0 ? "run_0 (baseline)" : `run_${r.runIndex}`)),
  ];
  const rows: string[] = [];
  for (const [dataset, info] of Object.entries(study.baseline)) {
    for (const metric of Object.keys(info.means)) {
      const cells = runs.map((r) => {
        const v = r.info?.[dataset]?.means[metric];
        return v === undefined ? MISSING : formatNumber(v);
      });
      rows.push(`${[escapeLatex(dataset), escapeLatex(metric), ...cells].join(" & ")} \\\\`);
    }
  }
  return [
    TEX_TABLE_BEGIN,
    "\\begin{table}[htbp]",
    "\\centering",
    "\\small",
    "\\caption{Mean of each metric over seeds, per dataset and run, as written to \\texttt{run\\_<i>/final\\_info.json}.}",
    "\\label{tab:results}",
    `\\begin{tabular}{ll${"r".repeat(runs.length)}}`,
    "\\toprule",
    `${header.map(escapeLatex).join(" & ")} \\\\`,
    "\\midrule",
    ...rows,
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
    TEX_TABLE_END,
  ].join("\n");
}

/**
 * Re-reads every number of the tabular in `tex` and compares it with the run artifacts; throws naming the first
 * mismatch.
 */
export function checkLatexTableNumbers(tex: string, finalInfos: Record<number, FinalInfo>): number {
  const start = tex.indexOf(TEX_TABLE_BEGIN);
  const end = tex.indexOf(TEX_TABLE_END);
  if (start < 0 || end < start) throw new RoleError("WRITER_NO_RESULTS_TABLE", "the LaTeX paper has no results table");
  const body = tex.slice(start, end);
  const inner = body.slice(body.indexOf("\\toprule") + "\\toprule".length, body.indexOf("\\bottomrule"));
  const lines = inner
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.endsWith("\\\\"));
  if (lines.length === 0) throw new RoleError("WRITER_NO_RESULTS_TABLE", "the LaTeX results table has no rows");
  const cells = (line: string) =>
    line
      .slice(0, -2)
      .split(/(?<!\\)&/)
      .map(unescape);
  return checkTableRows(cells(lines[0]!), lines.slice(1).map(cells), finalInfos, MISSING);
}
