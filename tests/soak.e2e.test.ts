/**
 * Soak: a run (fast template, rules) whose roles live in three `scientist agent` processes, every role in two of
 * them (two replicas), while one of the three is killed -9 every 30-60 s and restarted at once. The run owner hosts
 * no role. The run must complete with every idea decided exactly once and every experiment result recorded exactly
 * once. Bounded by the run deadline: 6 ideas in 6 min in the suite; the issue's soak is SOAK_IDEAS=20
 * SOAK_MINUTES=10 (86 s, 1 kill on an idle 2-core machine; 40 ideas took 239 s with 4 kills; under the load of other
 * sessions 20 ideas once took 650 s).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { connectBus, ensureRunStream, newRunId, readRun } from "../bus/index.ts";
import type { BusConnection, Envelope, StoredEnvelope } from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { collectUntil } from "./support/collect.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { startTestNats } from "./support/nats.ts";
import { runOutcomes, type RunOutcomes } from "./support/run-outcomes.ts";

const hasDocker = await dockerAvailable();
const IDEAS = Number(process.env.SOAK_IDEAS ?? 6);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 6);
const KILL_EVERY_S: [number, number] = [30, 60];
const PROCESSES = 3;

/** A small seeded generator, so a failing soak can be replayed with the same kill schedule (SOAK_SEED). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface AgentProcess {
  index: number;
  roles: string[];
  child: ChildProcess;
  /** Set when this test killed it; any other exit is the agent's own failure. */
  killedByTest: boolean;
}

/**
 * Resolves once the agent has exited: on its own (signal null), or after `signal`, escalated to SIGKILL when it
 * has not stopped within 20 s (an agent whose server is gone may hang in its drain).
 */
function stopAgent(agent: AgentProcess, signal: NodeJS.Signals | null): Promise<void> {
  const { child } = agent;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("exit", () => {
      clearTimeout(escalate);
      resolve();
    });
    if (signal) {
      agent.killedByTest = true;
      child.kill(signal);
    }
  });
}

