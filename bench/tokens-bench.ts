/**
 * Figure 4, model tokens per paper: what the swarm's llm run sent and received, counted by the token server with a
 * real tokenizer and its prefix cache (the run's ledger, by role), beside the original's own prompts for the same
 * stages filled with the same content (seed-tokens.ts), through the same tokenizer and cache rule.
 */

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/index.ts";
import { corpusPath, loadTemplateInfo } from "../agents/runtime/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { createOfflineCorpus, toBibtex } from "../agents/literature/index.ts";
import { researcherReply } from "../tests/support/scripted-research-server.ts";
import { figure, type Figure, type SectionResult } from "./figures.ts";
import type { LlmRun } from "./llm-run.ts";
import { PrefixCache } from "./token-server.ts";
import { seedTokensForPaper, type SeedPaperInput, type StageTokens } from "./seed-tokens.ts";

const ROLES = ["ideator", "novelty", "coder", "writer", "reviewer", "area-chair"] as const;

const meansOf = (path: string): string => {
  const info = JSON.parse(readFileSync(path, "utf8")) as Record<string, { means: unknown }>;
  return JSON.stringify(Object.fromEntries(Object.entries(info).map(([k, v]) => [k, v.means])));
};

const perCall = (run: LlmRun, schema: string): number => {
  const t = run.bySchema[schema];
  return t && t.calls > 0 ? t.outputTokens / t.calls : 0;
};

