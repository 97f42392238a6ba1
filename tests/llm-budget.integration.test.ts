import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, readRun } from "../bus/index.ts";
import { loadConfig } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import type { Sandbox } from "../sandbox/index.ts";
import { startTestNats } from "./support/nats.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { startResearchServer, type ResearchServer } from "./support/scripted-research-server.ts";

/** The budget runs out before any experiment: a sandbox that is never used makes that visible. */
const unusedSandbox: Sandbox = {
  backend: "docker",
  run: async () => {
    throw new Error("no experiment should run once the budget is exhausted");
  },
  ensureImage: async () => undefined,
  close: async () => undefined,
};

const maxTokens = 12_000;

describe("a hard model budget (real NATS, local OpenAI-compatible server)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let server: ResearchServer;
  let result: SwarmRunResult;

  beforeAll(async () => {
    nats = await startTestNats();
    server = await startResearchServer();
    const config = loadConfig({
      env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
      raw: {
        run: {
          template: fastTemplate(),
          ideas: 3,
          maxInFlightIdeas: 1,
          out: mkdtempSync(join(tmpdir(), "sci-budget-")),
          policy: "llm",
        },
        nats: { url: nats.url },
        llm: {
          provider: "openai",
          model: "local-scripted",
          maxRetries: 0,
          prices: { "local-scripted": { input: 2.5, output: 10 } },
          budget: { maxTokens },
        },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    result = await runSwarm({ config, registry, logger: silentLogger, sandbox: unusedSandbox });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await nats?.cleanup();
  });

  it("stops at its cap, announces budget.exhausted once, and still writes its report", async () => {
    const r = result.report;
    expect(existsSync(result.reportPath)).toBe(true);
    expect(r.completed).toBe(true);
    expect(r.budgetExhausted).toMatchObject({ budget: { maxTokens, maxUsd: null } });
    expect(r.messageCounts["budget.exhausted"]).toBe(1);
    // No call is made once the cap is reached; the calls made are all in the ledger.
    expect(r.costs!.total.calls).toBe(server.total());
    expect(r.costs!.total.tokens).toBeLessThanOrEqual(maxTokens);
    const report = JSON.parse(readFileSync(result.reportPath, "utf8"));
    expect(report.costs.total.calls).toBe(server.total());
  });

  it("ends every in-flight idea with the budget as its recorded reason, and the ideator stops proposing", async () => {
    const r = result.report;
    expect(r.ideas.length).toBeGreaterThan(0);
    expect(r.ideas.length).toBeLessThan(3);
    for (const idea of r.ideas) {
      expect(idea.status).toBe("failed");
      expect(idea.reason).toContain("LLM_BUDGET_EXHAUSTED");
    }
    expect(r.reason).toContain("ideation stopped early");
    expect(r.reason).toContain("LLM_BUDGET_EXHAUSTED");
    const bus = await connectBus(nats.url);
    try {
      const types = (await readRun(bus.js, bus.jsm, result.run)).map((m) => m.envelope?.type);
      expect(types).not.toContain("experiment.requested");
      // Nothing is proposed once the budget is gone.
      expect(types.slice(types.indexOf("budget.exhausted"))).not.toContain("idea.proposed");
      expect(types.at(-1)).toBe("run.completed");
    } finally {
      await bus.close();
    }
  });
});
