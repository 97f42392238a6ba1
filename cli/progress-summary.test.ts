import { describe, expect, it } from "vitest";
import { missingPdfLines } from "./progress-summary.ts";

describe("the run summary's missing-PDF lines", () => {
  it("says loudly which papers have no PDF and why, and nothing when every paper has one", () => {
    expect(missingPdfLines([{ idea: "a", pdf: "a/paper.pdf", latexStatus: "ok" }])).toEqual([]);
    const lines = missingPdfLines([
      { idea: "a", pdf: "a/paper.pdf", latexStatus: "ok" },
      { idea: "b", pdf: null, latexStatus: "latex image missing: scientist sandbox build latex" },
    ]);
    expect(lines.join("")).toBe(
      "!!! 1 of 2 paper(s) have NO PDF (the Markdown paper stands):\n!!!   b: latex image missing: scientist sandbox build latex\n",
    );
  });
});
