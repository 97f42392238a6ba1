// The report as it travels (the bus summary) and as the writer's fix round reads it.
import type { ProvenanceSummary } from "../../bus/index.ts";
import type { ProvenanceReport } from "./types.ts";

const MAX_SUMMARY_CLAIMS = 50;

/** The summary for paper.drafted / paper.decided: counts and the first 50 unsupported claims. */
export function summarize(report: ProvenanceReport, artifact: string | null): ProvenanceSummary {
  return {
    checked: report.checked,
    supported: report.supported,
    unsupported: report.unsupported,
    artifact,
    claims: report.claims
      .filter((c) => c.verdict === "unsupported")
      .slice(0, MAX_SUMMARY_CLAIMS)
      .map((c) => ({ claim: c.text, location: c.location, reason: c.reason ?? "unsupported" })),
  };
}

/** The fix-round prompt: every unsupported claim with where it is, what it says and why it fails. */
export function feedbackFor(report: ProvenanceReport): string {
  const bad = report.claims.filter((c) => c.verdict === "unsupported");
  if (bad.length === 0)
    return `All ${report.checked} claims of the paper trace to the run artifacts, the setup or the bibliography.`;
  const lines = bad.map(
    (c, i) =>
      `${i + 1}. [${c.kind}] "${c.text}" at ${c.location}: ${c.reason ?? "unsupported"}${c.sentence ? `\n   Sentence: "${c.sentence}"` : ""}`,
  );
  return [
    `${bad.length} of ${report.checked} claims in the paper are not supported by the run artifacts (final_info.json), the settings or the bibliography.`,
    "Correct each one: print the recorded value with correct rounding, cite only entries of references.bib, name only datasets and figures the runs produced, or remove the claim.",
    "",
    ...lines,
  ].join("\n");
}
