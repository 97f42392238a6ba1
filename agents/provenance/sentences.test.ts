// Hand-written sentences, each with what the checker must say about its claims.
import { describe, expect, it } from "vitest";
import { checkLatexPaper, checkMarkdownPaper, type ProvenanceReport, type ProvenanceSources } from "./index.ts";
import { sources } from "./sources-fixture.ts";

const md = (text: string, over: Partial<ProvenanceSources> = {}) =>
  checkMarkdownPaper(`# A study\n\n## Results\n${text}\n`, sources(over));
const tex = (text: string, over: Partial<ProvenanceSources> = {}) =>
  checkLatexPaper(`\\section{Results}\n${text}\n`, sources(over));
// The fixture's two bib entries are claims of every paper; the sentences' own claims are the rest.
const verdicts = (r: ProvenanceReport, kind?: string) =>
  Object.fromEntries(
    r.claims.filter((c) => (kind ? c.kind === kind : c.kind !== "bib-entry")).map((c) => [c.text, c.verdict]),
  );
const reasonOf = (r: ProvenanceReport, text: string) => r.claims.find((c) => c.text === text)?.reason ?? "";

describe("numbers as recorded, with the rounding the text uses", () => {
  it.each([
    ["Validation accuracy on moons reaches 97.8% with run_2.", "97.8%"],
    ["Validation accuracy on moons reaches 97.81 % with run_2.", "97.81 %"],
    ["Validation accuracy on moons reaches 0.978 with run_2.", "0.978"],
    ["The validation loss on circles falls to 0.169 in run_1.", "0.169"],
    ["On circles, run_2 reaches an accuracy of 94.5%.", "94.5%"],
    ["On circles, run_2 reaches an accuracy of 94.6%.", "94.6%"],
  ])("%s", (sentence, claim) => {
    expect(verdicts(md(sentence))[claim]).toBe("supported");
  });

  it("flags a wrong rounding and says what the record prints as", () => {
    const r = md("Validation accuracy on moons reaches 97.9% with run_2.");
    expect(verdicts(r)["97.9%"]).toBe("unsupported");
    expect(reasonOf(r, "97.9%")).toMatch(/prints as 97\.8%/);
    expect(verdicts(md("Validation accuracy on moons reaches 0.9782 with run_2."))["0.9782"]).toBe("unsupported");
  });

  it("does not accept truncation (0.1687 printed as 0.168)", () => {
    expect(verdicts(md("The validation loss on circles falls to 0.168 in run_1."))["0.168"]).toBe("unsupported");
  });

  it("does not accept a number merely close to a record", () => {
    // 0.9779 would be "close" to 97.8 but no record rounds to it.
    expect(verdicts(md("Validation accuracy on moons reaches 97.79% with run_2."))["97.79%"]).toBe("unsupported");
  });

  it("refuses numbers too coarse to trace (one significant digit, not exact)", () => {
    // two_spirals run_1 has 0.7121: it rounds to 0.7, but one digit fits too much to count as a trace.
    const r = md("Accuracy on two_spirals is about 0.7 for run_1.");
    expect(verdicts(r)["0.7"]).toBe("unsupported");
    expect(reasonOf(r, "0.7")).toMatch(/too coarse to trace/);
    // Exactly a setting (the template's accuracy target 0.9) is fine with one digit.
    expect(verdicts(md("The accuracy target is 0.9."))["0.9"]).toBe("supported");
  });

  it("checks both ends of a range", () => {
    expect(verdicts(md("The accuracy of run_2 lies between 73.0% and 97.8% across datasets."))).toMatchObject({
      "73.0%": "supported",
      "97.8%": "supported",
    });
    expect(verdicts(md("The accuracy of run_2 lies between 73.0% and 99.1% across datasets."))).toMatchObject({
      "73.0%": "supported",
      "99.1%": "unsupported",
    });
    expect(verdicts(md("Run_2 accuracy spans 0.73–0.98."))).toMatchObject({ "0.73": "supported", "0.98": "supported" });
    // The unit written once applies to both ends.
    expect(verdicts(md("Run_2 accuracy spans 73–98%."))).toMatchObject({ "73": "supported", "98%": "supported" });
  });

  it("reads scientific notation", () => {
    expect(verdicts(md("The generalization gap on moons is 9.2e-3 for run_2."))["9.2e-3"]).toBe("supported");
    expect(verdicts(md("The generalization gap on moons is 9.2 × 10^-3 for run_2."))["9.2 × 10^-3"]).toBe("supported");
    expect(verdicts(md("The generalization gap on moons is 9.5e-3 for run_2."))["9.5e-3"]).toBe("unsupported");
  });

  it("reads thousands separators", () => {
    const over = { settings: { ...sources().settings, train_samples: 7500 } };
    expect(verdicts(md("Each dataset has 7,500 training points.", over))["7,500"]).toBe("supported");
    expect(verdicts(md("Each dataset has 8,500 training points.", over))["8,500"]).toBe("unsupported");
  });

  it("reads the unicode minus and the sign of a record", () => {
    // gen_gap on moons: 0.0092 (run_2) - 0.0221 (run_0) = -0.0129.
    expect(verdicts(md("The change in gen_gap on moons is −0.0129 for run_2."))["−0.0129"]).toBe("supported");
    expect(verdicts(md("The change in gen_gap on moons is -0.0129 for run_2."))["-0.0129"]).toBe("supported");
    expect(verdicts(md("The baseline accuracy on moons is −0.8534."))["−0.8534"]).toBe("unsupported");
  });

  it("reads ± spreads from the stds of the same record", () => {
    const r = md("On moons, run_2 reaches 97.81 ± 0.33% accuracy.");
    expect(verdicts(r)).toMatchObject({ "97.81": "supported", "0.33%": "supported" });
    expect(r.claims.find((c) => c.text === "0.33%")?.source).toMatchObject({ path: "moons.stds.val_acc" });
    expect(verdicts(md("On moons, run_2 reaches 97.81 ± 0.50% accuracy."))["0.50%"]).toBe("unsupported");
  });
});

