import type { FinalInfo, Payload } from "../../../bus/index.ts";
import { MD_TABLE_BEGIN, MD_TABLE_END } from "../../provenance/index.ts";
import { RoleError } from "../errors.ts";

type Study = Payload<"study.completed">;

// The claim checker owns the markers (it reads the same table); the writer prints them.
export const TABLE_BEGIN = MD_TABLE_BEGIN;
export const TABLE_END = MD_TABLE_END;

/** How a number from final_info.json is printed: verbatim, so the table and the artifact agree exactly. */
export function formatNumber(value: number): string {
  return String(value);
}

/** The results table: a row per dataset and metric, a column per successful run. */
export function resultsTable(study: Study): string {
  const runs = [
    { runIndex: 0, info: study.baseline as FinalInfo | null },
    ...study.runs
      .filter((r) => r.runIndex > 0 && r.status === "ok")
      .map((r) => ({ runIndex: r.runIndex, info: r.finalInfo })),
  ];
  const header = `| dataset | metric | ${runs.map((r) => (r.runIndex === 0 ? "run_0 (baseline)" : `run_${r.runIndex}`)).join(" | ")} |`;
  const rule = `|---|---|${runs.map(() => "---:").join("|")}|`;
  const rows: string[] = [];
  for (const [dataset, info] of Object.entries(study.baseline)) {
    for (const metric of Object.keys(info.means)) {
      const cells = runs.map((r) => {
        const v = r.info?.[dataset]?.means[metric];
        return v === undefined ? "–" : formatNumber(v);
      });
      rows.push(`| ${dataset} | ${metric} | ${cells.join(" | ")} |`);
    }
  }
  return [TABLE_BEGIN, header, rule, ...rows, TABLE_END].join("\n");
}

/**
 * Re-reads every number of the results table in the written paper and compares it with the run artifacts.
 * Returns how many numbers were checked; throws naming the first mismatch.
 */
export function checkTableNumbers(markdown: string, study: Study, finalInfos: Record<number, FinalInfo>): number {
  const start = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new RoleError("WRITER_NO_RESULTS_TABLE", "the paper has no results table");
  const lines = markdown
    .slice(start, end)
    .split("\n")
    .filter((l) => l.startsWith("|"));
  const cells = (line: string) =>
    line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  void study;
  return checkTableRows(cells(lines[0]!), lines.slice(2).map(cells), finalInfos, "–");
}

/**
 * The check both paper formats share: `header` is dataset, metric, then one `run_<i>` column per run; each row is
 * dataset, metric, then the printed numbers (`missing` where the run has no value). Returns the numbers checked.
 */
export function checkTableRows(
  header: string[],
  rows: string[][],
  finalInfos: Record<number, FinalInfo>,
  missing: string,
): number {
  const runIndexes = header.slice(2).map((h) => Number(/run_(\d+)/.exec(h)?.[1]));
  let checked = 0;
  for (const cells of rows) {
    const [dataset, metric] = [cells[0]!, cells[1]!];
    cells.slice(2).forEach((cell, i) => {
      if (cell === missing) return;
      const runIndex = runIndexes[i]!;
      const truth = finalInfos[runIndex]?.[dataset]?.means[metric];
      if (truth === undefined || cell !== formatNumber(truth)) {
        throw new RoleError(
          "WRITER_NUMBER_MISMATCH",
          `results table says ${dataset}/${metric}/run_${runIndex} = ${cell} but run_${runIndex}/final_info.json has ${truth}`,
        );
      }
      checked++;
    });
  }
  return checked;
}
