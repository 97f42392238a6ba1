/**
 * The bench's one output format: every figure is a value beside its anchor measured in the same run, the ratio of
 * the two, and the target the issue sets for it. Printed as a table and written to bench/results.json.
 */

import { writeFileSync } from "node:fs";

export interface Figure {
  /** Section and name, e.g. "hop p50". */
  name: string;
  value: number;
  unit: string;
  anchorName: string;
  anchor: number;
  /** value / anchor, or a figure's own ratio where the anchor is a limit (see `ratioOf`). */
  ratio: number;
  /** Human-readable target, e.g. "≤ 1.5×"; null when the issue sets none (a context figure). */
  target: string | null;
  /** Whether the target is met (null without a target). */
  met: boolean | null;
  note?: string;
}

export interface SectionResult {
  section: string;
  figures: Figure[];
  /** What bounds a missed target, measured (profile), and what would close it. */
  notes: string[];
  skipped?: string;
  details?: unknown;
}

export function figure(
  f: Omit<Figure, "ratio" | "met"> & { ratio?: number; atMost?: number; atLeast?: number },
): Figure {
  const ratio = f.ratio ?? (f.anchor === 0 ? Number.NaN : f.value / f.anchor);
  const met = f.atMost !== undefined ? ratio <= f.atMost : f.atLeast !== undefined ? ratio >= f.atLeast : null;
  const { atMost: _m, atLeast: _l, ...rest } = f;
  return { ...rest, ratio, met };
}

const fmt = (n: number, unit: string): string => {
  if (!Number.isFinite(n)) return "n/a";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
};

/** The table `npm run bench` prints: figure, value, anchor, ratio, target, met. */
export function renderTable(sections: SectionResult[]): string {
  const rows: string[][] = [["figure", "value", "anchor", "ratio", "target", "met"]];
  for (const s of sections) {
    if (s.skipped) {
      rows.push([`${s.section}: SKIPPED`, s.skipped, "", "", "", ""]);
      continue;
    }
    for (const f of s.figures) {
      rows.push([
        f.name,
        fmt(f.value, f.unit),
        `${f.anchorName} ${fmt(f.anchor, f.unit)}`,
        Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : "n/a",
        f.target ?? "",
        f.met === null ? "" : f.met ? "yes" : "NO",
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => r[c]!.length))));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderNotes(sections: SectionResult[]): string {
  const lines: string[] = [];
  for (const s of sections) for (const n of s.notes) lines.push(`- ${s.section}: ${n}`);
  return lines.length ? `notes:\n${lines.join("\n")}` : "";
}

export function writeResults(path: string, meta: Record<string, unknown>, sections: SectionResult[]): void {
  writeFileSync(path, `${JSON.stringify({ ...meta, sections }, null, 2)}\n`);
}