describe("derived values", () => {
  it("accepts a difference of two recorded values and records the derivation", () => {
    const r = md("Run_2 improves moons accuracy by 0.1247 over the baseline.");
    expect(verdicts(r)["0.1247"]).toBe("supported");
    expect(r.claims.find((c) => c.text === "0.1247")?.source?.derivation).toBe(
      "difference of run_2 vs run_0 moons.means.val_acc",
    );
  });

  it("accepts percent changes and percentage points", () => {
    expect(verdicts(md("On moons, accuracy improves by 14.6% relative to the baseline."))["14.6%"]).toBe("supported");
    expect(verdicts(md("On moons, accuracy improves by 12.5 percentage points."))["12.5 percentage points"]).toBe(
      "supported",
    );
    expect(verdicts(md("On moons, accuracy improves by 12.5 pp."))["12.5 pp"]).toBe("supported");
    expect(verdicts(md("On moons, accuracy improves by 14.6 percent."))["14.6 percent"]).toBe("supported");
  });

  it("wants more digits for a derived value than for a recorded one", () => {
    // 17.4 points on circles, honest but whole: too many differences and changes of the study fit a whole percent.
    const r = md("On circles, accuracy improves by 17% over the baseline.");
    expect(verdicts(r)["17%"]).toBe("unsupported");
    expect(reasonOf(r, "17%")).toMatch(/too coarse to trace .*at least 3 significant digits, or 2 and a decimal/);
    expect(verdicts(md("On circles, accuracy improves by 17.4% over the baseline."))["17.4%"]).toBe("supported");
    // A recorded value may be rounded to two digits: 0.9712 is 97%.
    expect(verdicts(md("On moons, run_1 reaches 97% accuracy."))["97%"]).toBe("supported");
  });

  it("accepts a ratio only where the text says it is one", () => {
    // moons train_loss: 0.3121 / 0.0711 = 4.39
    expect(verdicts(md("On moons the training loss of the baseline is 4.39× that of run_2."))["4.39"]).toBe(
      "supported",
    );
    expect(verdicts(md("On moons the training loss is 4.39."))["4.39"]).toBe("unsupported");
  });

  it("does not let a number of another metric support a sentence about accuracy", () => {
    // 12.3 points is a difference of two_spirals val_loss (0.6733 - 0.5502), not of any accuracy.
    const r = md("Our method improves accuracy by 12.3% to 97.8%.");
    expect(verdicts(r)).toMatchObject({ "12.3%": "unsupported", "97.8%": "supported" });
  });
});

