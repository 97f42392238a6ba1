/** Lines of the run's summary that must not be missed: papers that have no PDF, and why (their latexStatus). */
export function missingPdfLines(
  papers: ReadonlyArray<{ idea: string; pdf: string | null; latexStatus: string }>,
): string[] {
  const missing = papers.filter((p) => p.pdf === null);
  if (missing.length === 0) return [];
  return [
    `!!! ${missing.length} of ${papers.length} paper(s) have NO PDF (the Markdown paper stands):\n`,
    ...missing.map((p) => `!!!   ${p.idea}: ${p.latexStatus}\n`),
  ];
}
