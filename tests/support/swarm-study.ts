// One whole swarm run for an end-to-end test (real NATS, real sandbox): in rules mode, or in llm mode against a
// local OpenAI-wire server answering with `reply`. Measures the wall clock to the first decided paper (from the
// run's own messages as they arrive, never by polling) and keeps the run's messages for assertions.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Envelope } from "../../bus/index.ts";
import { loadConfig, repoRoot } from "../../config/index.ts";
import { builtinRoles } from "../../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../../agents/runtime/index.ts";
import { startResearchServer, type ChatRequest, type ResearchServer } from "./scripted-research-server.ts";

export interface StudyRun {
  result: SwarmRunResult;
  /** Every message of the run, in arrival order. */
  messages: Envelope[];
  /** Seconds from the start of runSwarm to the first paper.decided (null: none). */
  firstDecidedSeconds: number | null;
  totalSeconds: number;
  /** Model calls the local server answered (llm mode). */
  calls: number;
}

/** Deep merge of plain objects (arrays and scalars replace). */
function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const prior = out[key];
    out[key] =
      value &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      prior &&
      typeof prior === "object" &&
      !Array.isArray(prior)
        ? merge(prior as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/**
 * Runs one swarm on `template` with one idea. `raw` is merged over the test defaults (a config as the YAML file
 * would hold it); `reply` given = llm mode against a local scripted server.
 */
export async function runStudy(options: {
  natsUrl: string;
  template: string;
  reply?: (request: ChatRequest) => unknown;
  raw?: Record<string, unknown>;
  label: string;
  /** A fixed run id: the rules ideator's choices are seeded by it, so the run is reproducible. */
  run?: string;
}): Promise<StudyRun> {
  const llm = options.reply !== undefined;
  let server: ResearchServer | null = null;
  try {
    if (options.reply) server = await startResearchServer({ reply: options.reply });
    const raw = merge(
      {
        run: {
          template: options.template,
          ideas: 1,
          maxInFlightIdeas: 1,
          out: mkdtempSync(join(tmpdir(), "sci-e2e-runs-")),
          policy: llm ? "llm" : "rules",
        },
        nats: { url: options.natsUrl },
        roles: { coder: { config: { rulesRuns: 1 } }, experimenter: { replicas: 2 }, reviewer: { replicas: 5 } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
        ...(llm && {
          llm: {
            provider: "openai",
            model: "local-scripted",
            maxRetries: 0,
            prices: { "local-scripted": { input: 2.5, output: 10 } },
            budget: { maxUsd: 5 },
          },
        }),
      },
      options.raw ?? {},
    );
    const config = loadConfig({
      env: server ? { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url } : {},
      raw,
    });
    const { registry } = await bootRoles(config, builtinRoles);
    const messages: Envelope[] = [];
    const started = Date.now();
    let firstDecided: number | null = null;
    const result = await runSwarm({
      config,
      registry,
      logger: silentLogger,
      ...(options.run && { run: options.run }),
      onMessage: (m) => {
        if (!m.envelope) return;
        messages.push(m.envelope);
        if (m.envelope.type === "paper.decided" && firstDecided === null) firstDecided = Date.now();
      },
    });
    const run: StudyRun = {
      result,
      messages,
      firstDecidedSeconds: firstDecided === null ? null : (firstDecided - started) / 1000,
      totalSeconds: (Date.now() - started) / 1000,
      calls: server?.total() ?? 0,
    };
    console.log(
      `[${options.label}] run ${result.run}: first decided paper after ${run.firstDecidedSeconds?.toFixed(1) ?? "—"} s, run ${run.totalSeconds.toFixed(1)} s, ${result.report.papers.length} paper(s), ${run.calls} model call(s); ${result.runDir}`,
    );
    return run;
  } finally {
    await server?.close();
  }
}

/** The messages of one type, payloads typed loosely for assertions. */
export function payloadsOf(run: StudyRun, type: string): Array<Record<string, unknown>> {
  return run.messages.filter((m) => m.type === type).map((m) => m.payload as Record<string, unknown>);
}
