/**
 * kill -9 of the nats-server that `scientist run` started, while an experiment's container runs: the run owner's
 * supervisor restarts it on the same port and store, every client reconnects, and the run completes with each idea
 * decided once and each experiment result recorded once. Real nats-server, real Docker, the run in this process.
 */
import { mkdtempSync, readFileSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, newRunId, readRun, startNatsServer, type Envelope, type Payload } from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
const key = (p: { ideaId: string; kind: string; runIndex: number; attempt: number }) =>
  `${p.ideaId}/${p.kind}/${p.runIndex}/${p.attempt}`;

/** Resolves on the first start of a sandbox container of this run (Docker's event stream; no polling). */
async function firstContainerStart(run: string): Promise<void> {
  const events = (await new Dockerode().getEvents({
    filters: { type: ["container"], event: ["start"], label: [`scientist.run=${run}`] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  await new Promise<void>((resolve) => events.once("data", () => resolve()));
  events.destroy();
}

const livePid = (storeDir: string) =>
  (JSON.parse(readFileSync(join(storeDir, "live-server.json"), "utf8")) as { pid: number }).pid;

describe.skipIf(!hasDocker)("kill -9 of the run's own nats-server mid-experiment", () => {
  const dir = mkdtempSync(join(tmpdir(), "sci-nats-restart-"));
  const storeDir = join(dir, "nats");
  const run = newRunId();
  let result: SwarmRunResult;
  let stored: Envelope[] = [];
  let killedPid = 0;
  let pidAfter = 0;
  let restartedPid = 0;
  let finishedBeforeKill = 0;
  let seconds = 0;

  beforeAll(async () => {
    const config = loadConfig({
      path: null,
      env: {},
      raw: {
        run: { template: fastTemplate(150), ideas: 2, maxInFlightIdeas: 2, out: join(dir, "runs") },
        // A short ack wait brings back quickly what was in flight when the server died.
        nats: { storeDir, ackWaitSeconds: 5, auth: { credsDir: join(dir, "creds") } },
        roles: { coder: { config: { rulesRuns: 1 } } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    const t0 = Date.now();
    const seen: Envelope[] = [];
    let requested: () => void = () => undefined;
    const firstRequest = new Promise<void>((resolve) => (requested = resolve));
    const swarm = runSwarm({
      config,
      registry,
      logger: silentLogger,
      run,
      onMessage: (m) => {
        if (!m.envelope) return;
        seen.push(m.envelope);
        if (m.envelope.type === "experiment.requested") requested();
      },
    });
    swarm.catch(() => undefined); // awaited below
    await firstRequest;
    await firstContainerStart(run);
    killedPid = livePid(storeDir);
    finishedBeforeKill = seen.filter((e) => e.type === "experiment.finished").length;
    const restarted = markerRewritten(storeDir, killedPid);
    process.kill(killedPid, "SIGKILL");
    restartedPid = await restarted;
    result = await swarm;
    seconds = (Date.now() - t0) / 1000;
    // The run stopped its server; read the stream from a fresh one on the same store.
    const server = await startNatsServer({ storeDir });
    const bus = await connectBus(server.url);
    try {
      stored = (await readRun(bus.js, bus.jsm, run)).map((m) => m.envelope!).filter(Boolean);
    } finally {
      await bus.close();
      await server.stop();
    }
    pidAfter = result ? livePidOr(storeDir) : 0;
  }, 600_000);

  afterAll(() => {
    console.log(
      `nats-restart: run ${run} in ${seconds.toFixed(1)} s, server pid ${killedPid} killed with ${finishedBeforeKill} experiments finished`,
    );
  });

  it("killed the server while an experiment ran (none of this run's results in yet)", () => {
    expect(killedPid).toBeGreaterThan(0);
    expect(finishedBeforeKill).toBe(0);
    // The supervisor started a new nats-server on the store (it rewrote the live marker with its pid).
    expect(restartedPid).toBeGreaterThan(0);
    expect(restartedPid).not.toBe(killedPid);
    expect(pidAfter).toBe(0); // the run removed its live marker when it stopped the restarted server
  });

  it("completes the run, every idea decided or failed once, none lost", () => {
    expect(result.report.completed).toBe(true);
    const proposed = stored
      .filter((e) => e.type === "idea.proposed")
      .map((e) => (e.payload as Payload<"idea.proposed">).ideaId);
    expect(proposed).toHaveLength(2);
    const outcomes = stored
      .filter((e) => e.type === "paper.decided" || e.type === "idea.failed")
      .map((e) => (e.payload as { ideaId: string }).ideaId);
    expect(outcomes.sort()).toEqual([...proposed].sort());
    // A bus fault is not a scientific result: no idea failed because the server was gone for a moment.
    expect(result.report.ideas.filter((i) => i.status === "failed")).toEqual([]);
  });

  it("records each experiment result exactly once", () => {
    const requested = stored
      .filter((e) => e.type === "experiment.requested")
      .map((e) => key(e.payload as Payload<"experiment.requested">));
    const finished = stored
      .filter((e) => e.type === "experiment.finished")
      .map((e) => key(e.payload as Payload<"experiment.finished">));
    expect(finished.length).toBeGreaterThan(0);
    expect(new Set(finished).size).toBe(finished.length);
    expect(new Set(finished)).toEqual(new Set(requested));
    expect(stored.filter((e) => e.type === "run.completed")).toHaveLength(1);
  });

  it("names the restart in report.json's warnings", () => {
    expect(result.report.warnings?.map((w) => w.code)).toEqual(["RUNTIME_NATS_RESTARTED"]);
  });
});

function livePidOr(storeDir: string): number {
  try {
    return livePid(storeDir);
  } catch {
    return 0;
  }
}

/** Resolves with the pid in the live marker once a server other than `old` has written it (fs events, no polling). */
function markerRewritten(storeDir: string, old: number): Promise<number> {
  return new Promise((resolve) => {
    const watcher = watch(storeDir, (_event, name) => {
      if (name !== "live-server.json") return;
      const pid = livePidOr(storeDir);
      if (pid !== 0 && pid !== old) {
        watcher.close();
        resolve(pid);
      }
    });
  });
}
