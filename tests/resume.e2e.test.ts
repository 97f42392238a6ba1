/**
 * kill -9 of `scientist run` itself once its first experiment result is in, then `scientist resume <run>`: the run
 * goes on from the stream, snapshots and effect journal and completes; no finished experiment runs again, the report
 * is complete; the killed run's nats-server does not block the store. `resume` refuses a live run and a completed
 * one; `scientist runs` shows running, interrupted, completed. Real processes (CLI, nats-server, Docker).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { busAccessFor, connectBus, readRun, type Envelope, type Payload } from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { collectUntil } from "./support/collect.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
const cli = join(repoRoot, "bin/scientist.mjs");
const key = (p: { ideaId: string; kind: string; runIndex: number; attempt: number }) =>
  `${p.ideaId}/${p.kind}/${p.runIndex}/${p.attempt}`;

interface Cli {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  waitFor(pattern: RegExp): Promise<void>;
}

function scientist(args: string[]): Cli {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters.filter((w) => w.pattern.test(out))) w.resolve();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    waitFor: (pattern) =>
      new Promise<void>((resolve) => (pattern.test(out) ? resolve() : waiters.push({ pattern, resolve }))),
  };
}

async function finished(args: string[]): Promise<{ code: number | null; out: string }> {
  const c = scientist(args);
  const code = await c.exited;
  return { code, out: c.output() };
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!hasDocker)("scientist resume after kill -9 of scientist run", () => {
  const dir = mkdtempSync(join(tmpdir(), "sci-resume-"));
  const configPath = join(dir, "swarm.yaml");
  const storeDir = join(dir, "nats");
  let run = "";
  let refusedLive: { code: number | null; out: string };
  let listedInterrupted = "";
  let listedCompleted = "";
  let refusedCompleted: { code: number | null; out: string };
  let resumed: { code: number | null; out: string };
  let serverPidAtKill = 0;
  let serverAliveAfterResume = true;
  let finishedAtKill: string[] = [];
  let inFlightAtKill: string[] = [];
  let stored: Envelope[] = [];
  let containerStarts = 0;
  let events: (NodeJS.ReadableStream & { destroy(): void }) | null = null;

  beforeAll(async () => {
    writeFileSync(
      configPath,
      stringify({
        run: { template: fastTemplate(150), ideas: 2, maxInFlightIdeas: 2, out: join(dir, "runs") },
        nats: { storeDir, ackWaitSeconds: 5, auth: { credsDir: join(dir, "creds") } },
        roles: { coder: { config: { rulesRuns: 1 } } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
        logging: { level: "info" },
      }),
    );
    const config = loadConfig({ path: configPath, env: {} });
    const first = scientist(["run", "--config", configPath]);
    await first.waitFor(/^run (r[0-9a-z-]+)$/m);
    run = /^run (r[0-9a-z-]+)$/m.exec(first.output())![1]!;
    events = (await new Dockerode().getEvents({
      filters: { type: ["container"], event: ["start"], label: [`scientist.run=${run}`] },
    })) as typeof events;
    events!.on("data", () => containerStarts++);
    // The run's own server is up once run.started is printed; read the stream as the operator identity.
    await first.waitFor(/run\.started/);
    const live = JSON.parse(readFileSync(join(storeDir, "live-server.json"), "utf8")) as { url: string; pid: number };
    serverPidAtKill = live.pid;
    const bus = await connectBus(live.url, { name: "resume-test", ...busAccessFor(config.nats, "operator") });
    try {
      await collectUntil(bus, run, (e) => e.type === "experiment.finished", 300_000);
      refusedLive = await finished(["resume", run, "--config", configPath]);
      const seen = (await readRun(bus.js, bus.jsm, run)).map((m) => m.envelope!).filter(Boolean);
      finishedAtKill = seen
        .filter((e) => e.type === "experiment.finished")
        .map((e) => key(e.payload as Payload<"experiment.finished">));
      first.child.kill("SIGKILL");
      await first.exited;
      inFlightAtKill = seen
        .filter((e) => e.type === "experiment.requested")
        .map((e) => key(e.payload as Payload<"experiment.requested">))
        .filter((k) => !finishedAtKill.includes(k));
    } finally {
      await bus.close().catch(() => undefined);
    }
    listedInterrupted = (await finished(["runs", "--config", configPath])).out;
    const resume = scientist(["resume", run, "--config", configPath]);
    await resume.waitFor(/^resuming run/m);
    resumed = { code: await resume.exited, out: resume.output() };
    serverAliveAfterResume = pidAlive(serverPidAtKill);
    listedCompleted = (await finished(["runs", "--config", configPath])).out;
    refusedCompleted = await finished(["resume", run, "--config", configPath]);
    const reader = await finished(["trace", run, "--config", configPath, "--json", "--no-states"]);
    stored = JSON.parse(reader.out) as Envelope[];
  }, 900_000);

  afterAll(() => {
    events?.destroy();
    console.log(
      `resume: run ${run}, killed with ${finishedAtKill.length} finished / ${inFlightAtKill.length} in flight; ${containerStarts} sandbox containers in all`,
    );
  });

  it("refuses to resume a run whose owner is alive", () => {
    expect(refusedLive.code).toBe(1);
    expect(refusedLive.out).toMatch(/RUNTIME_RUN_RUNNING|RUNTIME_STORE_IN_USE/);
  });

  it("lists the killed run as interrupted, then as completed", () => {
    expect(listedInterrupted).toMatch(new RegExp(`^${run}\\s+interrupted\\s+mlp-dynamics`, "m"));
    expect(listedCompleted).toMatch(new RegExp(`^${run}\\s+completed\\s+mlp-dynamics\\s+2\\s+`, "m"));
  });

  it("resumes without RUNTIME_STORE_IN_USE (the killed run's server is gone) and completes", () => {
    expect(resumed.out).not.toMatch(/RUNTIME_STORE_IN_USE/);
    expect(serverAliveAfterResume).toBe(false);
    expect(resumed.code, resumed.out.slice(-2000)).toBe(0);
    const reportPath = /^report: (.*)$/m.exec(resumed.out)![1]!;
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    expect(report.completed).toBe(true);
    expect(report.ideas).toHaveLength(2);
    const proposed = stored
      .filter((e) => e.type === "idea.proposed")
      .map((e) => (e.payload as Payload<"idea.proposed">).ideaId);
    const outcomes = stored
      .filter((e) => e.type === "paper.decided" || e.type === "idea.failed")
      .map((e) => (e.payload as { ideaId: string }).ideaId);
    expect(outcomes.sort()).toEqual([...proposed].sort());
    expect(report.papers.length).toBe(stored.filter((e) => e.type === "paper.decided").length);
  });

  it("records each experiment once and runs no finished experiment again", () => {
    expect(finishedAtKill.length).toBeGreaterThan(0);
    const requested = stored
      .filter((e) => e.type === "experiment.requested")
      .map((e) => key(e.payload as Payload<"experiment.requested">));
    const done = stored
      .filter((e) => e.type === "experiment.finished")
      .map((e) => key(e.payload as Payload<"experiment.finished">));
    expect(new Set(done).size).toBe(done.length);
    expect(new Set(done)).toEqual(new Set(requested));
    // One container per experiment, plus at most one more for each that was running when its process was killed.
    expect(containerStarts).toBeLessThanOrEqual(done.length + inFlightAtKill.length);
  });

  it("refuses to resume a completed run", () => {
    expect(refusedCompleted.code).toBe(1);
    expect(refusedCompleted.out).toMatch(/RUNTIME_RUN_COMPLETED/);
  });
});
