import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bibtexKey, miniCorpusPath, toBibliography, toBibtex, type Paper } from "./index.ts";
import { parseBibtexEntry } from "./testing/fixtures.ts";

const adam: Paper = {
  id: "x1",
  title: "Adam: A Method for Stochastic Optimization",
  abstract: "",
  authors: ["Diederik P. Kingma", "Jimmy Ba"],
  venue: "ICLR",
  year: 2015,
  citations: null,
  source: "offline",
  score: 1,
};

describe("BibTeX", () => {
  it("derives a stable key from first author, year and first significant title word", () => {
    expect(bibtexKey(adam)).toBe("kingma2015adam");
    expect(
      bibtexKey({ ...adam, title: "On the Spectral Bias of Neural Networks", authors: ["Nasim Rahaman"], year: 2019 }),
    ).toBe("rahaman2019spectral");
    expect(bibtexKey({ ...adam, authors: ["Lénaïc Chizat"], title: "On Lazy Training", year: 2019 })).toBe(
      "chizat2019lazy",
    );
    expect(bibtexKey({ ...adam, authors: [], year: null, title: "The" })).toBe("anonndthe");
  });

  it("writes a valid inproceedings entry with authors in Last, First form", () => {
    const entry = parseBibtexEntry(toBibtex(adam));
    expect(entry).toEqual({
      type: "inproceedings",
      key: "kingma2015adam",
      fields: {
        title: "Adam: A Method for Stochastic Optimization",
        author: "Kingma, Diederik P. and Ba, Jimmy",
        booktitle: "ICLR",
        year: "2015",
      },
    });
  });

  it("uses article for journals and misc for arXiv or unknown venues", () => {
    expect(parseBibtexEntry(toBibtex({ ...adam, venue: "Journal of Machine Learning Research" })).fields.journal).toBe(
      "Journal of Machine Learning Research",
    );
    expect(parseBibtexEntry(toBibtex({ ...adam, venue: "arXiv" })).type).toBe("misc");
    expect(parseBibtexEntry(toBibtex({ ...adam, venue: null, year: null })).fields).not.toHaveProperty("year");
  });

  it("escapes LaTeX specials and drops stray braces so the entry stays well-formed", () => {
    const nasty = { ...adam, title: "Fast {Nets} & 100% of $\\mathcal{X}$_y #1 ~ ^}", authors: ["A. {B}"] };
    const entry = parseBibtexEntry(toBibtex(nasty));
    expect(entry.fields.title).toBe(
      "Fast Nets \\& 100\\% of \\$\\textbackslash{}mathcalX\\$\\_y \\#1 \\textasciitilde{} \\textasciicircum{}",
    );
    expect(entry.fields.author).toBe("B, A.");
  });

  it("makes colliding keys unique with letter suffixes and lists each paper once", () => {
    const twin = { ...adam, id: "x2", title: "Adam Revisited" };
    const { keys, bibtex } = toBibliography([adam, twin, adam]);
    expect([...keys.entries()]).toEqual([
      ["x1", "kingma2015adam"],
      ["x2", "kingma2015adamb"],
    ]);
    const entries = bibtex.trim().split("\n\n");
    expect(entries).toHaveLength(2);
    for (const entry of entries) parseBibtexEntry(entry);
  });

  it("gives every paper of the bundled mini corpus a distinct key and a well-formed entry", () => {
    const papers = readFileSync(miniCorpusPath(), "utf8")
      .trim()
      .split("\n")
      .map((line) => ({
        ...(JSON.parse(line) as Omit<Paper, "source" | "score" | "citations">),
        citations: null,
        source: "offline",
        score: 0,
      }));
    expect(new Set(papers.map(bibtexKey)).size).toBe(papers.length);
    const { bibtex } = toBibliography(papers);
    const entries = bibtex.trim().split("\n\n");
    expect(entries).toHaveLength(papers.length);
    for (const entry of entries) expect(() => parseBibtexEntry(entry)).not.toThrow();
  });
});
