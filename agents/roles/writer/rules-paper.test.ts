import { describe, expect, it } from "vitest";
import type { Payload } from "../../../bus/index.ts";
import { checkLatexPaper, checkMarkdownPaper } from "../../provenance/index.ts";
import { bibliographyOf, templateCitations } from "./bibliography.ts";
import { claimSources } from "./claim-sources.ts";
import { ideaRunOf, measureEvidence, metricDirection } from "./evidence.ts";
import { mlpLearningRateStudy, seirStudy } from "./fixtures/studies.ts";
import { renderLatexPaper } from "./latex-paper.ts";
import { TABLE_BEGIN, TABLE_END } from "./number-check.ts";
import { writeRulesPaper } from "./rules-paper.ts";
import type { TemplateInfo } from "../../runtime/index.ts";

type Study = Payload<"study.completed">;

function check(template: TemplateInfo, study: Study) {
  const draft = writeRulesPaper(template, study, 6);
  const bib = bibliographyOf(draft.references ?? []);
  const finalInfos = Object.fromEntries(study.runs.filter((r) => r.finalInfo).map((r) => [r.runIndex, r.finalInfo!]));
  const sources = claimSources({ study, template, finalInfos, bib: bib.bibtex, recordedCitations: bib.recorded });
  return { draft, report: checkMarkdownPaper(draft.markdown, sources), sources };
}

const unsupported = (report: ReturnType<typeof checkMarkdownPaper>) =>
  report.claims.filter((c) => c.verdict === "unsupported").map((c) => `${c.text} (${c.location}: ${c.reason})`);

