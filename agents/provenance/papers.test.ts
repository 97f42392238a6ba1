// Whole papers: honest ones (as the rules writer and a model write them) pass with no unsupported claim; the
// dishonest sentences of issue 12 are each caught, and only they; a ten-page paper is checked in well under 100 ms.
import { describe, expect, it } from "vitest";
import { provenanceSummarySchema } from "../../bus/index.ts";
import { TABLE_BEGIN, TABLE_END } from "../roles/writer/index.ts";
import { TEX_TABLE_BEGIN as WRITER_TEX_BEGIN, TEX_TABLE_END as WRITER_TEX_END } from "../roles/writer/index.ts";
import {
  checkLatexPaper,
  checkMarkdownPaper,
  feedbackFor,
  MD_TABLE_BEGIN,
  MD_TABLE_END,
  summarize,
  TEX_TABLE_BEGIN,
  TEX_TABLE_END,
  type ProvenanceReport,
} from "./index.ts";
import { HONEST_LATEX, HONEST_MARKDOWN, LLM_LATEX } from "./paper-fixtures.ts";
import { sources } from "./sources-fixture.ts";

// The rules writer's LaTeX keeps the template's own filecontents entries; those came with the template.
const templateEntries = ["goodfellow2016deep", "zhang2017understanding"].map((key) => ({
  key,
  source: "template",
  id: key,
}));
const withTemplate = () =>
  sources({ bib: null, recordedCitations: [...sources().recordedCitations, ...templateEntries] });
const unsupported = (r: ProvenanceReport) =>
  r.claims.filter((c) => c.verdict === "unsupported").map((c) => `${c.kind} ${c.text} @ ${c.location}: ${c.reason}`);

describe("honest papers", () => {
  it("the rules writer's Markdown paper has no unsupported claim, and its results table counts as checked", () => {
    const r = checkMarkdownPaper(HONEST_MARKDOWN, sources());
    expect(unsupported(r)).toEqual([]);
    expect(r.checked).toBeGreaterThan(100);
    expect(r.claims.filter((c) => c.location.startsWith("results table"))).toHaveLength(36);
    expect(r.claims.find((c) => c.text === "0.9781")?.source).toMatchObject({
      artifact: "run_2/final_info.json",
      path: "moons.means.val_acc",
      value: 0.97812,
    });
  });

  it("the rules writer's LaTeX paper has no unsupported claim", () => {
    const r = checkLatexPaper(HONEST_LATEX, withTemplate());
    expect(unsupported(r)).toEqual([]);
    expect(r.claims.filter((c) => c.location.startsWith("results table (paper.tex"))).toHaveLength(36);
    expect(
      r.claims
        .filter((c) => c.kind === "bib-entry")
        .map((c) => c.text)
        .sort(),
    ).toEqual(["glorot2010understanding", "goodfellow2016deep", "kingma2015adam", "zhang2017understanding"]);
  });

  it("a model's LaTeX paper (math, ±, percentages, derived values, citations) has no unsupported claim", () => {
    const r = checkLatexPaper(LLM_LATEX, sources());
    expect(unsupported(r)).toEqual([]);
    expect(r.supported).toBeGreaterThan(45);
    expect(r.claims.find((c) => c.text === "88.5%")?.source?.derivation).toBe(
      "mean over datasets of run_2 means.val_acc",
    );
    expect(r.claims.find((c) => c.text === "4.39")?.source?.derivation).toBe(
      "ratio of run_0 vs run_2 moons.means.train_loss",
    );
  });
});

describe("the dishonest sentences of issue 12", () => {
  const lie = (find: string, replace: string) => {
    if (!LLM_LATEX.includes(find)) throw new Error(`fixture lacks ${find}`);
    return checkLatexPaper(LLM_LATEX.replace(find, replace), sources());
  };

  it("catches an invented improvement in the abstract", () => {
    const r = lie(
      "with the largest relative gain on circles (22.6\\%).",
      "and improves accuracy by 12.3\\% to 97.8\\%.",
    );
    expect(unsupported(r)).toEqual([
      expect.stringMatching(
        /^number 12\.3% @ abstract \(paper\.tex line 9\): 12\.3% matches no recorded value of val_acc/,
      ),
    ]);
  });

  it("catches an experiment on CIFAR-10 that never ran", () => {
    const r = lie("Figure~\\ref{fig:acc} shows validation accuracy.", "On CIFAR-10 the same network reaches 91.2\\%.");
    expect(unsupported(r)).toEqual([
      expect.stringMatching(/^dataset CIFAR-10 @ section Results .*no run produced results on it/),
      expect.stringMatching(/^number 91\.2% @ section Results/),
    ]);
  });

  it("catches a citation absent from the bibliography and a bib entry written from memory", () => {
    const r = lie("\\citep{glorot2010understanding}", "\\citep{glorot2010understanding,he2016deep}");
    expect(unsupported(r)).toEqual([
      expect.stringMatching(/^citation he2016deep @ section Introduction .*no entry with that key/),
    ]);
    const bib = `${sources().bib}\n@inproceedings{he2016deep,\n  title = {Deep Residual Learning for Image Recognition},\n  year = {2016}\n}\n`;
    const r2 = checkLatexPaper(
      LLM_LATEX.replace("\\citep{glorot2010understanding}", "\\citep{he2016deep}"),
      sources({ bib }),
    );
    expect(unsupported(r2)).toEqual([
      expect.stringMatching(
        /^bib-entry he2016deep @ references\.bib line \d+: .*did not come from a literature source/,
      ),
    ]);
  });

  it("catches a changed number in the generated results table", () => {
    const r = checkMarkdownPaper(
      HONEST_MARKDOWN.replace("| moons | val_acc | 0.8534 |", "| moons | val_acc | 0.8634 |"),
      sources(),
    );
    expect(unsupported(r)).toEqual([
      expect.stringMatching(/^number 0\.8634 @ results table \(paper\.md line \d+\): .*has 0\.8534/),
    ]);
  });
});

