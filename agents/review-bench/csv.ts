// RFC 4180 CSV as pandas writes it (the original's `to_csv`): quoted fields may hold commas, newlines and "".
import { ReviewBenchError } from "./errors.ts";

/** Splits into rows of fields; slices rather than appending characters (the review files are megabytes). */
function rowsOf(text: string, name: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let field: string;
    if (text[i] === '"') {
      field = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new ReviewBenchError("BENCH_BAD_DATA", `${name}: a quoted field is never closed`);
        if (text[q + 1] === '"') {
          field += text.slice(j, q + 1);
          j = q + 2;
        } else {
          field += text.slice(j, q);
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === ",") {
      i++;
      if (i === n) row.push("");
      continue;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    rows.push(row);
    row = [];
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export function parseCsv(text: string, name = "csv"): Record<string, string>[] {
  const [header, ...body] = rowsOf(text, name).filter((r) => !(r.length === 1 && r[0] === ""));
  if (!header) throw new ReviewBenchError("BENCH_BAD_DATA", `${name}: empty file`);
  return body.map((r, n) => {
    if (r.length !== header.length)
      throw new ReviewBenchError(
        "BENCH_BAD_DATA",
        `${name}: row ${n + 2} has ${r.length} fields, the header has ${header.length}`,
      );
    return Object.fromEntries(header.map((h, k) => [h, r[k]!]));
  });
}
