import { describe, expect, it } from "vitest";
import { parseRatings, stratifiedSample } from "./dataset.ts";

const tsv = [
  "paper_id\t0\t1\t2\tdecision",
  "a\t6.0\t8.0\t\tAccept (Oral)",
  "b\t3.0\t\t\tReject",
  "c\t5.0\t6.0\t7.0\tAccept (Poster)",
  "d\t4\t4\t\tUnknown",
  "e\t2\t\t\tReject",
  "f\t5\t\t\tAccept (Spotlight)",
].join("\n");

describe("ICLR 2022 ratings and the stratified sample", () => {
  it("averages the human scores and simplifies the decision as the original did, dropping Unknown", () => {
    const { ratings, skipped } = parseRatings(tsv);
    expect(skipped).toBe(1);
    expect(ratings.map((r) => [r.id, r.mean, r.decision])).toEqual([
      ["a", 7, "Accept"],
      ["b", 3, "Reject"],
      ["c", 6, "Accept"],
      ["e", 2, "Reject"],
      ["f", 5, "Accept"],
    ]);
  });

  it("names a file without the columns it needs", () => {
    expect(() => parseRatings("id\tscore\nx\t3\n")).toThrow(/expected columns paper_id, 0..6 and decision/);
  });

  const many = Array.from({ length: 100 }, (_, i) => ({
    id: `p${i}`,
    scores: [5],
    mean: 5,
    venueDecision: i < 37 ? "Accept (Poster)" : "Reject",
    decision: (i < 37 ? "Accept" : "Reject") as "Accept" | "Reject",
  }));

  it("keeps the accept/reject ratio and is deterministic per seed, whatever the input order", () => {
    const a = stratifiedSample(many, 20, 1);
    expect(a).toHaveLength(20);
    expect(a.filter((r) => r.decision === "Accept")).toHaveLength(7); // round(20 * 37 / 100)
    expect(stratifiedSample([...many].reverse(), 20, 1).map((r) => r.id)).toEqual(a.map((r) => r.id));
    expect(stratifiedSample(many, 20, 2).map((r) => r.id)).not.toEqual(a.map((r) => r.id));
    expect(new Set(a.map((r) => r.id)).size).toBe(20);
  });

  it("refuses sample sizes outside 1..all", () => {
    expect(() => stratifiedSample(many, 0, 1)).toThrow(/--papers must be a whole number from 1 to 100, got 0/);
    expect(() => stratifiedSample(many, 101, 1)).toThrow(/got 101/);
  });
});
