import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, newRunId, readRun, type BusConnection } from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, SteeringState, type SwarmRunResult } from "../agents/runtime/index.ts";
import { startUiServer, type UiServer } from "../cli/ui/server.ts";
import { topologyOf } from "../cli/ui/topology.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { launchChromium, type Chromium } from "./support/chromium.ts";

const hasDocker = await dockerAvailable();
const browser: Chromium | null = hasDocker ? await launchChromium() : null;
if (!hasDocker) console.warn("\n!!! UI STEERING E2E SKIPPED: no Docker engine answers !!!\n");

describe.skipIf(!hasDocker || !browser)("steering buttons on the live page (real NATS, Docker and Chromium)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: BusConnection;
  let ui: UiServer;
  let page: Page;
  let running: Promise<SwarmRunResult>;
  const run = newRunId();
  const steering = new SteeringState();

  beforeAll(async () => {
    nats = await startTestNats();
    const out = mkdtempSync(join(tmpdir(), "sci-ui-steer-"));
    const config = loadConfig({
      env: {},
      raw: {
        run: { template: fastTemplate(), ideas: 1, maxInFlightIdeas: 1, out },
        nats: { url: nats.url },
        roles: { coder: { config: { rulesRuns: 1 } }, reviewer: { replicas: 3 } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    bus = await connectBus(nats.url);
    ui = await startUiServer({
      bus,
      run: null,
      topology: topologyOf(registry.all()),
      steer: { bus, config, from: "operator/page-test" },
    });
    page = await browser!.context.newPage();
    await page.goto(`${ui.url}?run=${run}`);
    running = runSwarm({ config, registry, logger: silentLogger, run, steering });
    running.catch(() => undefined);
  }, 120_000);

  afterAll(async () => {
    await running?.catch(() => undefined);
    await page?.close();
    await browser?.close();
    await ui?.close();
    await bus?.close();
    await nats?.cleanup();
  });

  it("a click pauses the run (the hosted roles hold their work) and the page shows it; resume lets it complete", async () => {
    // The first idea is out: the run is live and steerable.
    await page.waitForFunction(
      () => (document.querySelector("#counts")?.textContent ?? "").includes("idea.proposed"),
      null,
      { timeout: 60_000 },
    );
    expect(await page.isVisible("#steer-section")).toBe(true);
    await page.click("#steer-pause");
    await page.waitForFunction(
      () => document.querySelector("#steer-result")?.textContent === "sent control.paused",
      null,
      { timeout: 30_000 },
    );
    await steering.until((s) => s.isPaused("experimenter") && s.isPaused("coder"));
    // The page shows what the stream says: the control.paused message came back over the event stream.
    await page.waitForFunction(() => document.querySelector("#run-status")?.textContent === "paused", null, {
      timeout: 30_000,
    });
    const paused = (await readRun(bus.js, bus.jsm, run)).find((m) => m.envelope?.type === "control.paused")!.envelope!;
    expect(paused.from).toBe("operator/page-test");
    // A bad request from the page gets a clear error, nothing is sent.
    await page.click("#steer-stop");
    await page.waitForFunction(
      () => (document.querySelector("#steer-result")?.textContent ?? "").includes("usage: steer <run> stop-idea"),
      null,
      { timeout: 30_000 },
    );
    await page.click("#steer-resume");
    await steering.until((s) => !s.isPaused("coder"));
    const result = await running;
    expect(result.report.completed).toBe(true);
    expect(result.report.interventions?.map((i) => i.type)).toEqual(["control.paused", "control.resumed"]);
    await page.waitForFunction(
      () => (document.querySelector("#run-status")?.textContent ?? "").startsWith("completed"),
      null,
      { timeout: 30_000 },
    );
  }, 300_000);

  it("the steering endpoint refuses non-JSON posts and unknown runs with coded errors", async () => {
    const form = await fetch(new URL("/api/steer", ui.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "verb=pause",
    });
    expect(form.status).toBe(415);
    const unknown = await fetch(new URL("/api/steer", ui.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ run: "r-nope", verb: "pause" }),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "STEER_UNKNOWN_RUN" });
    const ended = await fetch(new URL("/api/steer", ui.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ run, verb: "pause" }),
    });
    expect(ended.status).toBe(409);
  });
});