describe("settings, counts and structure", () => {
  it("accepts settings of the setup and of the runs", () => {
    expect(verdicts(md("We train for 200 epochs with a learning rate of 0.05."))).toMatchObject({
      "200": "supported",
      "0.05": "supported",
    });
    expect(verdicts(md("We train with a learning rate of 0.07."))["0.07"]).toBe("unsupported");
  });

  it("takes numbers of the coder's run descriptions only as written", () => {
    const runs = [
      ...sources().runs,
      { runIndex: 4, params: {}, description: "clip gradients at 2.5 and reach 96.1% accuracy" },
    ];
    expect(verdicts(md("Run 4 clips gradients at 2.5.", { runs }))["2.5"]).toBe("supported");
    expect(md("Run 4 clips gradients at 2.5.", { runs }).claims.find((c) => c.text === "2.5")?.source).toMatchObject({
      run: 4,
      value: 2.5,
    });
    // Not rounded (2.5 is no "3"), and a number the coder wrote about results is no measurement.
    expect(
      verdicts(
        md("Run 4 clips gradients at 2.47.", {
          runs: [...sources().runs, { runIndex: 4, params: {}, description: "clip at 2.4651" }],
        }),
      )["2.47"],
    ).toBe("unsupported");
    expect(verdicts(md("On moons, run 4 reaches 96.1% accuracy.", { runs }))["96.1%"]).toBe("unsupported");
  });

  it("checks knob=value against that knob", () => {
    expect(verdicts(md("We set `width=64` for the idea's run."))["64"]).toBe("supported");
    const r = md("We set `width=48` for the idea's run.");
    expect(verdicts(r)["48"]).toBe("unsupported");
    expect(reasonOf(r, "48")).toMatch(/width/);
    // 3 is a value of the setup (seeds), but not of width.
    expect(verdicts(md("We set `width=3` for the idea's run."))["3"]).toBe("unsupported");
  });

  it("accepts years, figure, table, section and equation numbers", () => {
    expect(verdicts(md("Figure 3 and Table 2 summarise Section 4, as Eq. 5 predicts; Adam appeared in 2015."))).toEqual(
      { "3": "supported", "2": "supported", "4": "supported", "5": "supported", "2015": "supported" },
    );
    const r = md("Figures 2 and 3 show it, as do Tables 1–2.");
    expect(r.claims.filter((c) => c.kind === "number").map((c) => c.source?.category)).toEqual([
      "figure-number",
      "figure-number",
      "table-number",
      "table-number",
    ]);
  });

  it("does not take a count of steps for a year", () => {
    expect(verdicts(md("We train for 2000 steps."))["2000"]).toBe("unsupported");
  });

  it("counts what the sources know, words only when they count something known", () => {
    expect(md("We compare two datasets in depth.").claims.filter((c) => c.kind === "number")).toHaveLength(1); // "two datasets" (a subset of 3)
    expect(verdicts(md("We think two ideas are worth it."))).toEqual({});
    expect(verdicts(md("We use three datasets."))["three"]).toBe("supported");
    expect(verdicts(md("We use five datasets."))["five"]).toBe("unsupported");
    expect(verdicts(md("We use 3 datasets and 3 seeds."))["3"]).toBe("supported");
    expect(verdicts(md("We use 4 datasets."))["4"]).toBe("unsupported");
    expect(verdicts(md("We use 5 seeds."))["5"]).toBe("unsupported");
    expect(verdicts(md("Run_2 is better on 2 of 3 datasets."))).toMatchObject({ "2": "supported", "3": "supported" });
    expect(verdicts(md("The change helps in 9 cases."))["9"]).toBe("unsupported");
  });

  it("checks run indices and ordinals", () => {
    const numbers = (r: ProvenanceReport) =>
      r.claims.filter((c) => c.kind === "number").map((c) => [c.text, c.verdict, c.source?.category]);
    expect(numbers(md("Run 2 is the 2nd run; run_3 failed."))).toEqual([
      ["2", "supported", "run-index"],
      ["2", "supported", "ordinal"],
      ["run_3", "supported", "run-index"],
    ]);
    const r = md("Run 7 is the best and run_9 the worst.");
    expect(verdicts(r)).toEqual({ "7": "unsupported", run_9: "unsupported" });
    expect(reasonOf(r, "7")).toMatch(/no run 7/);
  });

  it("reads array indices as indices, not citations, and array knobs as knobs", () => {
    const over = {
      settings: { ...sources().settings, "baseline.array[0][0]": 3000 },
      runs: [...sources().runs, { runIndex: 4, params: { "array[0][0]": 6000 }, description: "" }],
    };
    const r = md("Setting array[0][0] = 6000 instead of 3000 moves the peak; `array[0][0]=6000` in run_4.", over);
    expect(
      r.claims
        .filter((c) => c.kind !== "bib-entry")
        .map((c) => [c.text, c.verdict, c.source?.category ?? c.source?.param ?? c.source?.setting]),
    ).toEqual([
      ["0", "supported", "array-index"],
      ["0", "supported", "array-index"],
      ["6000", "supported", "array[0][0]"],
      ["3000", "supported", "baseline.array[0][0]"],
      ["0", "supported", "array-index"],
      ["0", "supported", "array-index"],
      ["6000", "supported", "array[0][0]"],
      ["run_4", "supported", "run-index"],
    ]);
    expect(verdicts(md("`array[0][0]=5000` was never run.", over))["5000"]).toBe("unsupported");
  });

  it("takes names with digits, file names and URLs for no numbers", () => {
    expect(
      md(
        "Unlike ResNet-50 or GPT-4, see run_2/final_info.json and https://example.com/1234 or val_acc.png.",
      ).claims.filter((c) => c.kind === "number"),
    ).toHaveLength(0);
  });
});

