// The original's own LLM reviews of the same 500 papers (seed-llm-reviews/<setting>.csv, written by its
// iclr_analysis.py): one row per paper with the NeurIPS form and `Decision` ("Accept"/"Reject"). The original
// scored the `Decision` column (get_perf_metrics), so that is what decides here; Overall (1-10) ranks for AUC and
// correlations. A row whose Overall or Decision is missing or NaN is a failed review: counted, left out.
import { readFileSync } from "node:fs";
import { parseCsv } from "./csv.ts";
import type { Decision, HumanRating } from "./dataset.ts";
import { ReviewBenchError } from "./errors.ts";
import { balancedAccuracy, metricsOf, type Metrics } from "./metrics.ts";

export interface SeedReview {
  id: string;
  overall: number;
  decision: Decision;
}

export interface SeedSetting {
  setting: string;
  reviews: Map<string, SeedReview>;
  /** Paper ids whose row is there but unusable (NaN Overall or Decision). */
  failed: string[];
}

export interface BaselineRow {
  source: "seed";
  setting: string;
  scope: "sample" | "all";
  /** Papers in scope. */
  papers: number;
  /** Of those: reviewed with a usable row, failed (NaN row), missing from the file. */
  reviewed: number;
  failed: number;
  missing: number;
  metrics: Metrics;
  /** Balanced accuracy when Overall >= the area chair's threshold decides instead of the Decision column. */
  balancedAccuracyAtThreshold: number | null;
}

export function parseSeedReviews(csv: string, setting: string): SeedSetting {
  const rows = parseCsv(csv, `${setting}.csv`);
  if (rows.length > 0 && !("paper_id" in rows[0]! && "Overall" in rows[0]! && "Decision" in rows[0]!)) {
    throw new ReviewBenchError(
      "BENCH_BAD_DATA",
      `${setting}.csv: expected columns paper_id, Overall and Decision, got ${Object.keys(rows[0]!).join(", ")}`,
    );
  }
  const reviews = new Map<string, SeedReview>();
  const failed: string[] = [];
  for (const row of rows) {
    const id = row.paper_id!;
    const overall = row.Overall!.trim() === "" ? Number.NaN : Number(row.Overall);
    const decision = row.Decision!.trim();
    if (!Number.isFinite(overall) || (decision !== "Accept" && decision !== "Reject")) failed.push(id);
    else reviews.set(id, { id, overall, decision });
  }
  return { setting, reviews, failed };
}

export function loadSeedSetting(path: string, setting: string): SeedSetting {
  return parseSeedReviews(readFileSync(path, "utf8"), setting);
}

/** One setting's figures over the papers in scope (its failed and missing rows are counted, not scored). */
export function baselineRow(
  seed: SeedSetting,
  papers: HumanRating[],
  scope: BaselineRow["scope"],
  threshold: number,
): BaselineRow {
  const scored = papers.filter((p) => seed.reviews.has(p.id));
  const failed = papers.filter((p) => seed.failed.includes(p.id)).length;
  const judged = scored.map((p) => {
    const r = seed.reviews.get(p.id)!;
    return { truth: p.decision === "Accept", predicted: r.decision === "Accept", score: r.overall, human: p.mean };
  });
  return {
    source: "seed",
    setting: seed.setting,
    scope,
    papers: papers.length,
    reviewed: scored.length,
    failed,
    missing: papers.length - scored.length - failed,
    metrics: metricsOf(judged),
    balancedAccuracyAtThreshold: balancedAccuracy(
      judged.map((j) => j.truth),
      judged.map((j) => j.score >= threshold),
    ),
  };
}
