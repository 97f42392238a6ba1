// Hosts the review panel exactly as a swarm run does (area chair + K reviewer seats as competing replicas on the
// run's bus) and feeds it the benchmark's papers as `paper.drafted` messages from a small bench source. Each
// paper's outcome is read from the stream: `paper.decided`, or `idea.failed` for a panel that could not decide.
import { hostname } from "node:os";
import type { Logger } from "pino";
import {
  ArtifactStore,
  busAccessFor,
  connectBus,
  deterministicId,
  ensureRunStream,
  followRun,
  publishEnvelope,
  readRun,
  runExists,
  type BusConnection,
  type Envelope,
  type Payload,
  type StoredEnvelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { ModelProvider } from "../llm/index.ts";
import {
  costsOf,
  createServices,
  ensureNats,
  hostedRolesFrom,
  loadTemplateInfo,
  readLedger,
  startAgentHost,
  type RegistryLike,
  type ReplayStatus,
  type RunCosts,
} from "../runtime/index.ts";
import { ReviewBenchError } from "./errors.ts";

type Drafted = Payload<"paper.drafted">;
type Decided = Payload<"paper.decided">;

/** A benchmark paper as the panel gets it: the leak-stripped text only. */
export interface PanelPaper {
  paperId: string;
  title: string;
  abstract: string;
  text: string;
}

export interface PanelOutcome {
  paperId: string;
  /** The attempt's correlation id (`iclr-<paper>`, then `iclr-<paper>-r2`… for papers retried on --resume). */
  ideaId: string;
  status: "decided" | "failed" | "undecided";
  decided: Decided | null;
  reason: string | null;
  /** Decided by an earlier process of this run (--resume): not reviewed again. */
  reused: boolean;
}

export interface PanelResult {
  outcomes: Map<string, PanelOutcome>;
  costs: RunCosts | null;
  replay: ReplayStatus | null;
  /** Messages seen on the run's stream while waiting. */
  messages: number;
}

export const PANEL_ROLES = ["area-chair", "reviewer"];
// The bench stands in for the writer (it publishes the drafts a writer would), so the sender check admits its drafts.
const SOURCE = `writer/review-bench-${hostname().replace(/[^a-zA-Z0-9_.-]/g, "_")}`;

export const ideaIdFor = (paperId: string, attempt: number) =>
  attempt <= 1 ? `iclr-${paperId}` : `iclr-${paperId}-r${attempt}`;

/** What a run's stream says about each bench paper: its attempts, and the outcome of the latest. */
export function benchState(
  stored: StoredEnvelope[],
): Map<string, { attempts: string[]; decided: Decided | null; failed: string | null }> {
  const state = new Map<string, { attempts: string[]; decided: Decided | null; failed: string | null }>();
  const paperOf = new Map<string, string>();
  for (const { envelope: e } of stored) {
    if (e?.type !== "paper.drafted" || !e.from.startsWith("writer/review-bench-")) continue;
    const p = e.payload as Drafted;
    paperOf.set(p.ideaId, p.paperId);
    const s = state.get(p.paperId) ?? { attempts: [], decided: null, failed: null };
    if (!s.attempts.includes(p.ideaId)) s.attempts.push(p.ideaId);
    state.set(p.paperId, s);
  }
  for (const { envelope: e } of stored) {
    const paper = e && paperOf.get(e.correlation);
    if (!e || !paper) continue;
    const s = state.get(paper)!;
    if (e.correlation !== s.attempts.at(-1)) continue;
    if (e.type === "paper.decided") s.decided = e.payload as Decided;
    if (e.type === "idea.failed") s.failed ??= (e.payload as Payload<"idea.failed">).reason;
  }
  return state;
}

/** The drafted message the bench source publishes for one paper attempt. */
export function draftedEnvelope(run: string, paper: PanelPaper, ideaId: string): Envelope<Drafted> {
  const artifact = `${ideaId}/paper.txt`;
  return {
    id: deterministicId(null, "paper.drafted", ideaId, run),
    type: "paper.drafted",
    run,
    from: SOURCE,
    causation: null,
    correlation: ideaId,
    at: new Date().toISOString(),
    v: 1,
    payload: {
      ideaId,
      paperId: paper.paperId,
      title: paper.title,
      abstract: paper.abstract,
      artifact,
      path: artifact,
      // Not a swarm paper: no measured evidence and no provenance check; the reviewers read the text alone.
      evidence: {
        primaryMetric: "none",
        higherIsBetter: true,
        effects: [],
        runsAttempted: 0,
        runsFailed: 0,
        noveltyHits: 0,
        checkedNumbers: 0,
      },
      pdf: null,
      latexStatus: "not compiled: an ICLR 2022 text (review-bench)",
      textArtifact: artifact,
      provenance: null,
    },
  };
}

/** Where a bench run keeps its sample (paper ids in review order), so --resume and --replay review the same papers. */
export const SAMPLE_ARTIFACT = "review-bench/sample.json";

/** The papers an earlier bench run set out to review, in order: its sample artifact, else the papers it drafted. */
export async function papersOfRun(
  config: SwarmConfig,
  run: string,
): Promise<{ papers: string[]; seed: number | null }> {
  const nats = await ensureNats(config, { reuseLive: true });
  const bus = await connectBus(nats.url, { name: "scientist-review-bench-read", ...busAccessFor(config.nats, "cli") });
  try {
    if (!(await runExists(bus.jsm, run)))
      throw new ReviewBenchError("BENCH_UNKNOWN_RUN", `run ${run} is not on this NATS server (${nats.url})`);
    const stored = await new ArtifactStore(bus.objm, run, null).getText(SAMPLE_ARTIFACT).catch(() => null);
    const sample = stored
      ? (JSON.parse(stored) as { papers: string[]; seed: number | null })
      : { papers: [...benchState(await readRun(bus.js, bus.jsm, run)).keys()], seed: null };
    if (sample.papers.length === 0)
      throw new ReviewBenchError("BENCH_UNKNOWN_RUN", `run ${run} has no review-bench papers`);
    return sample;
  } finally {
    await bus.close();
    await nats.server?.stop();
  }
}

async function awaitOutcomes(
  bus: BusConnection,
  run: string,
  pending: Map<string, PanelOutcome>,
  deadlineMs: number,
  onMessage: (m: StoredEnvelope) => void,
  stop?: AbortSignal,
): Promise<number> {
  const byIdea = new Map([...pending.values()].map((o) => [o.ideaId, o]));
  let open = [...pending.values()].filter((o) => o.status === "undecided").length;
  let messages = 0;
  if (open === 0) return 0;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const onStop = () => controller.abort();
  stop?.addEventListener("abort", onStop, { once: true });
  try {
    for await (const m of followRun(bus.js, run, controller.signal)) {
      messages++;
      onMessage(m);
      const e = m.envelope;
      const outcome = e && byIdea.get(e.correlation);
      if (!e || !outcome || outcome.status !== "undecided") continue;
      if (e.type === "paper.decided") Object.assign(outcome, { status: "decided", decided: e.payload as Decided });
      else if (e.type === "idea.failed")
        Object.assign(outcome, { status: "failed", reason: (e.payload as Payload<"idea.failed">).reason });
      else continue;
      if (--open === 0) break;
    }
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener("abort", onStop);
  }
  return messages;
}

/**
 * Reviews `papers` on the bus of `run` (a new run, or an earlier one with `resume`: its decided papers are kept,
 * its failed ones get a new attempt, and those still in flight are awaited).
 */
export async function runPanel(options: {
  config: SwarmConfig;
  registry: RegistryLike;
  logger: Logger;
  run: string;
  papers: PanelPaper[];
  /** The sampling seed, kept with the sample. */
  seed?: number | null;
  resume?: boolean;
  onMessage?: (message: StoredEnvelope) => void;
  signal?: AbortSignal;
  /** Test seam: the provider behind the budget and the recorder, per model. */
  baseProvider?: (model: string) => ModelProvider;
}): Promise<PanelResult> {
  const { config, run, logger } = options;
  const nats = await ensureNats(config, { roles: options.registry.names().map((name) => options.registry.get(name)) });
  const bus = await connectBus(nats.url, { name: "scientist-review-bench", ...busAccessFor(config.nats, "cli") });
  let host: Awaited<ReturnType<typeof startAgentHost>> | null = null;
  let services: Awaited<ReturnType<typeof createServices>> | null = null;
  try {
    if (options.resume && !(await runExists(bus.jsm, run)))
      throw new ReviewBenchError("BENCH_UNKNOWN_RUN", `--resume ${run}: no such run on ${nats.url}`);
    await ensureRunStream(bus.jsm, run);
    const prior = options.resume ? await readRun(bus.js, bus.jsm, run) : [];
    const state = benchState(prior);
    const outcomes = new Map<string, PanelOutcome>();
    const toPublish: { paper: PanelPaper; ideaId: string }[] = [];
    for (const paper of options.papers) {
      const s = state.get(paper.paperId);
      const last = s?.attempts.at(-1);
      if (s?.decided && last)
        outcomes.set(paper.paperId, {
          paperId: paper.paperId,
          ideaId: last,
          status: "decided",
          decided: s.decided,
          reason: null,
          reused: true,
        });
      else if (last && s && !s.failed)
        outcomes.set(paper.paperId, {
          paperId: paper.paperId,
          ideaId: last,
          status: "undecided",
          decided: null,
          reason: null,
          reused: false,
        });
      else {
        const ideaId = ideaIdFor(paper.paperId, (s?.attempts.length ?? 0) + 1);
        outcomes.set(paper.paperId, {
          paperId: paper.paperId,
          ideaId,
          status: "undecided",
          decided: null,
          reason: null,
          reused: false,
        });
        toPublish.push({ paper, ideaId });
      }
    }
    const template = await loadTemplateInfo(config.run.template);
    const roles = hostedRolesFrom(config, options.registry, PANEL_ROLES);
    services = await createServices({
      bus,
      run,
      config,
      template,
      logger,
      needSandbox: false,
      needLlm: roles.some((r) => r.policy === "llm"),
      ...(options.baseProvider && { baseProvider: options.baseProvider }),
    });
    host = await startAgentHost({ bus, run, config, registry: options.registry, roles, services, logger });
    const log = logger.child({ run });
    if (!prior.some((m) => m.envelope?.type === "run.started")) {
      // Lets `scientist agent --run <id> --roles reviewer` add seats from other hosts, and `trace` name the run.
      await publishEnvelope(bus.js, {
        id: deterministicId(null, "run.started", 0, run),
        type: "run.started",
        run,
        from: `cli/${SOURCE.slice("writer/".length)}`,
        causation: null,
        correlation: run,
        at: new Date().toISOString(),
        v: 1,
        payload: {
          template: template.name,
          policy: config.run.policy,
          ideas: options.papers.length,
          maxInFlightIdeas: Math.max(1, options.papers.length),
        },
      });
    }
    if (!options.resume)
      await services.artifacts.put(
        SAMPLE_ARTIFACT,
        JSON.stringify({ papers: options.papers.map((p) => p.paperId), seed: options.seed ?? null }, null, 2),
      );
    const waiting = awaitOutcomes(
      bus,
      run,
      outcomes,
      config.run.deadlineMs,
      options.onMessage ?? (() => undefined),
      options.signal,
    );
    for (const { paper, ideaId } of toPublish) {
      const drafted = draftedEnvelope(run, paper, ideaId);
      await services.artifacts.put(drafted.payload.textArtifact!, paper.text);
      await publishEnvelope(bus.js, drafted);
    }
    log.info(
      {
        papers: options.papers.length,
        published: toPublish.length,
        reused: [...outcomes.values()].filter((o) => o.reused).length,
      },
      "review-bench papers published",
    );
    const messages = await waiting;
    await host.stop();
    host = null;
    await new ArtifactStore(bus.objm, run, config.run.outDir).syncLocal();
    const ledger = await readLedger(bus.kv.ledger, run);
    return { outcomes, costs: ledger ? costsOf(ledger) : null, replay: services.llm?.replayStatus() ?? null, messages };
  } finally {
    await host?.stop();
    await services?.close();
    await bus.close();
    await nats.server?.stop();
  }
}
