/**
 * A run on a 3-node nats-server cluster (routes, JetStream R3 via nats.replicas: 3, auth on with the `scientist creds`
 * users in every node's config), connected with all three URLs. When the first experiment result arrives, the node
 * leading the run's stream is killed -9; the run must complete with nothing lost and nothing doubled, and the node
 * rejoins on its own store afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifactBucket,
  buckets,
  busAccessFor,
  connectBus,
  followRun,
  ensureRunStream,
  newRunId,
  readRun,
  startNatsCluster,
  streamName,
  writeCreds,
  type BusConnection,
  type Envelope,
  type LocalNatsCluster,
  type NatsClusterNode,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { runOutcomes, type RunOutcomes } from "./support/run-outcomes.ts";

const hasDocker = await dockerAvailable();
const IDEAS = 2;

describe.skipIf(!hasDocker)("a run on a 3-node NATS cluster survives kill -9 of the stream leader", () => {
  const dir = mkdtempSync(join(tmpdir(), "sci-cluster-"));
  const run = newRunId();
  let cluster: LocalNatsCluster;
  let observer: BusConnection;
  let result: SwarmRunResult;
  let stored: Envelope[] = [];
  let outcomes: RunOutcomes;
  let killed = "";
  let finishedBeforeKill = 0;
  /** From the kill to the next experiment result recorded. */
  let resumedAfterMs = 0;
  const replicas: Record<string, number> = {};
  let rejoined: { name: string; current: boolean }[] = [];

  beforeAll(async () => {
    const credsDir = join(dir, "creds");
    const { configPath } = writeCreds(credsDir, builtinRoles);
    // The same users and permissions as a single local server: auth composes with clustering.
    const extraConfig = readFileSync(configPath, "utf8");
    cluster = await startNatsCluster({ baseDir: join(dir, "cluster"), nodes: 3, extraConfig });
    const config = loadConfig({
      env: {},
      raw: {
        run: { template: fastTemplate(), ideas: IDEAS, maxInFlightIdeas: 2, out: join(dir, "runs") },
        nats: { url: cluster.urls.join(","), replicas: 3, ackWaitSeconds: 5, auth: { enabled: true, credsDir } },
        roles: { coder: { config: { rulesRuns: 1 } } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    observer = await connectBus(cluster.urls, { name: "test-observer", ...busAccessFor(config.nats, "cli") });
    await ensureRunStream(observer.jsm, run, { replicas: 3 }); // so the observer can follow it before the run starts
    const swarm = runSwarm({ config, registry, logger: silentLogger, run });
    swarm.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    // One follower for the whole run: it must ride out the failover like the swarm's own consumers.
    let victim: NatsClusterNode | undefined;
    let finished = 0;
    let killedAt = 0;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 600_000);
    for await (const m of followRun(observer.js, run, controller.signal)) {
      if (m.envelope?.type === "run.completed") break;
      if (m.envelope?.type !== "experiment.finished") continue;
      finished++;
      if (!victim) {
        finishedBeforeKill = finished;
        const info = await observer.jsm.streams.info(streamName(run));
        replicas.stream = info.config.num_replicas;
        killed = info.cluster?.leader ?? "";
        victim = cluster.nodes.find((n) => n.name === killed);
        if (!victim) throw new Error(`no node leads ${streamName(run)}: ${JSON.stringify(info.cluster)}`);
        await victim.kill("SIGKILL");
        killedAt = Date.now();
        continue;
      }
      resumedAfterMs ||= Date.now() - killedAt;
      if (!victim.process) {
        await victim.restart(); // the swarm went on with two nodes; the third rejoins on its own store
      }
    }
    clearTimeout(timer);
    if (victim && !victim.process) await victim.restart();
    result = await swarm;
    stored = (await readRun(observer.js, observer.jsm, run)).map((m) => m.envelope!).filter(Boolean);
    outcomes = runOutcomes(stored);
    for (const bucket of [buckets.snapshots, buckets.archive, buckets.effects]) {
      replicas[bucket] = (await observer.jsm.streams.info(`KV_${bucket}`)).config.num_replicas;
    }
    replicas.artifacts = (await observer.jsm.streams.info(`OBJ_${artifactBucket(run)}`)).config.num_replicas;
    const after = await observer.jsm.streams.info(streamName(run));
    const followers = (after.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current }));
    rejoined = [{ name: after.cluster?.leader ?? "", current: true }, ...followers];
    console.log(
      `[cluster] killed ${killed} (stream leader) after ${finishedBeforeKill} result(s); ` +
        `ideas ${outcomes.proposed.length}, ` +
        `decided ${outcomes.decided}, failed ${outcomes.failed.length}, experiments ${outcomes.finished.length}, ` +
        `messages ${stored.length}, leader now ${after.cluster?.leader}, ` +
        `next result ${resumedAfterMs} ms after the kill`,
    );
  }, 900_000);

  afterAll(async () => {
    await observer?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("created the run stream, KV buckets and the artifact store with 3 replicas", () => {
    const expected = { stream: 3, [buckets.snapshots]: 3, [buckets.archive]: 3, [buckets.effects]: 3, artifacts: 3 };
    expect(replicas).toEqual(expected);
  });

  it("killed the stream's leader mid-run, and another node took over", () => {
    expect(killed).toMatch(/^n[123]$/);
    expect(finishedBeforeKill).toBeGreaterThan(0);
    expect(result.report.completed).toBe(true);
  });

  it("loses no idea and decides each exactly once", () => {
    expect(outcomes.proposed).toHaveLength(IDEAS);
    expect(new Set(outcomes.proposed).size).toBe(IDEAS);
    for (const [idea, count] of outcomes.outcomes) expect(count, `outcomes of ${idea}`).toBe(1);
    // A node's loss is a bus fault, never a scientific result.
    for (const f of outcomes.failed) expect(f.reason).not.toMatch(/BUS_|nats|jetstream|timeout|connection/i);
    expect(result.report.papers.length).toBe(outcomes.decided);
  });

  it("records every experiment result exactly once", () => {
    expect(outcomes.finished.length).toBeGreaterThan(finishedBeforeKill);
    expect(new Set(outcomes.finished).size).toBe(outcomes.finished.length);
    expect(new Set(outcomes.finished)).toEqual(new Set(outcomes.requested));
  });

  it("takes the restarted node back as a replica of the stream", () => {
    expect(rejoined.map((r) => r.name)).toContain(killed);
  });
});
