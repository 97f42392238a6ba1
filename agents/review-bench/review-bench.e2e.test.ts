// End to end: the review panel hosted on a real nats-server reviews 20 stratified ICLR 2022 papers, its model calls
// answered by a local OpenAI-wire server that scores each paper by its length; then the same run is replayed from
// its recording (no calls) and a run stopped half-way is resumed (its decided papers are not reviewed again).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig, repoRoot } from "../../config/index.ts";
import { builtinRoles } from "../roles/index.ts";
import { bootRoles, silentLogger } from "../runtime/index.ts";
import { startTestNats } from "../../tests/support/nats.ts";
import {
  formatBenchReport,
  loadIclrData,
  metricsOf,
  runReviewBench,
  stratifiedSample,
  stripLeak,
  type BenchReport,
} from "./index.ts";
import { scoreForLength, startBenchWireServer, type BenchWireServer } from "./testing/bench-wire-server.ts";

const dataDir = loadConfig().data.iclr2022;
if (!dataDir)
  console.warn("!!! review-bench e2e skipped: no ICLR 2022 data (SCIENTIST_ICLR2022 or ../shared/data/iclr2022)");

describe.skipIf(!dataDir)("scientist review-bench against a local OpenAI-wire server (real NATS)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let server: BenchWireServer;
  let recorded: BenchReport;
  let replayed: BenchReport;
  let callsRecording = 0;
  let callsReplay = 0;
  const out = mkdtempSync(join(tmpdir(), "sci-review-bench-"));

  function config(options: { replay?: string } = {}) {
    return loadConfig({
      env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
      overrides: { policy: "llm", ...(options.replay && { replay: options.replay }) },
      raw: {
        run: { out },
        // A stopped run's unacked reviews come back quickly on resume.
        nats: { url: nats.url, ackWaitSeconds: 1 },
        llm: {
          provider: "openai",
          model: "local-bench",
          maxRetries: 0,
          prices: { "local-bench": { input: 2.5, output: 10 } },
          budget: { maxUsd: 50 },
        },
      },
    });
  }

  async function bench(options: { replay?: string; resume?: string; papers?: number; stopAfter?: number } = {}) {
    const c = config(options);
    const { registry } = await bootRoles(c, builtinRoles);
    const stop = new AbortController();
    let decided = 0;
    return runReviewBench({
      config: c,
      registry,
      logger: silentLogger,
      data: dataDir,
      papers: options.papers ?? 20,
      seed: 1,
      ...(options.resume && { resume: options.resume }),
      signal: stop.signal,
      onMessage: (m) => {
        if (m.envelope?.type === "paper.decided" && options.stopAfter && ++decided >= options.stopAfter) stop.abort();
      },
    });
  }

  beforeAll(async () => {
    nats = await startTestNats();
    server = await startBenchWireServer();
    recorded = (await bench()).report;
    callsRecording = server.requests.length;
    replayed = (await bench({ replay: recorded.run })).report;
    callsReplay = server.requests.length - callsRecording;
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await nats?.cleanup();
  });

  it("decides all 20 papers with a full panel, each by the score the server gave its stripped text", () => {
    const data = loadIclrData(dataDir);
    const sample = stratifiedSample(data.ratings, 20, 1);
    expect(recorded.papers.map((p) => p.id)).toEqual(sample.map((r) => r.id));
    expect(recorded.sample).toMatchObject({ papers: 20, accept: 7, reject: 13 });
    for (const paper of recorded.papers) {
      expect(paper.status).toBe("decided");
      expect(paper.seatsAnswered).toBe(5);
      const s = stripLeak(data.paperText(paper.id), paper.id);
      const expected = scoreForLength(s.text.trimEnd().length);
      expect(paper.panelOverall).toBe(expected);
      expect(paper.decision).toBe(expected >= 6 ? "Accept" : "Reject");
    }
    // The reviewers read the stripped text, never a decision tell-tale.
    const reviews = server.requests.filter((r) => r.schema === "review");
    expect(reviews).toHaveLength(20 * 5 * 2);
    expect(reviews.filter((r) => r.leaked)).toEqual([]);
    expect(new Set(reviews.map((r) => r.overall)).size).toBeGreaterThanOrEqual(3);
    expect(server.requests.filter((r) => r.schema === "meta_review")).toHaveLength(20);
    // And the text the panel read is the artifact mirrored in the run folder.
    const runDir = join(out, recorded.run);
    const texts = readdirSync(runDir).filter((d) => d.startsWith("iclr-"));
    expect(texts).toHaveLength(20);
    for (const dir of texts)
      expect(readFileSync(join(runDir, dir, "paper.txt"), "utf8")).not.toMatch(
        /Anonymous authors|Published as a conference paper|double-blind review/,
      );
  });

  it("reports the panel's figures, recomputable from its own per-paper table, beside the seed's settings", () => {
    const panel = recorded.metrics.find((m) => m.source === "panel")!;
    expect(panel).toBeDefined();
    expect(panel.reviewed).toBe(20);
    const again = metricsOf(
      recorded.papers.map((p) => ({
        truth: p.humanDecision === "Accept",
        predicted: p.decision === "Accept",
        score: p.panelOverall!,
        human: p.humanMean,
      })),
    );
    expect(panel.metrics).toEqual(again);
    // Length is a weak signal of acceptance on this sample: the figures are neither trivial nor perfect.
    expect(panel.metrics.auc).toBeGreaterThan(0.5);
    expect(panel.metrics.auc).toBeLessThan(1);
    expect(panel.metrics.balancedAccuracy).not.toBeNull();
    const seeds = recorded.metrics.filter((m) => m.source === "seed");
    expect(seeds).toHaveLength(6 * 2);
    expect(recorded.leakCheck.raw).toBeGreaterThan(0.9);
    expect(recorded.leakCheck.stripped).toBeLessThan(0.6);
    const text = formatBenchReport(recorded);
    expect(text).toContain("panel: local-bench, 5 seats");
    expect(text).toContain("gpt-4o-2024-05-13_temp_0_1_reflect_5_ensemble_5_pages_all");
  });

  it("prices every paper's calls from the run's ledger, and the papers add up to the total", () => {
    expect(recorded.costs?.total.calls).toBe(callsRecording);
    const sum = recorded.papers.reduce((s, p) => s + (p.cost?.calls ?? 0), 0);
    expect(sum).toBe(callsRecording);
    for (const p of recorded.papers) expect(p.cost?.usd).toBeGreaterThan(0);
    const json = JSON.parse(readFileSync(join(out, recorded.run, "review-bench.json"), "utf8")) as BenchReport;
    expect(json.papers[0]).toMatchObject({ id: recorded.papers[0]!.id, seatsAnswered: 5 });
    expect(Object.keys(json.papers[0]!)).toEqual(
      expect.arrayContaining(["id", "humanDecision", "humanMean", "panelOverall", "decision", "seatsAnswered", "cost"]),
    );
  });

  it("replays the run from its recording with no model call and the same decisions", () => {
    expect(callsReplay).toBe(0);
    expect(replayed.replay).toMatchObject({ from: recorded.run, misses: 0, answered: callsRecording });
    expect(replayed.papers.map((p) => [p.id, p.panelOverall, p.decision])).toEqual(
      recorded.papers.map((p) => [p.id, p.panelOverall, p.decision]),
    );
  });

  it("resumes a stopped run: papers decided before the stop are not reviewed again", async () => {
    const before = server.requests.length;
    const stopped = (await bench({ papers: 6, stopAfter: 2 })).report;
    const decidedFirst = stopped.papers.filter((p) => p.status === "decided").map((p) => p.id);
    expect(decidedFirst.length).toBeGreaterThanOrEqual(2);
    const mark = server.requests.length;
    // The flags may differ now: a resumed run goes on with its own sample.
    const resumed = (await bench({ papers: 20, resume: stopped.run })).report;
    expect(resumed.run).toBe(stopped.run);
    expect(resumed.papers.map((p) => p.id)).toEqual(stopped.papers.map((p) => p.id));
    expect(resumed.papers.every((p) => p.status === "decided")).toBe(true);
    const reused = resumed.papers.filter((p) => p.reused).map((p) => p.id);
    expect(reused).toEqual(expect.arrayContaining(decidedFirst));
    const data = loadIclrData(dataDir);
    const titles = new Set(reused.map((id) => stripLeak(data.paperText(id), id).title));
    expect(server.requests.slice(mark).filter((r) => r.title && titles.has(r.title))).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(before);
  });
});

