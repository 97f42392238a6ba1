/**
 * Public surface of agents/provenance: the claim-provenance checker (issue 12). Pure: no IO, no clock; the same
 * paper and sources always give the same report. Every claim of a paper (paper.md or paper.tex) becomes a Claim
 * with a verdict and what it rests on. The policies, each explained where it is implemented:
 * - Numbers (classify-number.ts, match-number.ts): a printed number is supported by a record when rounding the
 *   record to the printed decimals gives the printed number (ties either way; truncation and "close to" are not
 *   accepted). Records are every numeric leaf of each run's final_info.json, the settings, the runs' params and
 *   descriptions, counts of what the sources know, and values derived from two means of one metric (differences,
 *   ratios only where the text says "×"/"factor of", percent changes, percentage points) or means over datasets.
 *   A sentence that names a metric or dataset is read against those only (metrics.ts; else the previous
 *   sentence's and the abstract's metrics). Precision: 2 significant digits for a recorded value, 3 (or 2 and a
 *   decimal) for a derived one, unless equal exactly.
 * - Structure is not a claim about results: figure/table/section/equation numbers, years (1900-2099, not
 *   followed by a unit), ordinals, "2-D", rating denominators, indices and exponents in math, small constants in
 *   formulas. Run indices ("run 2", "run_2") must name a run that exists.
 * - Small whole numbers: written as digits they are claims like any number; written as words ("three datasets")
 *   they are claims only when they count something the sources know (datasets, runs, seeds, metrics, figures,
 *   attempts), and then must equal that count or, for a subset, not exceed it. "k of N" needs k <= N.
 * - Attribution (check.ts): a sentence outside the abstract/method/results/conclusion that cites a work that
 *   resolves, and says nothing of "we"/"our", may state that work's numbers and datasets.
 * - Datasets (datasets.ts): well-known names in any spelling, the artifacts' own names and "on the X dataset"
 *   must be datasets of the runs. Citations must resolve to references.bib (or the paper's filecontents block,
 *   or for [n] the paper's reference list); every bib entry must be a recorded literature answer; figures must
 *   be plot files. The generated results table counts cell by cell against final_info.json (verbatim).
 * - Not prose: LaTeX preamble (but \title), comments, label/ref/url and other name arguments, optional
 *   arguments, column specs, verbatim, filecontents; Markdown fenced code, HTML comments, URLs, file names,
 *   image names, BibTeX keys.
 */
import { checkProse, validateSources } from "./check.ts";
import { ProvenanceError } from "./errors.ts";
import { latexProse } from "./latex-prose.ts";
import { markdownProse } from "./markdown-prose.ts";
import type { ProvenanceReport, ProvenanceSources } from "./types.ts";

export type { Claim, ClaimKind, ProvenanceReport, ProvenanceSources } from "./types.ts";
export { ProvenanceError, isProvenanceError, type ProvenanceErrorCode } from "./errors.ts";
export { summarize, feedbackFor } from "./report.ts";
export { MD_TABLE_BEGIN, MD_TABLE_END, TEX_TABLE_BEGIN, TEX_TABLE_END, unescapeTex } from "./results-table.ts";
export { validateSources };

function paperText(text: unknown, what: string): string {
  if (typeof text !== "string")
    throw new ProvenanceError(
      "PROVENANCE_BAD_PAPER",
      `${what} must be a string, got ${text === null ? "null" : typeof text}`,
    );
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
