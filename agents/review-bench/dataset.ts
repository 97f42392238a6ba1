// The original's ICLR 2022 benchmark files (review_iclr_bench/): human ratings and decisions, paper texts, and the
// original's own LLM reviews. Read in place from config.data.iclr2022; never copied into the repository.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ReviewBenchError } from "./errors.ts";

export type Decision = "Accept" | "Reject";

export interface HumanRating {
  id: string;
  scores: number[];
  /** Mean of the human reviewers' scores (the original's np.nanmean over columns 0-6). */
  mean: number;
  /** OpenReview's decision as written ("Accept (Poster)"). */
  venueDecision: string;
  /** Oral / Spotlight / Poster count as Accept, as in the original's `simplified_decision`. */
  decision: Decision;
}

export interface IclrData {
  dir: string;
  ratings: HumanRating[];
  /** Rows the original filtered out too (decision "Unknown"). */
  skipped: number;
  paperText(id: string): string;
  /** The original's LLM review files, by setting name (file name without .csv). */
  seedSettings: string[];
  seedCsvPath(setting: string): string;
}

const ACCEPTED = new Set(["Accept (Oral)", "Accept (Poster)", "Accept (Spotlight)"]);

export function parseRatings(tsv: string): { ratings: HumanRating[]; skipped: number } {
  const [header, ...lines] = tsv
    .replace(/\r/g, "")
    .split("\n")
    .filter((l) => l.trim());
  const cols = header?.split("\t") ?? [];
  const idCol = cols.indexOf("paper_id");
  const decisionCol = cols.indexOf("decision");
  const scoreCols = cols.map((c, i) => (/^\d+$/.test(c) ? i : -1)).filter((i) => i >= 0);
  if (idCol < 0 || decisionCol < 0 || scoreCols.length === 0) {
    throw new ReviewBenchError(
      "BENCH_BAD_DATA",
      `ratings.tsv: expected columns paper_id, 0..6 and decision, got ${cols.join(", ")}`,
    );
  }
  const ratings: HumanRating[] = [];
  let skipped = 0;
  for (const line of lines) {
    const f = line.split("\t");
    const venueDecision = f[decisionCol]?.trim() ?? "";
    if (venueDecision === "Unknown" || venueDecision === "") {
      skipped++;
      continue;
    }
    const scores = scoreCols
      .map((i) => f[i]?.trim() ?? "")
      .filter((v) => v !== "" && v.toLowerCase() !== "nan")
      .map(Number);
    if (scores.length === 0 || scores.some((s) => !Number.isFinite(s)))
      throw new ReviewBenchError("BENCH_BAD_DATA", `ratings.tsv: paper ${f[idCol]} has no numeric scores`);
    ratings.push({
      id: f[idCol]!,
      scores,
      mean: scores.reduce((a, b) => a + b, 0) / scores.length,
      venueDecision,
      decision: ACCEPTED.has(venueDecision) ? "Accept" : "Reject",
    });
  }
  return { ratings, skipped };
}

export function loadIclrData(dir: string | null): IclrData {
  if (!dir)
    throw new ReviewBenchError(
      "BENCH_NO_DATA",
      "no ICLR 2022 data: pass --data DIR or set SCIENTIST_ICLR2022 (the folder with ratings.tsv, papers/, seed-llm-reviews/)",
    );
  for (const need of ["ratings.tsv", "papers", "seed-llm-reviews"]) {
    if (!existsSync(join(dir, need)))
      throw new ReviewBenchError("BENCH_NO_DATA", `ICLR 2022 data at ${dir} lacks ${need}`);
  }
  const { ratings, skipped } = parseRatings(readFileSync(join(dir, "ratings.tsv"), "utf8"));
  const seedSettings = readdirSync(join(dir, "seed-llm-reviews"))
    .filter((f) => f.endsWith(".csv"))
    .map((f) => f.slice(0, -4))
    .sort();
  return {
    dir,
    ratings,
    skipped,
    seedSettings,
    seedCsvPath: (setting) => join(dir, "seed-llm-reviews", `${setting}.csv`),
    paperText: (id) => {
      const path = join(dir, "papers", `${id}.txt`);
      if (!existsSync(path)) throw new ReviewBenchError("BENCH_NO_DATA", `no text for paper ${id} (${path})`);
      return readFileSync(path, "utf8");
    },
  };
}

const rank = (seed: number, id: string) => createHash("sha256").update(`${seed}:${id}`).digest("hex");

/**
 * N papers with the accept/reject ratio of the whole set (largest-remainder rounding), chosen by a seeded hash
 * order: the same seed always gives the same papers, in the same order, whatever order the file lists them in.
 */
export function stratifiedSample(ratings: HumanRating[], n: number, seed: number): HumanRating[] {
  if (!Number.isInteger(n) || n < 1 || n > ratings.length) {
    throw new ReviewBenchError(
      "BENCH_BAD_ARGUMENT",
      `--papers must be a whole number from 1 to ${ratings.length}, got ${n}`,
    );
  }
  const byHash = (list: HumanRating[]) => [...list].sort((a, b) => (rank(seed, a.id) < rank(seed, b.id) ? -1 : 1));
  const accepted = byHash(ratings.filter((r) => r.decision === "Accept"));
  const rejected = byHash(ratings.filter((r) => r.decision === "Reject"));
  const nAccept = Math.round((n * accepted.length) / ratings.length);
  return byHash([...accepted.slice(0, nAccept), ...rejected.slice(0, n - nAccept)]);
}
