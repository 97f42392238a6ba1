import { describe, expect, it } from "vitest";
import { createBm25Builder, tokenize } from "./index.ts";

describe("tokenize", () => {
  it("lower-cases, strips punctuation and accents, drops stop words and one-letter tokens", () => {
    expect(tokenize("The Lottery-Ticket Hypothesis: a Study of Müller's (2019) nets!")).toEqual([
      "lottery",
      "ticket",
      "hypothesis",
      "study",
      "muller",
      "2019",
      "net",
    ]);
  });

  it("folds plain plurals so queries match either number", () => {
    expect(tokenize("networks dynamics studies loss focus")).toEqual(["network", "dynamic", "study", "loss", "focus"]);
    expect(tokenize("network dynamic study")).toEqual(["network", "dynamic", "study"]);
  });
});

describe("BM25 index", () => {
  const build = (docs: Array<[string, string]>, titleBoost?: number) => {
    const builder = createBm25Builder({ titleBoost });
    for (const [title, abstract] of docs) builder.add(title, abstract);
    return builder.finish();
  };

  it("ranks a title match above the same words deep in an abstract", () => {
    const index = build([
      ["Convolutional networks for images", "We also mention label noise once in passing among many other words here."],
      ["Learning with label noise", "A short abstract."],
      ["Unrelated work on parsing", "Grammar induction."],
    ]);
    const hits = index.search("label noise", 10);
    expect(hits.map((h) => h.doc)).toEqual([1, 0]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("prefers documents matching rarer terms", () => {
    const index = build([
      ["training networks", "training"],
      ["training networks momentum", "training"],
      ["training networks", "training networks"],
    ]);
    expect(index.search("training momentum", 1)[0]!.doc).toBe(1);
  });

  it("respects the limit, returns nothing for stop-word-only or unknown queries, and breaks ties by insertion order", () => {
    const index = build([
      ["same title", "same"],
      ["same title", "same"],
      ["same title", "same"],
    ]);
    expect(index.search("same", 2).map((h) => h.doc)).toEqual([0, 1]);
    expect(index.search("the of and", 10)).toEqual([]);
    expect(index.search("zebra", 10)).toEqual([]);
    expect(index.search("same", 0)).toEqual([]);
    expect(index.stats).toEqual({ documents: 3, terms: 2, postings: 6 });
  });

  it("searches an empty index without failing", () => {
    expect(build([]).search("anything", 5)).toEqual([]);
  });
});