describe("datasets", () => {
  it("flags a dataset no run produced results on, however it is spelled", () => {
    for (const name of ["CIFAR-10", "cifar10", "Cifar 10"]) {
      const r = md(`We also evaluate on ${name}.`);
      expect(verdicts(r, "dataset")[name]).toBe("unsupported");
      expect(reasonOf(r, name)).toMatch(/no run produced results on it/);
    }
    expect(verdicts(md("We also evaluate on the Fashion-MNIST benchmark."), "dataset")).toEqual({
      "Fashion-MNIST": "unsupported",
    });
  });

  it("accepts the artifacts' own datasets in any spelling, and 'on the X dataset' phrases", () => {
    expect(verdicts(md("On the two spirals task and on the moons dataset, run_2 helps."), "dataset")).toEqual({
      "two spirals": "supported",
      moons: "supported",
    });
    expect(verdicts(md("Results on the foobar dataset are similar."), "dataset")).toEqual({ foobar: "unsupported" });
    expect(verdicts(md("Results on the same dataset are similar."))).toEqual({});
  });

  it("allows a dataset and numbers attributed to a cited work, not to this paper", () => {
    const related = (text: string) => checkMarkdownPaper(`# T\n\n## Related Work\n${text}\n`, sources());
    expect(verdicts(related("Residual networks reach 3.57% error on ImageNet [@kingma2015adam]."))).toMatchObject({
      ImageNet: "supported",
      "3.57%": "supported",
    });
    // Not for this paper's own claims, not in its results, and not through a citation that resolves to nothing.
    expect(verdicts(related("We reach 3.57% error on ImageNet [@kingma2015adam]."))).toMatchObject({
      ImageNet: "unsupported",
      "3.57%": "unsupported",
    });
    expect(verdicts(md("Residual networks reach 3.57% error on ImageNet [@kingma2015adam]."))).toMatchObject({
      ImageNet: "unsupported",
      "3.57%": "unsupported",
    });
    expect(verdicts(related("Residual networks reach 3.57% error on ImageNet [@nobody2020]."))).toMatchObject({
      ImageNet: "unsupported",
      "3.57%": "unsupported",
    });
  });
});

