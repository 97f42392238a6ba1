import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, readRun } from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable, latexImageReady } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
const hasLatex = hasDocker && (await latexImageReady());

describe.skipIf(!hasDocker)("a mini swarm end to end (real NATS, real Docker)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let result: SwarmRunResult;
  const out = mkdtempSync(join(tmpdir(), "sci-runs-"));

  beforeAll(async () => {
    nats = await startTestNats();
    const config = loadConfig({
      env: {},
      raw: {
        run: { template: fastTemplate(), ideas: 3, maxInFlightIdeas: 2, out },
        nats: { url: nats.url },
        roles: { coder: { config: { rulesRuns: 1 } }, experimenter: { replicas: 2 }, reviewer: { replicas: 5 } },
        plugins: [{ module: join(repoRoot, "tests/fixtures/plugins/result-auditor.ts") }],
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry, plugins } = await bootRoles(config, builtinRoles);
    result = await runSwarm({ config, registry, plugins, logger: silentLogger });
  }, 600_000);

  afterAll(async () => {
    await nats?.cleanup();
  });

  it("completes with every idea accounted for and at least one paper decided by all five seats", () => {
    const r = result.report;
    expect(r.completed).toBe(true);
    expect(r.ideas).toHaveLength(3);
    for (const idea of r.ideas) expect(["decided", "failed", "not-novel"]).toContain(idea.status);
    expect(r.papers.length).toBeGreaterThanOrEqual(1);
    for (const paper of r.papers) {
      expect(paper.reviews).toHaveLength(5);
      expect(paper.decision).toBe(paper.overall >= 6 ? "Accept" : "Reject");
      expect(Object.keys(paper.reviews[0]!)).toEqual(
        expect.arrayContaining(["Summary", "Soundness", "Overall", "Confidence", "Decision", "Ethical Concerns"]),
      );
    }
  });

  it("writes report.json and keeps the seed's layout per idea", () => {
    expect(JSON.parse(readFileSync(result.reportPath, "utf8")).run).toBe(result.run);
    for (const paper of result.report.papers) {
      const dir = join(result.runDir, paper.idea);
      for (const file of ["run_0/final_info.json", "run_1/final_info.json", "run_1.py", "notes.txt", "paper.md"]) {
        expect(existsSync(join(dir, file)), `${paper.idea}/${file}`).toBe(true);
      }
      expect(readFileSync(join(result.runDir, paper.path), "utf8")).toContain("without a language model");
    }
  });

  it("compiles each decided paper to a real PDF in its idea folder, in the sandbox's latex image", (context) => {
    if (!hasLatex) {
      console.warn("\n!!! PDF ASSERTION SKIPPED: the latex image is not built !!!\n");
      context.skip();
    }
    for (const paper of result.report.papers) {
      expect(paper.pdf, `${paper.idea}: ${paper.latexStatus}`).toBe(`${paper.idea}/paper.pdf`);
      expect(paper.latexStatus).toBe("ok");
      const pdf = readFileSync(join(result.runDir, paper.pdf!));
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(pdf.length).toBeGreaterThan(10_000);
      const tex = readFileSync(join(result.runDir, paper.idea, "paper.tex"), "utf8");
      expect(tex).toContain("\\begin{tabular}");
      expect(existsSync(join(result.runDir, paper.idea, "paper.log"))).toBe(true);
    }
  });

  it("prints every results-table number exactly as final_info.json holds it", () => {
    for (const paper of result.report.papers) {
      const markdown = readFileSync(join(result.runDir, paper.path), "utf8");
      const rows = markdown.split("\n").filter((l) => /^\| (moons|circles|spirals) \|/.test(l));
      const header = markdown.split("\n").find((l) => l.startsWith("| dataset | metric |"))!;
      const runs = header
        .split("|")
        .slice(3, -1)
        .map((h) => Number(/run_(\d+)/.exec(h)![1]));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [dataset, metric, ...cells] = row
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim());
        cells.forEach((cell, i) => {
          const info = JSON.parse(
            readFileSync(join(result.runDir, paper.idea, `run_${runs[i]}`, "final_info.json"), "utf8"),
          );
          expect(Number(cell)).toBe(info[dataset!].means[metric!]);
        });
      }
    }
  });

  it("shows the plugged-in role's own messages in the trace", async () => {
    const bus = await connectBus(nats.url);
    try {
      const stored = await readRun(bus.js, bus.jsm, result.run);
      const audits = stored.filter((m) => m.envelope?.type === "result.audited");
      const finished = stored.filter((m) => m.envelope?.type === "experiment.finished");
      expect(audits.length).toBe(finished.length);
      expect(audits[0]!.envelope!.from).toMatch(/^result-auditor\//);
      const ids = new Set(stored.map((m) => m.envelope?.id));
      for (const m of stored) if (m.envelope?.causation) expect(ids.has(m.envelope.causation)).toBe(true);
    } finally {
      await bus.close();
    }
  });
});
