// Shared by the coder (experiment.py, plot.py, notes.txt) and the writer (paper.md claim fixes and citations, paper.tex
// LaTeX fixes).
// aider's SEARCH/REPLACE edit blocks, the format the seed's coder edits experiment.py, plot.py and notes.txt in:
//
//   experiment.py
//   <<<<<<< SEARCH
//   exact lines to find
//   =======
//   lines to put instead
//   >>>>>>> REPLACE
//
// A block whose SEARCH text is not found is reported back to the model, never skipped: skipping would run code
// the model believes it changed.
import { RoleError } from "../errors.ts";

export interface EditBlock {
  file: string;
  search: string;
  replace: string;
}

export interface ApplyResult {
  files: Record<string, string>;
  applied: EditBlock[];
  /** Blocks that could not be applied, each with why: shown to the model for the next round. */
  failed: Array<{ block: EditBlock; reason: string }>;
}

const SEARCH = /^<{5,9} SEARCH\s*$/;
const DIVIDER = /^={5,9}\s*$/;
const REPLACE = /^>{5,9} REPLACE\s*$/;
const FENCE = /^```/;

/** Parses every block; the file name is the last non-fence line before `<<<<<<< SEARCH`. Throws on a broken block. */
export function parseEditBlocks(text: string): EditBlock[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const blocks: EditBlock[] = [];
  let lastName: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!SEARCH.test(line)) {
      const candidate = line.trim().replace(/^[`*#\s]+|[`*:\s]+$/g, "");
      if (candidate && !FENCE.test(line.trim()) && /^[\w./-]+\.\w+$/.test(candidate)) lastName = candidate;
      continue;
    }
    if (!lastName)
      throw new RoleError(
        "ROLE_BAD_EDIT_BLOCK",
        `edit block at line ${i + 1} names no file: put the file name on the line before "<<<<<<< SEARCH"`,
      );
    const search: string[] = [];
    const replace: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !DIVIDER.test(lines[j]!); j++) search.push(lines[j]!);
    if (j >= lines.length)
      throw new RoleError(
        "ROLE_BAD_EDIT_BLOCK",
        `edit block for ${lastName} at line ${i + 1} has no "=======" divider`,
      );
    for (j++; j < lines.length && !REPLACE.test(lines[j]!); j++) replace.push(lines[j]!);
    if (j >= lines.length)
      throw new RoleError(
        "ROLE_BAD_EDIT_BLOCK",
        `edit block for ${lastName} at line ${i + 1} has no ">>>>>>> REPLACE" end`,
      );
    blocks.push({ file: lastName, search: search.join("\n"), replace: replace.join("\n") });
    i = j;
  }
  return blocks;
}

/** Applies blocks in order to the editable files; an empty SEARCH on a file appends (aider's way to add text). */
export function applyEditBlocks(
  files: Record<string, string>,
  blocks: EditBlock[],
  editable: readonly string[],
): ApplyResult {
  const out = { ...files };
  const applied: EditBlock[] = [];
  const failed: ApplyResult["failed"] = [];
  for (const block of blocks) {
    if (!editable.includes(block.file)) {
      failed.push({ block, reason: `${block.file} is not one of the files you may edit (${editable.join(", ")})` });
      continue;
    }
    const current = out[block.file] ?? "";
    if (block.search.trim() === "") {
      out[block.file] = current + (current.endsWith("\n") || current === "" ? "" : "\n") + block.replace + "\n";
      applied.push(block);
      continue;
    }
    const at = current.indexOf(block.search);
    if (at < 0) {
      failed.push({ block, reason: `the SEARCH section does not match any lines of ${block.file} exactly` });
      continue;
    }
    out[block.file] = current.slice(0, at) + block.replace + current.slice(at + block.search.length);
    applied.push(block);
  }
  return { files: out, applied, failed };
}

/** The report the model gets for blocks that failed, with the blocks themselves (as aider does). */
export function failureReport(failed: ApplyResult["failed"], appliedCount: number): string {
  const parts = failed.map(
    ({ block, reason }) =>
      `## SearchReplaceNoExactMatch: ${reason}\n${block.file}\n<<<<<<< SEARCH\n${block.search}\n=======\n${block.replace}\n>>>>>>> REPLACE`,
  );
  return (
    `# ${failed.length} SEARCH/REPLACE block(s) failed to apply (${appliedCount} other block(s) were applied):\n\n${parts.join("\n\n")}\n\n` +
    `The SEARCH section must exactly match an existing block of lines, including all white space, comments and indentation.\n` +
    `Reply with corrected blocks for the failed edits only; do not repeat the blocks that were applied.`
  );
}