describe.skipIf(!dataDir)(
  "scientist review-bench --papers 20 (the CLI on a real nats-server, a local OpenAI-wire server)",
  () => {
    it("prints our figures and the seed baselines, and writes review-bench.json", async () => {
      const server = await startBenchWireServer();
      const nats = await startTestNats();
      try {
        const dir = mkdtempSync(join(tmpdir(), "sci-rb-cli-llm-"));
        const config = join(dir, "bench.yaml");
        writeFileSync(
          config,
          stringify({
            llm: {
              provider: "openai",
              model: "local-bench",
              maxRetries: 0,
              prices: { "local-bench": { input: 2.5, output: 10 } },
            },
            logging: { level: "warn" },
          }),
        );
        // The child gets an environment of our own: the key and endpoint of the local server, nothing else.
        const child = spawn(
          process.execPath,
          [
            join(repoRoot, "bin/scientist.mjs"),
            "review-bench",
            "--config",
            config,
            "--nats",
            nats.url,
            "--papers",
            "20",
            "--out",
            join(dir, "runs"),
            "--data",
            dataDir!,
          ],
          {
            stdio: ["ignore", "pipe", "pipe"],
            env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
            cwd: dir,
          },
        );
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
        const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
        expect(code, stderr).toBe(0);
        expect(stdout.match(/paper\.decided /g)).toHaveLength(20);
        expect(stdout).toContain("panel: local-bench, 5 seats");
        expect(stdout).toMatch(/panel: local-bench, 5 seats, threshold 6\s+sample\s+20\s+0\s/);
        expect(stdout).toMatch(
          /gpt-4o-2024-05-13_temp_0_1_reflect_5_ensemble_5_pages_all\s+all\s+500\s+0\s+0\.68\s+0\.61/,
        );
        expect(stdout).toMatch(/model spend: 220 calls/);
        const run = stdout.match(/^review-bench run (\S+)/m)![1]!;
        const report = JSON.parse(readFileSync(join(dir, "runs", run, "review-bench.json"), "utf8")) as BenchReport;
        expect(report.papers.filter((p) => p.status === "decided")).toHaveLength(20);
        expect(server.requests).toHaveLength(220);
      } finally {
        await server.close();
        await nats.cleanup();
      }
    }, 300_000);
  },
);
