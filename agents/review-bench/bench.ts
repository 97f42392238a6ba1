// `scientist review-bench`: the panel (reviewer seats + area chair, hosted on the bus as in a run) against ICLR 2022
// decisions on a stratified sample, beside the original's own LLM reviews scored the same way on the same sample
// and on all 500 papers. Without a model it scores only the original's reviews, and says so.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { newRunId, type StoredEnvelope } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { ModelProvider } from "../llm/index.ts";
import {
  hostedRolesFrom,
  parseRoleConfig,
  type CostLine,
  type RegistryLike,
  type ReplayStatus,
  type RunCosts,
} from "../runtime/index.ts";
import { loadIclrData, stratifiedSample, type Decision, type HumanRating, type IclrData } from "./dataset.ts";
import { balancedAccuracy, metricsOf, type Metrics } from "./metrics.ts";
import { PANEL_ROLES, papersOfRun, runPanel, type PanelOutcome } from "./panel-run.ts";
import { baselineRow, loadSeedSetting, type BaselineRow } from "./seed-baselines.ts";
import { stripLeak } from "./strip-leak.ts";
import { ReviewBenchError } from "./errors.ts";

export interface MetricsRow extends Omit<BaselineRow, "source"> {
  source: "panel" | "seed";
}

export interface BenchPaperResult {
  id: string;
  humanDecision: Decision;
  venueDecision: string;
  humanMean: number;
  humanScores: number[];
  status: PanelOutcome["status"] | "not reviewed";
  panelOverall: number | null;
  decision: Decision | null;
  seatsAnswered: number;
  failedSeats: { seat: number; reason: string }[];
  reason: string | null;
  /** Decided by an earlier process of the resumed run. */
  reused: boolean;
  cost: CostLine | null;
}

export interface BenchReport {
  run: string;
  startedAt: string;
  endedAt: string;
  data: string;
  sample: {
    papers: number;
    seed: number | null;
    accept: number;
    reject: number;
    ofAll: number;
    skippedUnknown: number;
  };
  /** Who reviewed: the configured model and panel, or why no panel ran. */
  panel: { model: string; seats: number; threshold: number; replicas: number } | null;
  panelSkipped: string | null;
  /** The leak rule on all papers, raw and stripped: shows the stripping works on every run. */
  leakCheck: { rule: string; papers: number; raw: number | null; stripped: number | null };
  papers: BenchPaperResult[];
  metrics: MetricsRow[];
  costs: RunCosts | null;
  replay: ReplayStatus | null;
  resumedFrom: string | null;
}

/** Why the panel cannot run with this config (no key), or null when a model is reachable. */
export function modelUnavailable(config: SwarmConfig, hasSeam = false): string | null {
  if (hasSeam || config.llm.replay || config.llm.apiKey || config.llm.provider === "openai-compatible") return null;
  const variable = config.llm.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  const base = config.llm.baseURL
    ? ` (llm.baseURL/OPENAI_BASE_URL is ${config.llm.baseURL}; a local server still needs ${variable}=<any value> or llm.provider: openai-compatible)`
    : "";
  return `no model key: ${variable} is not set${base}, so the review panel did not run; only the original's reviews are scored`;
}

const leakRule = (text: string) => !text.slice(0, 3000).includes("Anonymous authors");

function leakCheck(data: IclrData): BenchReport["leakCheck"] {
  const truth = data.ratings.map((r) => r.decision === "Accept");
  const raw: boolean[] = [];
  const stripped: boolean[] = [];
  for (const r of data.ratings) {
    const text = data.paperText(r.id);
    raw.push(leakRule(text));
    stripped.push(leakRule(stripLeak(text, r.id).text));
  }
  return {
    rule: "no 'Anonymous authors' in the first 3 KB -> Accept",
    papers: truth.length,
    raw: balancedAccuracy(truth, raw),
    stripped: balancedAccuracy(truth, stripped),
  };
}

function costOf(costs: RunCosts | null, id: string): CostLine | null {
  if (!costs) return null;
  const lines = Object.entries(costs.byIdea)
    .filter(([k]) => k === `iclr-${id}` || k.startsWith(`iclr-${id}-r`))
    .map(([, v]) => v);
  if (lines.length === 0) return null;
  const sum = (f: (c: CostLine) => number) => lines.reduce((s, c) => s + f(c), 0);
  return {
    calls: sum((c) => c.calls),
    tokens: sum((c) => c.tokens),
    inputTokens: sum((c) => c.inputTokens),
    outputTokens: sum((c) => c.outputTokens),
    cachedReadTokens: sum((c) => c.cachedReadTokens),
    cacheWriteTokens: sum((c) => c.cacheWriteTokens),
    usd: Number(sum((c) => c.usd).toFixed(6)),
  };
}

function panelRow(papers: BenchPaperResult[], label: string): MetricsRow {
  const decided = papers.filter((p) => p.status === "decided" && p.panelOverall !== null);
  const metrics: Metrics = metricsOf(
    decided.map((p) => ({
      truth: p.humanDecision === "Accept",
      predicted: p.decision === "Accept",
      score: p.panelOverall!,
      human: p.humanMean,
    })),
  );
  return {
    source: "panel",
    setting: label,
    scope: "sample",
    papers: papers.length,
    reviewed: decided.length,
    failed: papers.filter((p) => p.status === "failed").length,
    missing: papers.filter((p) => p.status !== "decided" && p.status !== "failed").length,
    metrics,
    // The panel decides by the threshold itself.
    balancedAccuracyAtThreshold: metrics.balancedAccuracy,
  };
}