describe("citations, bibliography and figures", () => {
  it("flags a citation key absent from references.bib", () => {
    const r = md("Adam [@kingma2015adam] and a missing one [@smith2020; @glorot2010understanding].");
    expect(verdicts(r, "citation")).toEqual({
      kingma2015adam: "supported",
      smith2020: "unsupported",
      glorot2010understanding: "supported",
    });
    expect(verdicts(tex("As shown by \\citep{smith2020,kingma2015adam}."), "citation")).toEqual({
      smith2020: "unsupported",
      kingma2015adam: "supported",
    });
  });

  it("flags a bib entry that did not come from a literature answer", () => {
    const bib = `${sources().bib}\n\n@misc{vaswani2017attention,\n  title = {Attention Is All You Need},\n  year = {2017}\n}`;
    const r = md("Nothing here.", { bib });
    expect(verdicts(r, "bib-entry")).toEqual({
      kingma2015adam: "supported",
      glorot2010understanding: "supported",
      vaswani2017attention: "unsupported",
    });
    expect(r.claims.find((c) => c.text === "vaswani2017attention")?.location).toBe("references.bib line 12");
  });

  it("flags a figure that no plot step produced", () => {
    expect(verdicts(md("![loss](loss_curve.png) ![acc](val_acc.png)"), "figure")).toEqual({
      "loss_curve.png": "unsupported",
      "val_acc.png": "supported",
    });
    expect(verdicts(tex("\\includegraphics[width=0.8\\linewidth]{val_acc}\\includegraphics{missing.png}"))).toEqual({
      val_acc: "supported",
      "missing.png": "unsupported",
    });
  });

  it("checks numeric [n] citations against the reference list", () => {
    const r = checkMarkdownPaper(
      "# T\n\n## Related Work\nAs in [1] and [3].\n\n[1] Adam, ICLR 2015.\n[2] Glorot, AISTATS 2010.\n",
      sources(),
    );
    expect(verdicts(r, "citation")).toEqual({ "[1]": "supported", "[3]": "unsupported" });
  });
});

describe("LaTeX", () => {
  it("reads numbers inside math", () => {
    expect(verdicts(tex("On moons the gap of run\\_2 is $9.2 \\times 10^{-3}$."))["9.2 × 10^-3"]).toBe("supported");
    expect(verdicts(tex("On moons the gap of run\\_2 is $1.2\\times10^{-3}$."))["1.2×10^-3"]).toBe("unsupported");
    expect(verdicts(tex("On moons, run\\_2 reaches \\(0.9781\\) accuracy and 97.8\\% in words."))).toMatchObject({
      "0.9781": "supported",
      "97.8%": "supported",
    });
    expect(verdicts(tex("On moons, run\\_2 reaches 97.81 $\\pm$ 0.33\\% accuracy."))).toMatchObject({
      "97.81": "supported",
      "0.33%": "supported",
    });
  });

  it("takes indices, exponents and small constants of formulas for no claims, but checks their measurements", () => {
    const r = tex(
      "\\begin{equation}\n\\mathcal{L} = \\frac{1}{2} \\sum_{i=1}^{N} (y_i - \\hat{y}_i)^2 = 0.0711\n\\end{equation}\non moons for run\\_2.",
    );
    expect(r.unsupported).toBe(0);
    expect(r.claims.find((c) => c.text === "0.0711")?.source).toMatchObject({ path: "moons.means.train_loss" });
    expect(verdicts(tex("\\begin{equation} \\mathcal{L} = 0.0815 \\end{equation}"))["0.0815"]).toBe("unsupported");
  });

  it("skips comments, labels, refs, optional arguments and the preamble", () => {
    const r = checkLatexPaper(
      "\\documentclass{article}\n\\usepackage[margin=1in]{geometry}\n\\setlength{\\parskip}{3pt}\n\\title{A study}\n\\begin{document}\n\\section{Results}\n\\label{sec:5}\nSee Figure~\\ref{fig:9} % 99.9% is fabricated\n\\vspace{2mm}\n\\end{document}\n",
      sources(),
    );
    expect(r.claims.filter((c) => c.kind === "number")).toEqual([]);
  });

  it("names the line of each claim", () => {
    const r = checkLatexPaper(
      "\\title{T}\n\\begin{document}\n\\begin{abstract}\nWe reach 99.1\\% on moons.\n\\end{abstract}\n\\section{Results}\nLine six.\nWe use 4 datasets.\n\\end{document}",
      sources(),
    );
    expect(r.claims.filter((c) => c.kind !== "bib-entry").map((c) => [c.text, c.location])).toEqual([
      ["99.1%", "abstract (paper.tex line 4)"],
      ["moons", "abstract (paper.tex line 4)"],
      ["4", "section Results (paper.tex line 8)"],
    ]);
  });
});