describe.skipIf(!hasDocker)("soak: kill -9 of one of three agent processes every 30-60 s", () => {
  const dir = mkdtempSync(join(tmpdir(), "sci-soak-"));
  const run = newRunId();
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: BusConnection;
  let result: SwarmRunResult;
  let stored: Envelope[] = [];
  let outcomes: RunOutcomes;
  const kills: { at: number; index: number; roles: string[] }[] = [];
  const ownExits: string[] = [];
  const cleanExits: number[] = [];
  let durationMs = 0;
  let agents: (AgentProcess | null)[] = [];

  beforeAll(
    async () => {
      nats = await startTestNats();
      // Auth off: this server is given by URL (auth defaults off for a nats.url); the forgery and permission tests
      // cover auth, this one covers process crashes. Each process has its own output folder, as on its own host.
      const configFor = (name: string) => {
        const path = join(dir, `${name}.yaml`);
        const raw = {
          run: {
            template: fastTemplate(),
            ideas: IDEAS,
            maxInFlightIdeas: 4,
            out: join(dir, name),
            deadlineMinutes: MINUTES,
          },
          nats: { url: nats.url, ackWaitSeconds: 5 },
          roles: { coder: { config: { rulesRuns: 1 } } },
          sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
          logging: { level: "warn" },
        };
        writeFileSync(path, stringify(raw));
        return path;
      };
      const configPath = configFor("owner");
      const config = loadConfig({ path: configPath, env: {} });
      const { registry } = await bootRoles(config, builtinRoles);
      const names = registry.names();
      // Role k lives in every process but process k mod 3: two replicas each, and any one kill leaves one of each.
      const split = Array.from({ length: PROCESSES }, (_, p) => names.filter((_, k) => k % PROCESSES !== p));
      agents = split.map(() => null);
      let ended = false;

      const start = (index: number): Promise<AgentProcess> => {
        const roles = split[index]!;
        const args = [join(repoRoot, "bin/scientist.mjs"), "agent", "--run", run, "--roles", roles.join(",")];
        args.push("--config", configFor(`agent-${index}`));
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        const agent: AgentProcess = { index, roles, child, killedByTest: false };
        let err = "";
        child.stderr!.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
        child.once("exit", (code, signal) => {
          if (agent.killedByTest) return;
          // Exit 0 is an agent leaving on run.completed (it may see it before the owner does): checked at the end.
          if (code === 0) return void cleanExits.push(index);
          ownExits.push(`agent ${index} exited (${code ?? signal}): ${err.slice(-600)}`);
        });
        agents[index] = agent;
        return new Promise((resolve, reject) => {
          child.stdout!.on("data", (c: Buffer) => {
            if (c.toString().includes("agents ready")) resolve(agent);
          });
          const early = (code: number | null) =>
            new Error(`agent ${index} exited before it was ready (${code}): ${err.slice(-800)}`);
          child.once("exit", (code) => reject(early(code)));
        });
      };

      bus = await connectBus(nats.url, { name: "test-soak" });
      await ensureRunStream(bus.jsm, run);
      const began = Date.now();
      // Progress as it happens, so a run that misses its deadline still tells how far it got.
      let ends = 0;
      const onMessage = (m: StoredEnvelope) => {
        if (!["paper.decided", "idea.failed"].includes(m.envelope?.type ?? "")) return;
        const at = Math.round((Date.now() - began) / 1000);
        console.log(`[soak] ${at} s: ${++ends} idea(s) ended, ${kills.length} kill(s)`);
      };
      const swarm = runSwarm({ config, registry, logger: silentLogger, run, roles: [], onMessage });
      swarm.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      await collectUntil(bus, run, (e) => e.type === "run.started");
      await Promise.all(split.map((_, i) => start(i)));

      // The fault schedule runs on timers (it is what is injected, not what is awaited); the run's end stops it.
      const random = mulberry32(seed);
      let timer: NodeJS.Timeout | null = null;
      const scheduleKill = () => {
        const waitMs = (KILL_EVERY_S[0] + random() * (KILL_EVERY_S[1] - KILL_EVERY_S[0])) * 1000;
        timer = setTimeout(() => {
          const index = Math.floor(random() * PROCESSES);
          const agent = agents[index];
          if (ended || !agent) return;
          agent.killedByTest = true;
          const gone = agent.child.exitCode !== null || agent.child.signalCode !== null;
          const exited = new Promise((r) => (gone ? r(null) : agent.child.once("exit", r)));
          agent.child.kill("SIGKILL");
          kills.push({ at: Date.now() - began, index, roles: agent.roles });
          void exited
            .then(() => (ended ? null : start(index)))
            .catch((error: unknown) => ownExits.push(`restart of agent ${index} failed: ${(error as Error).message}`))
            .finally(() => {
              if (!ended) scheduleKill();
            });
        }, waitMs);
      };
      scheduleKill();
      try {
        result = await swarm;
      } finally {
        ended = true;
        if (timer) clearTimeout(timer);
      }
      durationMs = Date.now() - began;
      // Agents leave by themselves on run.completed; after a deadline (no run.completed) they are stopped here.
      await Promise.all(agents.map((a) => (a ? stopAgent(a, result.report.completed ? null : "SIGTERM") : null)));
      stored = (await readRun(bus.js, bus.jsm, run)).map((m) => m.envelope!).filter(Boolean);
      outcomes = runOutcomes(stored);
      console.log(
        `[soak] seed ${seed}: ${outcomes.proposed.length} ideas, ${outcomes.decided} decided, ` +
          `${outcomes.notNovel} not novel, ` +
          `${outcomes.failed.length} failed, ${outcomes.finished.length} experiments, ${kills.length} kills ` +
          `(${kills.map((k) => `${Math.round(k.at / 1000)}s:p${k.index}`).join(" ")}), ` +
          `${outcomes.deadLetters} dead letters, ` +
          `${stored.length} messages, ${Math.round(durationMs / 1000)} s, completed ${result.report.completed}`,
      );
    },
    (MINUTES + 4) * 60_000,
  );

  afterAll(async () => {
    await Promise.all(agents.map((a) => (a ? stopAgent(a, "SIGKILL") : null))); // only after a failed beforeAll
    await bus?.close();
    await nats?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("completes within its deadline despite the kills", () => {
    expect(result.report.completed).toBe(true);
    expect(kills.length).toBeGreaterThanOrEqual(Math.min(2, Math.floor((durationMs / 1000 - 10) / KILL_EVERY_S[1])));
    expect(ownExits).toEqual([]);
    expect(cleanExits.length === 0 || result.report.completed).toBe(true);
  });

  it("loses no idea and decides each exactly once", () => {
    expect(outcomes.proposed).toHaveLength(IDEAS);
    expect(new Set(outcomes.proposed).size).toBe(IDEAS);
    for (const [idea, count] of outcomes.outcomes) expect(count, `outcomes of ${idea}`).toBe(1);
    const busFault = /BUS_|nats|jetstream|timeout|connection|killed|aborted/i;
    for (const f of outcomes.failed) expect(f.reason).not.toMatch(busFault);
    expect(result.report.papers.length).toBe(outcomes.decided);
  });

  it("records every experiment result exactly once", () => {
    expect(new Set(outcomes.finished).size).toBe(outcomes.finished.length);
    expect(new Set(outcomes.finished)).toEqual(new Set(outcomes.requested));
  });
});
