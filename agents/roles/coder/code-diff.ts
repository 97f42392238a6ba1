// A compact line diff of a run's code against the baseline, for notes.txt: what the run actually changed, so the
// writer (and a reader) sees the edit, not the plan. Common prefix/suffix are trimmed first, then an LCS on the
// middle; past a size where LCS would be slow the middle is shown as replaced wholesale (still honest, less exact).

const LCS_CELLS = 4_000_000;

type Op = { kind: " " | "-" | "+"; line: string; oldNo: number };

function lcsOps(a: string[], b: string[], offset: number): Op[] {
  if (a.length * b.length > LCS_CELLS) {
    return [
      ...a.map((line, i) => ({ kind: "-" as const, line, oldNo: offset + i })),
      ...b.map((line) => ({ kind: "+" as const, line, oldNo: offset + a.length })),
    ];
  }
  const w = b.length + 1;
  const table = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * w + j] =
        a[i] === b[j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i]!, oldNo: offset + i++ });
      j++;
    } else if (i < a.length && (j >= b.length || table[(i + 1) * w + j]! >= table[i * w + j + 1]!)) {
      ops.push({ kind: "-", line: a[i]!, oldNo: offset + i++ }); // removals first, as unified diffs show them
    } else ops.push({ kind: "+", line: b[j++]!, oldNo: offset + i });
  }
  return ops;
}

export interface CodeChanges {
  added: number;
  removed: number;
  /** `@@ line N @@` hunks with one line of context, at most `maxLines` lines (the rest counted, not shown). */
  diff: string;
}

export function codeChanges(baseline: string, code: string, maxLines = 40): CodeChanges {
  const a = baseline.replace(/\r\n/g, "\n").split("\n");
  const b = code.replace(/\r\n/g, "\n").split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const ops: Op[] = [
    ...(start > 0 ? [{ kind: " " as const, line: a[start - 1]!, oldNo: start - 1 }] : []),
    ...lcsOps(a.slice(start, a.length - end), b.slice(start, b.length - end), start),
    ...(end > 0 ? [{ kind: " " as const, line: a[a.length - end]!, oldNo: a.length - end }] : []),
  ];
  const added = ops.filter((o) => o.kind === "+").length;
  const removed = ops.filter((o) => o.kind === "-").length;
  // Keep changed lines and one line of context around each; mark each new hunk with its baseline line number.
  const keep = ops.map((o, k) => o.kind !== " " || ops[k - 1]?.kind !== " " || ops[k + 1]?.kind !== " ");
  const lines: string[] = [];
  let hidden = 0;
  for (let k = 0; k < ops.length; k++) {
    if (!keep[k]) continue;
    const op = ops[k]!;
    const header = k === 0 || !keep[k - 1] ? [`@@ line ${op.oldNo + 1} @@`] : [];
    for (const text of [...header, `${op.kind}${op.line}`]) {
      if (lines.length < maxLines) lines.push(text);
      else if (!text.startsWith("@@")) hidden++;
    }
  }
  if (hidden > 0) lines.push(`... (${hidden} more diff line(s) not shown)`);
  return { added, removed, diff: added + removed === 0 ? "" : lines.join("\n") };
}

/** One notes.txt paragraph: how many lines changed, and the capped diff. */
export function changesSummary(file: string, baseline: string, code: string): string {
  const c = codeChanges(baseline, code);
  if (c.added + c.removed === 0) return `${file}: unchanged from the baseline`;
  return `${file} vs the baseline: +${c.added} -${c.removed} line(s)\n\`\`\`diff\n${c.diff}\n\`\`\``;
}
