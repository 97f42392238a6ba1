// The seed's few-shot reviews (perform_review.py get_review_fewshot_examples): three ICLR papers with a review each,
// shown in this order, the first `num_fs_examples` of them. They are read from config.data.iclr2022/fewshot, never
// bundled into the repository.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ReviewerError } from "./errors.ts";

/** The seed's order of fewshot_papers / fewshot_reviews. */
export const fewShotNames = ["132_automated_relational", "attention", "2_carpe_diem"] as const;

export interface FewShotExample {
  name: string;
  /** The paper's text (the seed's `.txt` beside the PDF). */
  paper: string;
  /** The review as the seed inserts it: the `review` field of the `.json`, a JSON text. */
  review: string;
}

const where = "config data.iclr2022 (environment SCIENTIST_ICLR2022)";

/** The files `count` examples need; throws a coded error naming the path and the key when any is missing. */
export function fewShotFiles(
  iclr2022: string | null,
  count: number,
): Array<{ name: string; txt: string; json: string }> {
  if (count <= 0) return [];
  if (!iclr2022) {
    throw new ReviewerError(
      "REVIEWER_FEWSHOT_MISSING",
      `reviewer.fewShot is ${count} but no ICLR 2022 data folder is configured: ${where} is null; point SCIENTIST_ICLR2022 at the folder holding fewshot/, or set roles.reviewer.config.fewShot: 0`,
    );
  }
  const files = fewShotNames.slice(0, count).map((name) => ({
    name,
    txt: join(iclr2022, "fewshot", `${name}.txt`),
    json: join(iclr2022, "fewshot", `${name}.json`),
  }));
  for (const file of files.flatMap((f) => [f.txt, f.json])) {
    if (!existsSync(file)) {
      throw new ReviewerError(
        "REVIEWER_FEWSHOT_MISSING",
        `reviewer.fewShot is ${count} but ${file} does not exist (${where} = ${iclr2022}); or set roles.reviewer.config.fewShot: 0`,
      );
    }
  }
  return files;
}

/** Reads the first `count` few-shot papers and reviews. */
export async function loadFewShot(iclr2022: string | null, count: number): Promise<FewShotExample[]> {
  const examples: FewShotExample[] = [];
  for (const file of fewShotFiles(iclr2022, count)) {
    const [paper, raw] = await Promise.all([readFile(file.txt, "utf8"), readFile(file.json, "utf8")]);
    let review: unknown;
    try {
      review = (JSON.parse(raw) as { review?: unknown }).review;
    } catch (error) {
      throw new ReviewerError(
        "REVIEWER_FEWSHOT_INVALID",
        `${file.json} is not valid JSON: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (review === undefined || review === null)
      throw new ReviewerError("REVIEWER_FEWSHOT_INVALID", `${file.json} has no "review" field`);
    examples.push({
      name: file.name,
      paper,
      review: typeof review === "string" ? review : JSON.stringify(review, null, 4),
    });
  }
  return examples;
}
