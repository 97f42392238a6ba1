import type { Payload, Review } from "../../../bus/index.ts";
import { describeUnsupported } from "../reviewer/index.ts";

type Drafted = Payload<"paper.drafted">;
type Decided = Payload<"paper.decided">;
export type SeatReview = Decided["reviews"][number];
export type FailedSeat = Decided["failedSeats"][number];

const NUMERIC = [
  "Originality",
  "Quality",
  "Clarity",
  "Significance",
  "Soundness",
  "Presentation",
  "Contribution",
  "Overall",
  "Confidence",
] as const;

/** The seed's aggregation: each numeric score is the rounded mean over the panel; accept iff Overall >= threshold. */
export function aggregate(
  reviews: SeatReview[],
  threshold: number,
): { scores: Record<string, number>; overall: number; decision: "Accept" | "Reject" } {
  const scores: Record<string, number> = {};
  for (const key of NUMERIC) {
    const mean = reviews.reduce((s, r) => s + (r.review[key] as number), 0) / Math.max(1, reviews.length);
    scores[key] = Math.round(mean);
  }
  const overall = scores.Overall ?? 0;
  return { scores, overall, decision: overall >= threshold ? "Accept" : "Reject" };
}

/**
 * The panel's decision: the seed's aggregation, except that a paper with claims its provenance check could not
 * trace cannot be accepted. Its scores stay the rounded means; `overruled` says why the threshold's Accept did not
 * stand. A paper with no provenance check (null: not written by this swarm) is decided on its scores alone.
 */
export function panelDecision(paper: Drafted, reviews: SeatReview[], threshold: number) {
  const { scores, overall, decision } = aggregate(reviews, threshold);
  const unsupported = describeUnsupported(paper);
  if (decision === "Accept" && unsupported) {
    return {
      scores,
      overall,
      decision: "Reject" as const,
      overruled: `${unsupported}. A paper with unsupported claims cannot be accepted (its Overall ${overall} reaches the threshold ${threshold}).`,
    };
  }
  return { scores, overall, decision, overruled: null };
}

/** Rules meta-review: the panel's verdicts and the points most reviewers raised. */
export function metaReviewRules(
  paper: Drafted,
  reviews: SeatReview[],
  failed: FailedSeat[],
  threshold: number,
): string {
  const { overall, decision, overruled } = panelDecision(paper, reviews, threshold);
  const tally = (pick: (r: Review) => string[]) => {
    const counts = new Map<string, number>();
    for (const r of reviews) for (const item of pick(r.review)) counts.set(item, (counts.get(item) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([text, n]) => `${text} (${n}/${reviews.length})`);
  };
  const verdicts = reviews.map((r) => `${r.persona}: ${r.review.Overall} (${r.review.Decision})`).join("; ");
  return [
    `Meta-review of "${paper.title}" by a panel of ${reviews.length} (rules policy, no language model).`,
    ...(failed.length
      ? [`Seats that could not review: ${failed.map((f) => `seat ${f.seat} (${f.reason})`).join("; ")}.`]
      : []),
    `Scores: ${verdicts}. Rounded mean Overall ${overall} against a threshold of ${threshold}: ${decision}.`,
    ...(overruled ? [`Overruled: ${overruled}`] : []),
    ...provenanceLine(paper),
    `Strengths most often raised: ${tally((r) => r.Strengths).join(" ") || "none"}`,
    `Weaknesses most often raised: ${tally((r) => r.Weaknesses).join(" ") || "none"}`,
  ].join("\n");
}

export function provenanceLine(paper: Drafted): string[] {
  const p = paper.provenance;
  if (!p) return [];
  return [
    `Provenance: ${p.supported} of ${p.checked} checked claims traced to the runs, settings or bibliography; ${describeUnsupported(paper) ?? "no unsupported claims"}.`,
  ];
}
