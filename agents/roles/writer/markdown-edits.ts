// Edits a model makes to the Markdown paper (claim fixes, citations worked into the text): SEARCH/REPLACE blocks
// on paper.md, applied with the coder's edit-block code. The results table is the code's: an edit set that would
// change it is refused whole. Title and abstract are read back from the edited paper.
import { applyEditBlocks, failureReport, parseEditBlocks } from "../shared/edit-blocks.ts";
import { TABLE_BEGIN, TABLE_END } from "./number-check.ts";
import type { Draft } from "./rules-paper.ts";

export const PAPER_FILE = "paper.md";

const tableOf = (markdown: string) => {
  const start = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  return start >= 0 && end > start ? markdown.slice(start, end + TABLE_END.length) : null;
};

export interface MarkdownEditResult {
  draft: Draft;
  applied: number;
  /** What did not apply, as the report a model reads (empty when every block applied). */
  problems: string;
}

export function applyMarkdownEdits(draft: Draft, edits: string): MarkdownEditResult {
  let parsed;
  try {
    parsed = parseEditBlocks(edits);
  } catch (error) {
    return { draft, applied: 0, problems: (error as Error).message };
  }
  const result = applyEditBlocks({ [PAPER_FILE]: draft.markdown }, parsed, [PAPER_FILE]);
  const markdown = result.files[PAPER_FILE]!;
  if (tableOf(markdown) !== tableOf(draft.markdown)) {
    return {
      draft,
      applied: 0,
      problems: `The edits were refused: they change the results table between "${TABLE_BEGIN}" and "${TABLE_END}", which is generated from the run artifacts. Edit only the prose.`,
    };
  }
  const title = /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? draft.title;
  const abstract = /^\*\*Abstract\.\*\* (.+)$/m.exec(markdown)?.[1]?.trim() ?? draft.abstract;
  return {
    draft: { ...draft, title, abstract, markdown },
    applied: result.applied.length,
    problems: result.failed.length ? failureReport(result.failed, result.applied.length) : "",
  };
}

export const EDIT_FORMAT = `Reply with SEARCH/REPLACE blocks on ${PAPER_FILE}:
${PAPER_FILE}
<<<<<<< SEARCH
exact lines of ${PAPER_FILE}
=======
the lines to put instead
>>>>>>> REPLACE`;