describe("rules paper: says only what its runs show", () => {
  it("credits the idea with its own run: learning_rate=0.005 made val_acc worse, though the sweep's 0.02 run beat the baseline on moons", async () => {
    const { template, study } = await mlpLearningRateStudy();
    const { draft } = check(template, study);
    expect(draft.abstract).toContain("val_acc is worse on moons, circles, spirals: the idea's setting worsens val_acc");
    expect(draft.abstract).toContain("higher is better, from template.yaml");
    expect(draft.markdown).toContain(
      "- moons: baseline 0.9603, run_1 0.9547, change -0.0056 (worse; seed spread 0.0012)",
    );
    expect(draft.markdown).toContain(
      "- spirals: baseline 0.9463, run_1 0.618, change -0.3283 (worse; seed spread 0.0114)",
    );
    expect(draft.markdown).toContain("Separately from the idea's own run, the sweep runs vary `learning_rate`");
    expect(draft.markdown).toContain(
      "- spirals: `learning_rate=0.005` (run_1) 0.618, `learning_rate=0.02` (run_2) 0.6947, `learning_rate=0.05` (run_0) 0.9463, `learning_rate=0.2` (run_3) 0.842; not monotonic",
    );
    expect(draft.markdown).toContain("On this evidence, `learning_rate=0.005` worsens val_acc");
    expect(draft.markdown).not.toMatch(/improves|best run/);
    // The evidence the reviewers score is the idea's run too: best = run_1's value, runIndex 1.
    const ev = measureEvidence(study, "val_acc", true);
    expect(ev.effects.find((e) => e.dataset === "moons")).toEqual({
      dataset: "moons",
      baseline: 0.9603,
      best: 0.9547,
      delta: -0.0056,
      spread: 0.0012,
      spreadKnown: true,
      runIndex: 1,
    });
  });

  it("SEIR: lp=7 raised infected_peak, and lower is better (inferred from the name, and said so): the paper says it worsens, with the spread unknown", async () => {
    const { template: mlp } = await mlpLearningRateStudy();
    const { template, study } = seirStudy(mlp);
    expect(metricDirection(template)).toEqual({ higherIsBetter: false, source: "inferred from the metric's name" });
    const { draft } = check(template, study);
    expect(draft.abstract).toContain("infected_peak is worse on SEIR: the idea's setting worsens infected_peak");
    expect(draft.markdown).toContain(
      "the primary metric is infected_peak (lower is better, inferred from the metric's name)",
    );
    expect(draft.markdown).toContain(
      "- SEIR: baseline 694.8455, run_1 1025.3676, change +330.5222 (worse; seed spread unknown: the run recorded no standard deviation)",
    );
    expect(draft.markdown).toContain(
      "- SEIR: `lp=7` (run_1) 1025.3676, `lp=10` (run_2) 848.7513, `lp=14` (run_0) 694.8455, `lp=21` (run_3) 533.587; infected_peak falls as `lp` grows",
    );
    expect(draft.markdown).not.toContain("seed spread 0");
    const ev = measureEvidence(study, "infected_peak", false);
    expect(ev.effects[0]).toMatchObject({ best: 1025.3676418848404, runIndex: 1, spread: 0, spreadKnown: false });
  });

  it("has zero unsupported claims, as Markdown and as LaTeX, on real studies of both templates", async () => {
    const mlp = await mlpLearningRateStudy();
    const seir = seirStudy(mlp.template);
    for (const { template, study } of [mlp, seir]) {
      const { draft, report, sources } = check(template, study);
      expect(unsupported(report)).toEqual([]);
      expect(report.checked).toBeGreaterThan(50);
      const skeleton = template.files["latex/template.tex"]!;
      const tex = renderLatexPaper(skeleton, { study, draft, tableMarkers: [TABLE_BEGIN, TABLE_END] });
      const latex = checkLatexPaper(tex.tex, {
        ...sources,
        bib: tex.bibliography,
        recordedCitations: [...templateCitations(skeleton), ...sources.recordedCitations],
      });
      expect(unsupported(latex)).toEqual([]);
    }
  });

  it("prints a small change with enough digits to trace (grokking's -0.00195, not -0.002)", async () => {
    const { template, study } = await mlpLearningRateStudy();
    const scale = (info: Record<string, { means: Record<string, number> }>, run: number) =>
      Object.fromEntries(
        Object.entries(info).map(([d, v]) => [
          d,
          { ...v, means: { ...v.means, val_acc: run === 0 ? 0.005859375 : 0.00390625 } },
        ]),
      );
    const tiny = {
      ...study,
      baseline: scale(study.baseline, 0),
      runs: study.runs.map((r) => (r.finalInfo ? { ...r, finalInfo: scale(r.finalInfo, r.runIndex) } : r)),
    };
    const { draft, report } = check(template, tiny);
    expect(draft.markdown).toContain("baseline 0.00586, run_1 0.00391, change -0.00195");
    expect(unsupported(report)).toEqual([]);
  });

  it("names the idea's own run: the run holding every setting of the idea, else the first run after the baseline", async () => {
    const { study } = await mlpLearningRateStudy();
    expect(ideaRunOf(study)!.runIndex).toBe(1);
    const reordered = {
      ...study,
      runs: [study.runs[0]!, { ...study.runs[1]!, runIndex: 3 }, { ...study.runs[3]!, runIndex: 1 }],
    };
    expect(ideaRunOf(reordered)!.runIndex).toBe(3);
    expect(
      ideaRunOf({
        ...study,
        runs: [study.runs[0]!, { ...study.runs[1]!, status: "error", finalInfo: null }, study.runs[2]!],
      }),
    ).toBeNull();
    expect(
      ideaRunOf({ ...study, params: {}, runs: [study.runs[0]!, { ...study.runs[2]!, runIndex: 1 }] })!.runIndex,
    ).toBe(1);
  });

  it("reports no effect when the idea's run failed, instead of crediting a sweep run", async () => {
    const { template, study } = await mlpLearningRateStudy();
    const failed = {
      ...study,
      runs: study.runs.map((r) =>
        r.runIndex === 1 ? { ...r, status: "error" as const, finalInfo: null, reason: "exit 1" } : r,
      ),
    };
    const { draft, report } = check(template, failed);
    expect(draft.abstract).toContain("No run with the idea's setting succeeded");
    expect(draft.markdown).toContain("run_1: `learning_rate=0.005` — error (`exit 1`), 1 attempt(s)");
    expect(unsupported(report)).toEqual([]);
  });
});
