/**
 * One real llm run of the swarm for the throughput and token benches: every built-in role with its llm policy, the
 * real experimenter in the Docker sandbox, a private nats-server, and the token server standing in for the model.
 * Returns the report, the stream with stored times, and the server's token tallies.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { fastTemplate } from "../tests/support/fast-template.ts";
import { startLocalBus } from "./local-bus.ts";
import { readTimedRun, type TimedEnvelope } from "./stage-times.ts";
import { startTokenServer, type TokenTally } from "./token-server.ts";

export interface LlmRunOptions {
  ideas: number;
  maxInFlightIdeas: number;
  replicas: Record<string, number>;
  latencyMs: number;
  jitterMs: number;
  /** Epochs of the template's training loop: fixes each experiment's duration. */
  epochs: number;
}

export interface LlmRun {
  options: LlmRunOptions;
  /** The template folder the run used (a fast copy of the default). */
  templateDir: string;
  result: SwarmRunResult;
  stored: TimedEnvelope[];
  bySchema: Record<string, TokenTally>;
  wallMs: number;
}

export const MODEL = "gpt-4o-2024-08-06";

export async function llmRun(options: LlmRunOptions): Promise<LlmRun> {
  const local = await startLocalBus();
  const server = await startTokenServer({ latencyMs: options.latencyMs, jitterMs: options.jitterMs });
  const templateDir = fastTemplate(options.epochs);
  try {
    const config = loadConfig({
      env: { OPENAI_API_KEY: "sk-local-bench", OPENAI_BASE_URL: server.url },
      overrides: { policy: "llm" },
      raw: {
        run: {
          template: templateDir,
          ideas: options.ideas,
          maxInFlightIdeas: options.maxInFlightIdeas,
          out: mkdtempSync(join(tmpdir(), "sci-bench-runs-")),
        },
        nats: { url: local.url },
        roles: Object.fromEntries(Object.entries(options.replicas).map(([role, replicas]) => [role, { replicas }])),
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
        // The real model name, so the ledger prices it as gpt-4o; the budget is no constraint here.
        llm: { provider: "openai", model: MODEL, maxRetries: 0, budget: { maxUsd: 1000 } },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    const startedAt = performance.now();
    const result = await runSwarm({ config, registry, logger: silentLogger });
    const wallMs = performance.now() - startedAt;
    const stored = await readTimedRun(local.bus, result.run);
    return { options, templateDir, result, stored, bySchema: structuredClone(server.bySchema), wallMs };
  } finally {
    await server.close();
    await local.close();
  }
}