export async function runReviewBench(options: {
  config: SwarmConfig;
  registry: RegistryLike;
  logger: Logger;
  /** The ICLR 2022 folder (default config.data.iclr2022). */
  data?: string | null;
  papers: number;
  seed: number;
  resume?: string;
  /** The run id for a new bench run (default a fresh one); ignored with `resume`. */
  run?: string;
  onMessage?: (message: StoredEnvelope) => void;
  signal?: AbortSignal;
  baseProvider?: (model: string) => ModelProvider;
}): Promise<{ report: BenchReport; reportPath: string }> {
  const { logger } = options;
  const startedAt = new Date().toISOString();
  // --data also names where the reviewers' few-shot examples are read (config.data.iclr2022/fewshot).
  const config: SwarmConfig = options.data
    ? { ...options.config, data: { ...options.config.data, iclr2022: options.data } }
    : options.config;
  const data = loadIclrData(config.data.iclr2022);
  // The area chair's own schema gives its defaults (the seed's 5 seats, threshold 6).
  const areaChair = parseRoleConfig(options.registry.get("area-chair"), config.roles["area-chair"]?.config ?? {}) as {
    seats: number;
    threshold: number;
  };
  const { seats, threshold } = areaChair;
  const byId = new Map(data.ratings.map((r) => [r.id, r]));
  // A replay reviews the papers the recorded run reviewed, in its order, so every request hashes the same; a resumed
  // run goes on with its own sample whatever --papers and --seed say now.
  const skipped = modelUnavailable(config, Boolean(options.baseProvider));
  const earlier = !skipped ? (config.llm.replay ?? options.resume ?? null) : null;
  let sample: HumanRating[];
  let seed: number | null = options.seed;
  if (earlier) {
    const prior = await papersOfRun(config, earlier);
    seed = prior.seed;
    sample = prior.papers.map((id) => {
      const r = byId.get(id);
      if (!r)
        throw new ReviewBenchError(
          "BENCH_BAD_DATA",
          `run ${earlier} reviewed paper ${id}, which is not in ${data.dir}/ratings.tsv`,
        );
      return r;
    });
  } else sample = stratifiedSample(data.ratings, options.papers, options.seed);
  const run = options.resume ?? options.run ?? newRunId();
  if (skipped) logger.warn(skipped);
  let outcomes = new Map<string, PanelOutcome>();
  let costs: RunCosts | null = null;
  let replay: ReplayStatus | null = null;
  if (!skipped) {
    // The bench measures the llm reviewer: a rules seat would score evidence that ICLR papers do not carry.
    for (const role of hostedRolesFrom(config, options.registry, PANEL_ROLES)) {
      if (role.policy !== "llm")
        throw new ReviewBenchError(
          "BENCH_BAD_ARGUMENT",
          `review-bench measures the llm panel, but role ${role.name} resolves to the ${role.policy} policy (roles.${role.name}.policy)`,
        );
    }
    const papers = sample.map((r) => {
      const s = stripLeak(data.paperText(r.id), r.id);
      return { paperId: r.id, title: s.title, abstract: s.abstract, text: s.text };
    });
    const result = await runPanel({
      config,
      registry: options.registry,
      logger,
      run,
      papers,
      seed,
      resume: Boolean(options.resume),
      ...(options.onMessage && { onMessage: options.onMessage }),
      ...(options.signal && { signal: options.signal }),
      ...(options.baseProvider && { baseProvider: options.baseProvider }),
    });
    ({ outcomes, costs, replay } = result);
  }
  const results: BenchPaperResult[] = sample.map((r) => {
    const o = outcomes.get(r.id);
    const d = o?.decided ?? null;
    return {
      id: r.id,
      humanDecision: r.decision,
      venueDecision: r.venueDecision,
      humanMean: Number(r.mean.toFixed(4)),
      humanScores: r.scores,
      status: o?.status ?? "not reviewed",
      panelOverall: d?.overall ?? null,
      decision: d?.decision ?? null,
      seatsAnswered: d?.reviews.length ?? 0,
      failedSeats: d?.failedSeats ?? [],
      reason: o?.reason ?? null,
      reused: o?.reused ?? false,
      cost: costOf(costs, r.id),
    };
  });
  const metrics: MetricsRow[] = [];
  const reviewer = config.llm.models.reviewer ?? config.llm.model;
  if (!skipped) metrics.push(panelRow(results, `panel: ${reviewer}, ${seats} seats, threshold ${threshold}`));
  for (const setting of data.seedSettings) {
    const seed = loadSeedSetting(data.seedCsvPath(setting), setting);
    metrics.push(baselineRow(seed, sample, "sample", threshold), baselineRow(seed, data.ratings, "all", threshold));
  }
  const nAccept = sample.filter((r) => r.decision === "Accept").length;
  const report: BenchReport = {
    run,
    startedAt,
    endedAt: new Date().toISOString(),
    data: data.dir,
    sample: {
      papers: sample.length,
      seed,
      accept: nAccept,
      reject: sample.length - nAccept,
      ofAll: data.ratings.length,
      skippedUnknown: data.skipped,
    },
    panel: skipped ? null : { model: reviewer, seats, threshold, replicas: config.roles.reviewer?.replicas ?? 1 },
    panelSkipped: skipped,
    leakCheck: leakCheck(data),
    papers: results,
    metrics,
    costs,
    replay,
    resumedFrom: options.resume ?? null,
  };
  const dir = join(config.run.outDir, run);
  await mkdir(dir, { recursive: true });
  const reportPath = join(dir, "review-bench.json");
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { report, reportPath };
}
