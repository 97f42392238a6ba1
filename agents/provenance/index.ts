/** Public surface of agents/provenance: the claim-provenance checker (pure, no IO). */
import { checkProse, validateSources } from "./check.ts";
import { ProvenanceError } from "./errors.ts";
import { latexProse } from "./latex-prose.ts";
import { markdownProse } from "./markdown-prose.ts";
import type { ProvenanceReport, ProvenanceSources } from "./types.ts";

export type { Claim, ClaimKind, ProvenanceReport, ProvenanceSources } from "./types.ts";
export { ProvenanceError, isProvenanceError, type ProvenanceErrorCode } from "./errors.ts";
export { summarize, feedbackFor } from "./report.ts";
export { MD_TABLE_BEGIN, MD_TABLE_END, TEX_TABLE_BEGIN, TEX_TABLE_END } from "./results-table.ts";
export { validateSources };

function paperText(text: unknown, what: string): string {
  if (typeof text !== "string") throw new ProvenanceError("PROVENANCE_BAD_PAPER", `${what} must be a string, got ${text === null ? "null" : typeof text}`);
  return text;
}

/** Every claim of a Markdown paper (paper.md) against its sources. */
export function checkMarkdownPaper(markdown: string, sources: ProvenanceSources): ProvenanceReport {
  return checkProse(markdownProse(paperText(markdown, "the Markdown paper")), sources);
}

/** Every claim of a LaTeX paper (paper.tex) against its sources. */
export function checkLatexPaper(tex: string, sources: ProvenanceSources): ProvenanceReport {
  return checkProse(latexProse(paperText(tex, "the LaTeX paper")), sources);
}
