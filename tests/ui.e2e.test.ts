import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, newRunId, readRun, type BusConnection } from "../bus/index.ts";
import { toChromeTrace, toOtlpTrace, type TraceEntry } from "../bus/trace/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { startUiServer, type UiServer } from "../cli/ui/server.ts";
import { topologyOf } from "../cli/ui/topology.ts";
import { followTrace } from "../cli/trace-follow.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { launchChromium, type Chromium } from "./support/chromium.ts";

const hasDocker = await dockerAvailable();
const browser: Chromium | null = hasDocker ? await launchChromium() : null;

const messageCount = (page: Page) => page.$eval("#message-count", (el) => Number((el as HTMLElement).dataset.count));

describe.skipIf(!hasDocker || !browser)(
  "the live web page of a real swarm run (real NATS, Docker and Chromium)",
  () => {
    let nats: Awaited<ReturnType<typeof startTestNats>>;
    let bus: BusConnection;
    let ui: UiServer;
    let page: Page;
    let running: Promise<SwarmRunResult>;
    let following: Promise<{ ended: string; lines: string[] }>;
    const run = newRunId();
    const controller = new AbortController();
    const out = mkdtempSync(join(tmpdir(), "sci-ui-runs-"));

    beforeAll(async () => {
      nats = await startTestNats();
      const config = loadConfig({
        env: {},
        raw: {
          run: { template: fastTemplate(), ideas: 2, maxInFlightIdeas: 2, out },
          nats: { url: nats.url },
          roles: { coder: { config: { rulesRuns: 1 } }, reviewer: { replicas: 3 } },
          sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
        },
      });
      const { registry, plugins } = await bootRoles(config, builtinRoles);
      bus = await connectBus(nats.url);
      // The page and the follower are attached before the run exists, so everything they show arrived live.
      ui = await startUiServer({ bus, run: null, topology: topologyOf(registry.all()) });
      page = await browser!.context.newPage();
      await page.goto(`${ui.url}?run=${run}`);
      const lines: string[] = [];
      following = (async () => {
        // followRun needs the stream; the page waits for it on its own, the follower waits for the first message here.
        await page.waitForFunction(
          () => Number(document.querySelector<HTMLElement>("#message-count")?.dataset.count) >= 1,
          null,
          { timeout: 60_000 },
        );
        const ended = await followTrace({
          js: bus.js,
          run,
          filter: {},
          signal: controller.signal,
          write: (line) => lines.push(line),
        });
        return { ended, lines };
      })();
      running = runSwarm({ config, registry, plugins, logger: silentLogger, run });
      // Both are awaited by the tests; these handlers only keep an early failure from being reported as unhandled.
      following.catch(() => undefined);
      running.catch(() => undefined);
    }, 120_000);

    afterAll(async () => {
      controller.abort();
      await running?.catch(() => undefined);
      await page?.close();
      await browser?.close();
      await ui?.close();
      await bus?.close();
      await nats?.cleanup();
    });

    it("shows new messages on the page as they arrive, while the run is still going", async () => {
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>("#message-count")?.dataset.count) >= 2,
        null,
        { timeout: 60_000 },
      );
      const early = await messageCount(page);
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>("#message-count")?.dataset.count) > n,
        early,
        { timeout: 120_000 },
      );
      expect(await messageCount(page)).toBeGreaterThan(early);
      const result = await running;
      // The page saw the run part-way through: what it first showed was less than the whole stream.
      expect(early).toBeLessThan(result.report.messages);
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>("#message-count")?.dataset.count) === n,
        result.report.messages,
        { timeout: 30_000 },
      );
      expect(await page.locator("#sequence g.arrow").count()).toBeGreaterThan(10);
      expect(await page.textContent("#run-status")).toContain("completed");
    }, 300_000);

    it("shows each finished paper with its decision, reviews and meta-review", async () => {
      const { report } = await running;
      expect(report.papers.length).toBeGreaterThanOrEqual(1);
      await page.waitForFunction(
        (n) => document.querySelectorAll(".paper[data-decision]").length === n,
        report.papers.length,
        { timeout: 30_000 },
      );
      for (const paper of report.papers) {
        const card = page.locator(`.paper[data-paper="${paper.id}"]`);
        expect(await card.getAttribute("data-decision")).toBe(paper.decision);
        expect(await card.locator("tbody tr").count()).toBe(paper.reviews.length);
        expect(await card.locator(".meta").textContent()).toBe(paper.metaReview);
      }
      for (const idea of report.ideas) {
        const stage = idea.status === "decided" ? "decided" : "dropped";
        expect(await page.locator(`.stage[data-stage="${stage}"] .idea[data-idea="${idea.id}"]`).count()).toBe(1);
      }
      // Each agent's latest XState state comes from the actor.transitioned entries the runtime adds to the stream.
      expect(await page.locator('#agents tr[data-agent^="coder/"] td').nth(1).textContent()).toMatch(
        /coder \[idea-.*\] \w+ → \w+/,
      );
      mkdirSync(join(repoRoot, "test-results"), { recursive: true });
      await page.screenshot({ path: join(repoRoot, "test-results", "ui.png"), fullPage: true });
    }, 120_000);

    it("follows the trace live until run.completed, one line per message", async () => {
      const { report } = await running;
      const { ended, lines } = await following;
      expect(ended).toBe("completed");
      // run.completed is the last message of a run (the runtime publishes an actor's state changes before what it
      // emitted), so stopping there has shown the whole stream, each message once, in stream order.
      expect(lines).toHaveLength(report.messages);
      expect(lines.map((line) => Number(/^#(\d+)/.exec(line)![1]))).toEqual(
        Array.from({ length: report.messages }, (_, i) => i + 1),
      );
      expect(lines.at(-1)).toContain("run.completed");
    }, 120_000);

    it("writes runs/<run>/index.html naming every paper and its decision, readable offline with its plots", async () => {
      const { report, runDir } = await running;
      const html = readFileSync(join(runDir, "index.html"), "utf8");
      for (const paper of report.papers) {
        expect(html).toContain(`id="${paper.id}"`);
        expect(html).toContain(
          `<span class="decision ${paper.decision}">${paper.decision}</span> overall ${paper.overall}`,
        );
        expect(html).toContain(`href="${paper.path.split("/").map(encodeURIComponent).join("/")}"`);
      }
      for (const idea of report.ideas) expect(html).toContain(`id="${idea.id}"`);
      const offline = await browser!.context.newPage();
      try {
        await offline.goto(`file://${join(runDir, "index.html")}`);
        expect(await offline.locator(".paper").count()).toBe(report.papers.length);
        const images = await offline.$$eval("img", (imgs) =>
          imgs.map((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
        );
        expect(images.length).toBeGreaterThan(0);
        expect(images.every(Boolean)).toBe(true);
      } finally {
        await offline.close();
      }
    }, 60_000);

    it("exports the real run as structurally valid Chrome trace-event JSON and as OTLP spans with one root", async () => {
      const { report } = await running;
      const entries: TraceEntry[] = (await readRun(bus.js, bus.jsm, run))
        .filter((s) => s.envelope)
        .map((s) => ({ envelope: s.envelope!, seq: s.seq }));
      expect(entries).toHaveLength(report.messages);
      const chrome = JSON.parse(JSON.stringify(toChromeTrace(entries))) as ReturnType<typeof toChromeTrace>;
      const slices = chrome.traceEvents.filter((e) => e.ph === "X");
      expect(slices).toHaveLength(entries.length);
      for (const e of chrome.traceEvents) {
        expect(["M", "X", "s", "f"]).toContain(e.ph);
        expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
        if (e.ph !== "M") expect(Number.isFinite(e.ts)).toBe(true);
        if (e.ph === "X") expect(e.dur).toBeGreaterThan(0);
      }
      const starts = chrome.traceEvents.filter((e) => e.ph === "s").map((e) => e.id);
      const finishes = chrome.traceEvents.filter((e) => e.ph === "f").map((e) => e.id);
      expect(starts.length).toBeGreaterThan(0);
      expect(new Set(finishes)).toEqual(new Set(starts));
      const spans = toOtlpTrace(entries).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      const ids = new Set(spans.map((s) => s.spanId));
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
      expect(spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
      for (const span of spans) if (span.parentSpanId) expect(ids.has(span.parentSpanId)).toBe(true);
    });
  },
);
