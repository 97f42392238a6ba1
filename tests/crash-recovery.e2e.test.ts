import { spawn, type ChildProcess } from "node:child_process";
import { Writable } from "node:stream";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  connectBus,
  ensureRunStream,
  newRunId,
  readRun,
  type BusConnection,
  type Envelope,
  type Payload,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, createLogger, runSwarm, type SwarmRunResult } from "../agents/runtime/index.ts";
import { collectUntil } from "./support/collect.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { startTestNats } from "./support/nats.ts";

const hasDocker = await dockerAvailable();

/** Starts `scientist agent` hosting only the experimenter, as a separate OS process; resolves once it is ready. */
function startExperimenter(configPath: string, run: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, "bin/scientist.mjs"), "agent", "--run", run, "--roles", "experimenter", "--config", configPath],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout!.on("data", (c: Buffer) => {
      if (c.toString().includes("agents ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`experimenter process exited early (${code}): ${err.slice(-800)}`)));
  });
}

/** Resolves on the n-th start of a sandbox container of this run (Docker's event stream; no polling). */
async function nthContainerStart(run: string, n: number): Promise<void> {
  const events = (await new Dockerode().getEvents({
    filters: { type: ["container"], event: ["start"], label: [`scientist.run=${run}`] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  await new Promise<void>((resolve) => {
    let seen = 0;
    events.on("data", () => {
      if (++seen === n) {
        events.destroy();
        resolve();
      }
    });
  });
}

/** A log destination that resolves `dead` on the run owner's first RUNTIME_ROLE_DEAD line (no polling). */
function deadRoleLog() {
  let onDead: (line: string) => void = () => undefined;
  const dead = new Promise<string>((resolve) => (onDead = resolve));
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.includes("RUNTIME_ROLE_DEAD")) onDead(line);
      done();
    },
  });
  return { dead, logger: createLogger({ level: "warn", destination }) };
}

describe.skipIf(!hasDocker)("crash recovery", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let result: SwarmRunResult;
  let stored: Envelope[] = [];
  let inFlightAtKill: Payload<"experiment.requested">[] = [];
  let deadLine = "";
  const run = newRunId();

  beforeAll(async () => {
    nats = await startTestNats();
    const dir = mkdtempSync(join(tmpdir(), "sci-crash-"));
    const configPath = join(dir, "swarm.yaml");
    writeFileSync(
      configPath,
      stringify({
        run: { template: fastTemplate(120), ideas: 2, maxInFlightIdeas: 2, out: join(dir, "runs"), deadRoleSeconds: 2 },
        // A short ack wait makes the dead process's message come back quickly.
        nats: { url: nats.url, ackWaitSeconds: 3 },
        roles: { coder: { config: { rulesRuns: 1 } }, experimenter: { replicas: 1 } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      }),
    );
    const config = loadConfig({ path: configPath, env: {} });
    const { registry } = await bootRoles(config, builtinRoles);
    const others = registry.names().filter((name) => name !== "experimenter");
    const bus: BusConnection = await connectBus(nats.url);
    try {
      await ensureRunStream(bus.jsm, run);
      const log = deadRoleLog();
      const swarm = runSwarm({ config, registry, logger: log.logger, run, roles: others });
      swarm.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      await collectUntil(bus, run, (e) => e.type === "run.started");
      const secondStart = nthContainerStart(run, 2);
      const first = await startExperimenter(configPath, run);
      await secondStart;
      // kill -9 while the second experiment's container runs: its result is not recorded yet.
      const seen = (await readRun(bus.js, bus.jsm, run)).map((m) => m.envelope!).filter(Boolean);
      const done = new Set(
        seen
          .filter((e) => e.type === "experiment.finished")
          .map((e) => key(e.payload as Payload<"experiment.finished">)),
      );
      inFlightAtKill = seen
        .filter((e) => e.type === "experiment.requested")
        .map((e) => e.payload as Payload<"experiment.requested">)
        .filter((p) => !done.has(key(p)));
      const exited = new Promise((r) => first.once("exit", r));
      first.kill("SIGKILL");
      await exited;
      // Nobody restarts it until the run owner names the dead role (its presence beat stops with the process).
      deadLine = await log.dead;
      const second = await startExperimenter(configPath, run);
      result = await swarm;
      await new Promise((r) => (second.exitCode !== null ? r(null) : second.once("exit", r)));
      stored = (await readRun(bus.js, bus.jsm, run)).map((m) => m.envelope!).filter(Boolean);
    } finally {
      await bus.close();
    }
  }, 600_000);

  afterAll(async () => {
    await nats?.cleanup();
  });

  const key = (p: { ideaId: string; kind: string; runIndex: number; attempt: number }) =>
    `${p.ideaId}/${p.kind}/${p.runIndex}/${p.attempt}`;

  it("killed the experimenter while an experiment was running", () => {
    expect(inFlightAtKill.length).toBeGreaterThan(0);
  });

  it("completes the run after the experimenter restarts, losing no idea", () => {
    expect(result.report.completed).toBe(true);
    const proposed = stored
      .filter((e) => e.type === "idea.proposed")
      .map((e) => (e.payload as Payload<"idea.proposed">).ideaId);
    expect(proposed).toHaveLength(2);
    for (const idea of result.report.ideas) expect(["decided", "failed", "not-novel"]).toContain(idea.status);
    expect(result.report.papers.length + result.report.ideas.filter((i) => i.status !== "decided").length).toBe(2);
  });

  it("names the dead experimenter (work waiting, no live replica) in the log and report.json warnings", () => {
    expect(deadLine).toMatch(/role experimenter has had \d+ message\(s\) waiting and no live replica/);
    expect(deadLine).toContain(`scientist agent --run ${run} --roles experimenter`);
    const warned = (result.report.warnings ?? []).filter((w) => w.code === "RUNTIME_ROLE_DEAD");
    expect(warned.map((w) => w.message)).toEqual([expect.stringContaining("role experimenter")]);
  });

  it("records every experiment result exactly once, including the one in flight at the kill", () => {
    const requested = stored
      .filter((e) => e.type === "experiment.requested")
      .map((e) => key(e.payload as Payload<"experiment.requested">));
    const finished = stored
      .filter((e) => e.type === "experiment.finished")
      .map((e) => key(e.payload as Payload<"experiment.finished">));
    expect(new Set(finished).size).toBe(finished.length);
    expect(new Set(finished)).toEqual(new Set(requested));
    for (const p of inFlightAtKill) expect(finished).toContain(key(p));
  });
});
