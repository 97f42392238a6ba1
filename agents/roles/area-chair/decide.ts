import type { Payload, Review } from "../../../bus/index.ts";

type Decided = Payload<"paper.decided">;
export type SeatReview = Decided["reviews"][number];

const NUMERIC = ["Originality", "Quality", "Clarity", "Significance", "Soundness", "Presentation", "Contribution", "Overall", "Confidence"] as const;

/** The seed's aggregation: each numeric score is the rounded mean over the panel; accept iff Overall >= threshold. */
export function aggregate(reviews: SeatReview[], threshold: number): { scores: Record<string, number>; overall: number; decision: "Accept" | "Reject" } {
  const scores: Record<string, number> = {};
  for (const key of NUMERIC) {
    const mean = reviews.reduce((s, r) => s + (r.review[key] as number), 0) / Math.max(1, reviews.length);
    scores[key] = Math.round(mean);
  }
  const overall = scores.Overall ?? 0;
  return { scores, overall, decision: overall >= threshold ? "Accept" : "Reject" };
}

/** Rules meta-review: the panel's verdicts and the points most reviewers raised. */
export function metaReviewRules(title: string, reviews: SeatReview[], overall: number, decision: string, threshold: number): string {
  const tally = (pick: (r: Review) => string[]) => {
    const counts = new Map<string, number>();
    for (const r of reviews) for (const item of pick(r.review)) counts.set(item, (counts.get(item) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([text, n]) => `${text} (${n}/${reviews.length})`);
  };
  const verdicts = reviews.map((r) => `${r.persona}: ${r.review.Overall} (${r.review.Decision})`).join("; ");
  return [
    `Meta-review of "${title}" by a panel of ${reviews.length} (rules policy, no language model).`,
    `Scores: ${verdicts}. Rounded mean Overall ${overall} against a threshold of ${threshold}: ${decision}.`,
    `Strengths most often raised: ${tally((r) => r.Strengths).join(" ") || "none"}`,
    `Weaknesses most often raised: ${tally((r) => r.Weaknesses).join(" ") || "none"}`,
  ].join("\n");
}