describe("what is prose in Markdown", () => {
  it("skips fenced code and HTML comments, and checks a table the model wrote", () => {
    const r = md(
      "```\nlr = 0.123\n```\n<!-- 99.9% is a note -->\n| width | moons |\n|---|---:|\n| 64 | 0.9781 |\n| 64 | 0.9999 |\n",
    );
    expect(r.claims.filter((c) => c.kind === "number").map((c) => [c.text, c.verdict])).toEqual([
      ["64", "supported"],
      ["0.9781", "supported"],
      ["64", "supported"],
      ["0.9999", "unsupported"],
    ]);
  });

  it("reads the abstract and numbered headings as sections", () => {
    const r = checkMarkdownPaper(
      "# Title 5\n\n**Abstract.** We use 4 datasets.\n\n## 4.1 Results\nWe use 5 seeds.\n",
      sources(),
    );
    expect(r.claims.filter((c) => c.kind === "number").map((c) => [c.text, c.location])).toEqual([
      ["5", "title (paper.md line 1)"],
      ["4", "abstract (paper.md line 3)"],
      ["5", "section Results (paper.md line 6)"],
    ]);
  });
});

describe("what is prose in LaTeX", () => {
  it("checks a tabular the model wrote, cell by cell, but not its column spec", () => {
    const r = tex(
      "\\begin{table}[t]\\begin{tabular}{l|rr}\\toprule Dataset & run 0 & run 2 \\\\ moons & 85.3\\% & 97.9\\% \\\\ \\bottomrule\\end{tabular}\\end{table}",
    );
    expect(r.claims.filter((c) => c.kind === "number").map((c) => [c.text, c.verdict])).toEqual([
      ["0", "supported"],
      ["2", "supported"],
      ["85.3%", "supported"],
      ["97.9%", "unsupported"],
    ]);
  });

  it("reads the title from the preamble and text inside formatting commands and footnotes", () => {
    // The abstract says the paper is about accuracy: 31% is then no accuracy (it would be 31.21% train_loss).
    const r = checkLatexPaper(
      "\\title{Width Helps by 31\\%}\n\\begin{document}\n\\begin{abstract}We study validation accuracy.\\end{abstract}\n\\section{Results}\n\\textbf{On moons} we reach \\emph{97.8\\%}\\footnote{With \\textit{5 seeds}.}.\n\\end{document}",
      sources(),
    );
    expect(
      r.claims.filter((c) => c.kind === "number").map((c) => [c.text, c.verdict, c.location.split(" (")[0]]),
    ).toEqual([
      ["31%", "unsupported", "title"],
      ["97.8%", "supported", "section Results"],
      ["5", "unsupported", "section Results"],
    ]);
  });
});

describe("fabricated numbers", () => {
  // A deterministic stream of made-up numbers (LCG), written where a writer would put them.
  const fabricated = (n: number, make: (u: number) => string) => {
    let seed = 7;
    return Array.from({ length: n }, () => make((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31));
  };
  const passRate = (sentences: string[]) =>
    sentences.filter(
      (s) =>
        md(s).claims.find((c) => c.kind === "number" && !/run-index/.test(String(c.source?.category)))?.verdict ===
        "supported",
    ).length / sentences.length;

  it("rarely pass where the sentence says what they measure", () => {
    expect(passRate(fabricated(120, (u) => `On moons, accuracy reaches ${(50 + u * 50).toFixed(1)}%.`))).toBeLessThan(
      0.03,
    );
    expect(passRate(fabricated(120, (u) => `On moons, accuracy improves by ${(u * 30).toFixed(1)}%.`))).toBeLessThan(
      0.06,
    );
    expect(passRate(fabricated(120, (u) => `On moons, accuracy improves by ${Math.round(u * 30)}%.`))).toBeLessThan(
      0.06,
    );
  });
});
