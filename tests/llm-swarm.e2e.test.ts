import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { startResearchServer, type ResearchServer } from "./support/scripted-research-server.ts";

const hasDocker = await dockerAvailable();

describe.skipIf(!hasDocker)(
  "the swarm in llm mode against a local OpenAI-compatible server (real NATS, real Docker)",
  () => {
    let nats: Awaited<ReturnType<typeof startTestNats>>;
    let server: ResearchServer;
    let recorded: SwarmRunResult;
    let replayed: SwarmRunResult;
    let callsWhileRecording = 0;
    let callsDuringReplay = 0;
    const out = mkdtempSync(join(tmpdir(), "sci-llm-runs-"));
    const template = fastTemplate();

    function config(replay?: string) {
      return loadConfig({
        // The openai SDK's own variables: with them set, every role's calls go to this endpoint.
        env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
        overrides: { policy: "llm", ...(replay && { replay }) },
        raw: {
          // One idea in flight: the second idea is conditioned on the first one's score, in the same order on replay.
          run: { template, ideas: 2, maxInFlightIdeas: 1, out },
          nats: { url: nats.url },
          roles: { experimenter: { replicas: 2 }, reviewer: { replicas: 5 } },
          sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
          llm: {
            provider: "openai",
            model: "local-scripted",
            maxRetries: 0,
            prices: { "local-scripted": { input: 2.5, output: 10 } },
            budget: { maxUsd: 5 },
          },
        },
      });
    }

    beforeAll(async () => {
      nats = await startTestNats();
      server = await startResearchServer();
      const first = config();
      const { registry } = await bootRoles(first, builtinRoles);
      recorded = await runSwarm({ config: first, registry, logger: silentLogger });
      callsWhileRecording = server.total();
      replayed = await runSwarm({ config: config(recorded.run), registry, logger: silentLogger });
      callsDuringReplay = server.total() - callsWhileRecording;
    }, 600_000);

    afterAll(async () => {
      await server?.close();
      await nats?.cleanup();
    });

    it("produces decided papers whose panel and decision follow the seed's aggregation", () => {
      const r = recorded.report;
      expect(r.completed).toBe(true);
      expect(r.policy).toBe("llm");
      expect(r.ideas.map((i) => i.status)).toEqual(["decided", "decided"]);
      expect(r.papers).toHaveLength(2);
      for (const paper of r.papers) {
        expect(paper.reviews).toHaveLength(5);
        expect(paper.overall).toBe(Math.round((7 * 4 + 5) / 5));
        expect(paper.metaReview).toContain("by the area chair (model local-scripted)");
        const markdown = readFileSync(join(recorded.runDir, paper.path), "utf8");
        expect(markdown).toContain("Written by scientist-swarm's llm policies");
        expect(markdown).toMatch(/\| moons \| val_acc \|/);
      }
      // The coder's edit really ran: run_1 is the model's code, with the changed learning rate.
      const code = readFileSync(join(recorded.runDir, r.papers[0]!.idea, "run_1.py"), "utf8");
      expect(code).toContain('"learning_rate": 0.2');
    });

    it("reports costs per role and model in report.json, matching the calls the server answered", () => {
      const costs = JSON.parse(readFileSync(recorded.reportPath, "utf8")).costs;
      expect(costs.total.calls).toBe(callsWhileRecording);
      expect(Object.keys(costs.byRole).sort()).toEqual([
        "area-chair",
        "coder",
        "ideator",
        "novelty",
        "reviewer",
        "writer",
      ]);
      expect(costs.byModel["local-scripted"].calls).toBe(callsWhileRecording);
      expect(costs.total.usd).toBeGreaterThan(0);
      // Per idea: run_1 (a stale SEARCH block reported back, then the fix), run_2's prompt with run_1's results
      // (ALL_COMPLETED), plot.py before the plot, notes.txt describing the plots. Nothing is planned up front.
      expect(server.served.edits).toBe(10);
      expect(server.served.plan).toBeUndefined();
      console.log(
        `tokens per paper by role: ${JSON.stringify(Object.fromEntries(Object.entries(costs.byRole).map(([role, c]) => [role, (c as { tokens: number }).tokens / 2])))}`,
      );
    });

    it("replays the run with zero model calls and no divergence", () => {
      expect(callsDuringReplay).toBe(0);
      const r = replayed.report;
      expect(r.replay).toMatchObject({ from: recorded.run, misses: 0, firstMiss: null });
      expect(r.replay!.answered).toBe(callsWhileRecording);
      expect(r.papers.map((p) => [p.idea, p.overall, p.decision])).toEqual(
        recorded.report.papers.map((p) => [p.idea, p.overall, p.decision]),
      );
    });
  },
);

describe.skipIf(!hasDocker)("a model whose replies are valid but useless (real NATS, real Docker)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let server: ResearchServer;
  let result: SwarmRunResult;

  beforeAll(async () => {
    nats = await startTestNats();
    server = await startResearchServer({ useless: true });
    const config = loadConfig({
      env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
      raw: {
        run: {
          template: fastTemplate(),
          ideas: 2,
          maxInFlightIdeas: 2,
          out: mkdtempSync(join(tmpdir(), "sci-useless-")),
          policy: "llm",
        },
        nats: { url: nats.url },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
        llm: { provider: "openai", model: "local-scripted", maxRetries: 0 },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    result = await runSwarm({ config, registry, logger: silentLogger });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await nats?.cleanup();
  });

  it("ends every idea with a recorded reason and writes the report", () => {
    const r = result.report;
    expect(r.completed).toBe(true);
    expect(r.ideas).toHaveLength(2);
    for (const idea of r.ideas) {
      expect(idea.status).toBe("failed");
      expect(idea.reason).toContain("every planned run failed");
      expect(idea.reason).toContain("no applicable edits after 3 round(s)"); // the stale block was reported, not skipped
    }
    expect(r.deadLetters).toEqual([]);
    expect(JSON.parse(readFileSync(result.reportPath, "utf8")).costs.total.calls).toBe(server.total());
  });
});
