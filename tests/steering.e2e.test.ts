import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, newRunId, readRun, type BusConnection, type StoredEnvelope } from "../bus/index.ts";
import { loadConfig, repoRoot, type SwarmConfig } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import {
  bootRoles,
  controlFor,
  runSwarm,
  sendControl,
  silentLogger,
  SteeringState,
  type SwarmRunResult,
} from "../agents/runtime/index.ts";
import { createSandbox, type Sandbox, type SandboxRunRequest } from "../sandbox/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
if (!hasDocker) console.warn("\n!!! STEERING E2E SKIPPED: no Docker engine answers !!!\n");

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const isExperiment = (r: SandboxRunRequest) => r.command.join(" ").includes("out_dir");

/**
 * The real Docker sandbox, observed: the first experiment runs for real, then its result is handed back only once
 * the test has paused the run, so the pause lands while that experiment is in flight.
 */
function observedSandbox(real: Sandbox, firstStarted: () => void, releaseFirst: Promise<void>) {
  const started: string[] = [];
  const sandbox: Sandbox = {
    backend: real.backend,
    ensureImage: (image) => real.ensureImage(image),
    close: () => real.close(),
    run: async (request) => {
      if (!isExperiment(request)) return real.run(request);
      started.push(request.command.join(" "));
      const first = started.length === 1;
      if (first) firstStarted();
      const result = await real.run(request);
      if (first) await releaseFirst;
      return result;
    },
  };
  return { sandbox, started };
}

describe.skipIf(!hasDocker)("steering a live run (real NATS, real Docker)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let operator: BusConnection;
  let result: SwarmRunResult;
  let stored: StoredEnvelope[];
  const seen: { atPause: number; requestedAtPause: number; requestedWhilePaused: number; heldByCoder: number } = {
    atPause: 0,
    requestedAtPause: 0,
    requestedWhilePaused: 0,
    heldByCoder: 0,
  };
  let stoppedIdea = "";

  beforeAll(async () => {
    nats = await startTestNats();
    operator = await connectBus(nats.url, { name: "test-operator" });
    const out = mkdtempSync(join(tmpdir(), "sci-steer-"));
    const config: SwarmConfig = loadConfig({
      env: {},
      raw: {
        run: { template: fastTemplate(), ideas: 3, maxInFlightIdeas: 1, out },
        nats: { url: nats.url },
        roles: { coder: { config: { rulesRuns: 1 } }, reviewer: { replicas: 3 } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    const run = newRunId();
    const steering = new SteeringState();
    const firstStarted = deferred();
    const releaseFirst = deferred();
    const secondProposed = deferred<string>();
    const real = await createSandbox({
      backend: config.sandbox.backend,
      cacheDir: config.sandbox.cacheDir,
      logger: silentLogger,
    });
    const observed = observedSandbox(real, firstStarted.resolve, releaseFirst.promise);
    let proposals = 0;
    const onMessage = (m: StoredEnvelope) => {
      if (m.envelope?.type === "idea.proposed" && ++proposals === 2)
        secondProposed.resolve((m.envelope.payload as { ideaId: string }).ideaId);
    };
    const running = runSwarm({
      config,
      registry,
      logger: silentLogger,
      run,
      sandbox: observed.sandbox,
      steering,
      onMessage,
    });
    const send = (verb: string, args: string[] = [], options = {}) =>
      sendControl({ bus: operator, run, request: controlFor(verb, args, options), config });

    // Pause while the first experiment runs; constrain new ideas to one knob meanwhile.
    await firstStarted.promise;
    await send("pause", [], { reason: "look at the first result" });
    await send("constrain", ["only change learning_rate"]);
    await steering.until((s) => s.isPaused("coder") && s.constraints().length === 1);
    seen.atPause = observed.started.length;
    seen.requestedAtPause = (await readRun(operator.js, operator.jsm, run)).filter(
      (m) => m.envelope?.type === "experiment.requested",
    ).length;
    releaseFirst.resolve();
    // The running experiment completes and reports; the paused coder holds that report instead of starting more.
    await steering.until((s) => (s.holding.get("coder") ?? 0) > 0);
    seen.heldByCoder = steering.holding.get("coder") ?? 0;
    seen.requestedWhilePaused = (await readRun(operator.js, operator.jsm, run)).filter(
      (m) => m.envelope?.type === "experiment.requested",
    ).length;
    await send("resume");
    // Then stop the second idea as soon as it is proposed.
    stoppedIdea = await secondProposed.promise;
    await send("stop-idea", [stoppedIdea], { reason: "not worth the compute" });
    result = await running;
    stored = await readRun(operator.js, operator.jsm, run);
    await real.close();
  }, 600_000);

  afterAll(async () => {
    await operator?.close();
    await nats?.cleanup();
  });

  it("pause mid-experiment: the running one completes, no new experiment starts, resume completes the run", () => {
    expect(seen.atPause).toBe(1);
    expect(seen.heldByCoder).toBe(1);
    // Nothing was requested between the pause and the resume (the finished experiment's report was held).
    expect(seen.requestedWhilePaused).toBe(seen.requestedAtPause);
    const finished = stored.filter((m) => m.envelope?.type === "experiment.finished");
    expect(finished.length).toBeGreaterThan(1);
    expect(result.report.completed).toBe(true);
    expect(result.report.deadLetters).toEqual([]);
  });

  it("a stopped idea is dropped by the operator with the reason, and the run completes", () => {
    const idea = result.report.ideas.find((i) => i.id === stoppedIdea)!;
    expect(idea.status).toBe("stopped");
    expect(idea.reason).toBe("stopped by the operator: not worth the compute");
    expect(result.report.papers.map((p) => p.idea)).not.toContain(stoppedIdea);
    expect(result.report.ideas).toHaveLength(3);
    const completed = stored.find((m) => m.envelope?.type === "run.completed")!.envelope!.payload as {
      dropped: number;
    };
    expect(completed.dropped).toBeGreaterThanOrEqual(1);
  });

  it("a constraint restricts every new rules idea to the knob it names", () => {
    const later = result.report.ideas.slice(1);
    expect(later).toHaveLength(2);
    for (const idea of later) expect(Object.keys(idea.params)[0]).toBe("learning_rate");
  });

  it("every intervention is in the stream from operator/..., in report.json and in index.html", () => {
    const controls = stored.filter((m) => m.envelope?.type.startsWith("control."));
    expect(controls.map((m) => m.envelope!.type)).toEqual([
      "control.paused",
      "control.constrained",
      "control.resumed",
      "control.idea-stopped",
    ]);
    for (const m of controls) expect(m.envelope!.from).toMatch(/^operator\//);
    const report = JSON.parse(readFileSync(result.reportPath, "utf8")) as {
      interventions: { type: string; from: string }[];
    };
    expect(report.interventions.map((i) => i.type)).toEqual(controls.map((m) => m.envelope!.type));
    const html = readFileSync(join(result.runDir, "index.html"), "utf8");
    expect(html).toContain("<h2>Interventions</h2>");
    expect(html).toContain("idea-stopped");
  });
});