export async function tokensBench(run: LlmRun): Promise<SectionResult> {
  const report = run.result.report;
  const papers = report.papers;
  if (papers.length === 0 || !report.costs)
    return { section: "4 tokens", figures: [], notes: [], skipped: "the llm run decided no paper" };
  const config = loadConfig({ env: {} });
  const template = await loadTemplateInfo(run.templateDir);
  const corpus = createOfflineCorpus({ path: corpusPath(config, builtinRoles) });
  const proposed = run.stored
    .map((s) => s.envelope)
    .filter((e) => e.type === "idea.proposed")
    .map((e) => e.payload as { ideaId: string; idea: Record<string, unknown> });
  const calls = (schema: string) => run.bySchema[schema]?.calls ?? 0;
  const rounds = {
    ideation: Math.max(1, Math.round(calls("idea") / Math.max(1, proposed.length))),
    novelty: Math.max(1, Math.round(calls("novelty") / Math.max(1, proposed.length))),
    reviewerPerSeat: Math.max(1, Math.round(calls("review") / Math.max(1, papers.length * 5))),
    citations: 5,
  };
  const outputTokens = {
    idea: perCall(run, "idea"),
    novelty: perCall(run, "novelty"),
    edits: perCall(run, "edits"),
    section: perCall(run, "section"),
    citation: perCall(run, "citation_query"),
    review: perCall(run, "review"),
    metaReview: perCall(run, "meta_review"),
  };
  const fewShotDir = config.data.iclr2022 ? join(config.data.iclr2022, "fewshot") : null;
  const fewShot =
    fewShotDir && existsSync(join(fewShotDir, "132_automated_relational.txt"))
      ? {
          paper: readFileSync(join(fewShotDir, "132_automated_relational.txt"), "utf8"),
          review: JSON.stringify(
            (JSON.parse(readFileSync(join(fewShotDir, "132_automated_relational.json"), "utf8")) as { review: unknown })
              .review,
          ),
        }
      : null;
  const reviewJson = JSON.stringify(
    (
      researcherReply({
        model: "",
        messages: [{ role: "user", content: "" }],
        response_format: { json_schema: { name: "review" } },
      }) as { review: unknown }
    ).review,
  );
  const cache = new PrefixCache(); // one cache across the papers, as one seed run would share it
  const seedTotals: Record<string, StageTokens> = {};
  for (const paper of papers) {
    const dir = join(run.result.runDir, paper.idea);
    const ideaIndex = proposed.findIndex((p) => p.ideaId === paper.idea);
    const idea = proposed[ideaIndex]?.idea ?? { Title: paper.idea, Experiment: "" };
    const runs = readdirSync(dir)
      .filter((f) => /^run_\d+$/.test(f) && existsSync(join(dir, f, "final_info.json")))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    const finalCodeFile = readdirSync(dir)
      .filter((f) => /^run_\d+\.py$/.test(f))
      .sort((a, b) => Number(a.slice(4, -3)) - Number(b.slice(4, -3)))
      .at(-1);
    const found = await corpus.search(String(idea.Title), { limit: 10 });
    const bib = existsSync(join(dir, "references.bib")) ? readFileSync(join(dir, "references.bib"), "utf8") : "";
    const tex = readFileSync(join(dir, "paper.tex"), "utf8");
    const input: SeedPaperInput = {
      system: template.prompt.system,
      taskDescription: template.prompt.task_description,
      code: template.files["experiment.py"] ?? "",
      plot: template.files["plot.py"] ?? "",
      texStart: template.files["latex/template.tex"] ?? "",
      previousIdeas: [
        ...template.seedIdeas.map((i) => JSON.stringify(i)),
        ...proposed.slice(0, Math.max(0, ideaIndex)).map((p) => JSON.stringify(p.idea)),
      ],
      idea,
      baselineMeans: meansOf(join(dir, runs[0]!, "final_info.json")),
      runMeans: runs.slice(1).map((r) => meansOf(join(dir, r, "final_info.json"))),
      finalCode: finalCodeFile
        ? readFileSync(join(dir, finalCodeFile), "utf8")
        : (template.files["experiment.py"] ?? ""),
      finalNotes: readFileSync(join(dir, "notes.txt"), "utf8"),
      texFinal: tex.replace(
        "\\begin{document}",
        `\\begin{filecontents}{references.bib}\n${bib}\\end{filecontents}\n\\begin{document}`,
      ),
      paperText: existsSync(join(dir, "paper.txt"))
        ? readFileSync(join(dir, "paper.txt"), "utf8")
        : readFileSync(join(dir, paper.path), "utf8"),
      fewShot,
      papers: found.map((p) => ({
        title: p.title,
        authors: p.authors.join(", "),
        venue: p.venue ?? "",
        year: String(p.year ?? ""),
        cites: String(p.citations ?? 0),
        abstract: p.abstract,
        bibtex: toBibtex(p),
      })),
      reviewJson,
      rounds,
      outputTokens,
    };
    for (const [role, t] of Object.entries(seedTokensForPaper(input, cache))) {
      const s = (seedTotals[role] ??= { calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 });
      s.calls += t.calls;
      s.inputTokens += t.inputTokens;
      s.cachedTokens += t.cachedTokens;
      s.outputTokens += t.outputTokens;
    }
  }
  const n = papers.length;
  const swarmTotal = (role: string) => {
    const c = report.costs!.byRole[role];
    return c ? (c.inputTokens + c.cachedReadTokens + c.outputTokens) / n : 0;
  };
  const swarmUncached = (role: string) => {
    const c = report.costs!.byRole[role];
    return c ? (c.inputTokens + c.outputTokens) / n : 0;
  };
  const seedTotal = (role: string) => {
    const s = seedTotals[role];
    return s ? (s.inputTokens + s.outputTokens) / n : 0;
  };
  const seedUncached = (role: string) => {
    const s = seedTotals[role];
    return s ? (s.inputTokens - s.cachedTokens + s.outputTokens) / n : 0;
  };
  const figures: Figure[] = ROLES.map((role) =>
    figure({
      name: `tokens/paper ${role}`,
      value: swarmTotal(role) / 1000,
      unit: "k",
      anchorName: "seed",
      anchor: seedTotal(role) / 1000,
      target: null,
    }),
  );
  const sum = (f: (r: string) => number) => ROLES.reduce((a, r) => a + f(r), 0);
  figures.push(
    figure({
      name: "tokens/paper total",
      value: sum(swarmTotal) / 1000,
      unit: "k",
      anchorName: "seed",
      anchor: sum(seedTotal) / 1000,
      target: "≤ 0.33×",
      atMost: 1 / 3,
    }),
  );
  figures.push(
    figure({
      name: "uncached in + out/paper",
      value: sum(swarmUncached) / 1000,
      unit: "k",
      anchorName: "seed",
      anchor: sum(seedUncached) / 1000,
      target: null,
    }),
  );
  const byRole = Object.fromEntries(
    ROLES.map((r) => [r, { swarm: report.costs!.byRole[r] ?? null, seed: seedTotals[r] ?? null }]),
  );
  const notes: string[] = [];
  const total = figures.at(-2)!;
  if (total.met === false) {
    const worst = ROLES.map((r) => ({ r, extra: swarmTotal(r) - seedTotal(r) / 3 })).sort(
      (a, b) => b.extra - a.extra,
    )[0]!;
    const c = report.costs!.byRole[worst.r];
    notes.push(
      `tokens per paper ${(sum(swarmTotal) / 1000).toFixed(1)}k vs the seed's ${(sum(seedTotal) / 1000).toFixed(1)}k; the role furthest over its third is ${worst.r} ` +
        `(${(swarmTotal(worst.r) / 1000).toFixed(1)}k/paper in ${((c?.calls ?? 0) / n).toFixed(1)} calls, ${(((c?.cachedReadTokens ?? 0) / Math.max(1, (c?.inputTokens ?? 0) + (c?.cachedReadTokens ?? 0))) * 100).toFixed(0)}% of its input served from cache). ` +
        `Per-role counts are in results.json (details.byRole).` +
        (worst.r === "reviewer"
          ? ` Each of the 5 seats sends the whole prompt (form, few-shot paper, paper) every round, where the seed sends it once for its ensemble of 5 (n = 5 in one call). What would close it: one panel call with n = 5 where the provider supports it, or the few-shot example only for the first seat (the cache already serves most of the repeat, so the billed cost is far below the token count).`
          : ""),
    );
  }
  notes.push(
    `the seed's side is reconstructed (bench/seed-tokens.ts): its verbatim prompts and loops with this run's content and round counts (ideation ${rounds.ideation}, novelty ${rounds.novelty}, ` +
      `review rounds ${rounds.reviewerPerSeat}, citations ${rounds.citations} = the seed prompt's "at least 5"); aider's history summarization calls are not counted; both sides use the same model replies' sizes. ` +
      `Anthropic cache_control is not measured here (the bench speaks the OpenAI wire).`,
  );
  return {
    section: "4 tokens",
    figures,
    notes,
    details: { papers: n, rounds, outputTokens, fewShot: fewShot !== null, byRole, bySchema: run.bySchema },
  };
}