describe("the report", () => {
  const r = checkLatexPaper(LLM_LATEX.replace("(22.6\\%)", "(31.4\\%) and on CIFAR-100 \\cite{nobody2024}"), sources());

  it("summarizes for the bus: counts and the unsupported claims", () => {
    const summary = summarize(r, "i1/provenance.json");
    expect(summary).toMatchObject({
      checked: r.checked,
      supported: r.supported,
      unsupported: 3,
      artifact: "i1/provenance.json",
    });
    expect(summary.claims.map((c) => c.claim)).toEqual(["31.4%", "CIFAR-100", "nobody2024"]);
    expect(summary.claims[0]!.location).toBe("abstract (paper.tex line 9)");
    expect(provenanceSummarySchema.parse(summary)).toEqual(summary);
  });

  it("caps the bus summary at 50 claims", () => {
    const many = checkMarkdownPaper(
      `# T\n\n## Results\n${Array.from({ length: 80 }, (_, i) => `Run ${i + 10} failed.`).join("\n")}\n`,
      sources(),
    );
    expect(many.unsupported).toBe(80);
    expect(summarize(many, null).claims).toHaveLength(50);
    expect(() => provenanceSummarySchema.parse(summarize(many, null))).not.toThrow();
  });

  it("writes the fix-round feedback with every unsupported claim, its location and reason", () => {
    const text = feedbackFor(r);
    expect(text).toMatch(/^3 of \d+ claims in the paper are not supported/);
    expect(text).toContain('1. [number] "31.4%" at abstract (paper.tex line 9): 31.4% matches no recorded value');
    expect(text).toContain(
      '[dataset] "CIFAR-100" at abstract (paper.tex line 9): CIFAR-100 is named as a dataset, but no run produced results on it',
    );
    expect(text).toContain(
      '[citation] "nobody2024" at abstract (paper.tex line 9): cites nobody2024, but references.bib has no entry with that key',
    );
    expect(feedbackFor(checkLatexPaper(LLM_LATEX, sources()))).toMatch(/^All \d+ claims of the paper trace/);
  });
});

describe("contract", () => {
  it("reads the results table between the writer's own markers", () => {
    expect([MD_TABLE_BEGIN, MD_TABLE_END, TEX_TABLE_BEGIN, TEX_TABLE_END]).toEqual([
      TABLE_BEGIN,
      TABLE_END,
      WRITER_TEX_BEGIN,
      WRITER_TEX_END,
    ]);
  });

  it("rejects bad input with a coded error", () => {
    expect(() => checkMarkdownPaper(null as unknown as string, sources())).toThrow(
      expect.objectContaining({ code: "PROVENANCE_BAD_PAPER" }),
    );
    expect(() => checkMarkdownPaper("x", { ...sources(), finalInfos: { first: {} } as never })).toThrow(
      expect.objectContaining({
        code: "PROVENANCE_BAD_SOURCES",
        message: expect.stringContaining('"first" is not a run index'),
      }),
    );
    expect(() =>
      checkLatexPaper("x", { ...sources(), runs: [{ runIndex: 1.5, params: {}, description: "" }] }),
    ).toThrow(expect.objectContaining({ code: "PROVENANCE_BAD_SOURCES" }));
  });

  it("is pure: the same paper and sources give the same report, and the sources are not changed", () => {
    const s = sources();
    const before = JSON.stringify(s);
    expect(checkLatexPaper(LLM_LATEX, s)).toEqual(checkLatexPaper(LLM_LATEX, s));
    expect(JSON.stringify(s)).toBe(before);
  });

  it("checks a ten-page paper in well under 100 ms", () => {
    // A page holds ~500 words: 25 copies of LLM_LATEX's sections (~210 words each) make a paper of ten pages.
    const body = LLM_LATEX.slice(
      LLM_LATEX.indexOf("\\section{Introduction}"),
      LLM_LATEX.indexOf("\\bibliographystyle"),
    );
    const tex = LLM_LATEX.replace(body, Array.from({ length: 25 }, () => body).join("\n"));
    expect(tex.split(/\s+/).length).toBeGreaterThan(4000);
    const src = sources();
    checkLatexPaper(tex, src);
    // CPU time of the fastest of five runs: the test machine is shared, so wall time measures the neighbours.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = process.cpuUsage();
      const r = checkLatexPaper(tex, src);
      const used = process.cpuUsage(before);
      times.push((used.user + used.system) / 1000);
      expect(r.unsupported).toBe(0);
    }
    expect(Math.min(...times)).toBeLessThan(100);
  });
});
