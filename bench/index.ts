/**
 * `npm run bench [-- --quick] [section...]`: every figure beside its anchor, measured side by side in this run, with
 * the ratio and the target; printed as one table and written to bench/results.json. A missed target is
 * reported (with what bounds it), never an exit code: the process exits non-zero only when a section crashes.
 */

import Dockerode from "dockerode";
import { join } from "node:path";
import { repoRoot } from "../config/index.ts";
import { dockerEngineReachable } from "../sandbox/index.ts";
import { actorScaleBench } from "./actor-scale-bench.ts";
import { renderNotes, renderTable, writeResults, type SectionResult } from "./figures.ts";
import { firstPaperBench } from "./first-paper-bench.ts";
import { hopBench } from "./hop-bench.ts";
import { llmRun } from "./llm-run.ts";
import { sandboxSection } from "./sandbox-figures.ts";
import { throughputFigures } from "./throughput-bench.ts";
import { tokensBench } from "./tokens-bench.ts";
import { traceBench } from "./trace-bench.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.filter((a) => !a.startsWith("--"));
const known = ["hop", "actors", "trace", "sandbox", "swarm", "first-paper"];
const unknown = only.filter((s) => !known.includes(s));
if (unknown.length > 0) {
  console.error(`unknown bench section(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  process.exit(2);
}

// Sizes: --quick is CI-sized (under 3 minutes on 2 cores); the full run is the issue's.
const size = quick
  ? {
      hopRounds: 100,
      burst: 200,
      actors: 1000,
      traceRounds: 1,
      sandboxRounds: 2,
      ideas: 3,
      sequentialIdeas: 1,
      latencyMs: 150,
      jitterMs: 75,
      epochs: 10,
    }
  : {
      hopRounds: 500,
      burst: 1000,
      actors: 1000,
      traceRounds: 3,
      sandboxRounds: 12,
      ideas: 20,
      sequentialIdeas: 4,
      latencyMs: 2000,
      jitterMs: 1000,
      epochs: 60,
    };
// The swarm's slots in the throughput run; the sequential loop is every role at one replica, one idea at a time.
const slots = {
  replicas: { ideator: 1, novelty: 2, coder: 2, experimenter: 2, writer: 2, reviewer: 5, "area-chair": 1 },
  maxInFlight: 4,
};
const serial = { ideator: 1, novelty: 1, coder: 1, experimenter: 1, writer: 1, reviewer: 1, "area-chair": 1 };

async function dockerOk(): Promise<string | null> {
  const engine = await dockerEngineReachable(new Dockerode());
  return engine.ok ? null : `no Docker engine (${engine.why})`;
}

const sections: Record<string, () => Promise<SectionResult[]>> = {
  hop: async () => [await hopBench({ rounds: size.hopRounds, burst: size.burst })],
  actors: async () => [await actorScaleBench({ actors: size.actors, rounds: 30, snapshotBody: 2000, profile: !quick })],
  trace: async () => [await traceBench({ messages: 10_000, rounds: size.traceRounds, views: !quick })],
  sandbox: async () => [await sandboxSection(size.sandboxRounds)],
  swarm: async () => {
    const why = await dockerOk();
    if (why)
      return [
        { section: "2 throughput", figures: [], notes: [], skipped: why },
        { section: "4 tokens", figures: [], notes: [], skipped: why },
      ];
    const common = { latencyMs: size.latencyMs, jitterMs: size.jitterMs, epochs: size.epochs };
    const sequential = await llmRun({ ...common, ideas: size.sequentialIdeas, maxInFlightIdeas: 1, replicas: serial });
    const swarm = await llmRun({
      ...common,
      ideas: size.ideas,
      maxInFlightIdeas: slots.maxInFlight,
      replicas: slots.replicas,
    });
    return [throughputFigures(swarm, sequential, slots), await tokensBench(swarm)];
  },
  "first-paper": async () => {
    const why = await dockerOk();
    return why ? [{ section: "5 first paper", figures: [], notes: [], skipped: why }] : [await firstPaperBench()];
  },
};

const results: SectionResult[] = [];
let crashed = false;
const startedAt = performance.now();
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const t0 = performance.now();
  try {
    const out = await run();
    results.push(...out);
    console.log(`bench ${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (error) {
    crashed = true;
    console.error(`bench ${name} crashed: ${(error as Error).stack ?? String(error)}`);
    results.push({
      section: name,
      figures: [],
      notes: [],
      skipped: `crashed: ${(error as Error).message.split("\n")[0]}`,
    });
  }
}
const path = join(repoRoot, "bench", "results.json");
writeResults(
  path,
  {
    mode: quick ? "quick" : "full",
    at: new Date().toISOString(),
    seconds: Number(((performance.now() - startedAt) / 1000).toFixed(1)),
    sizes: size,
    slots,
  },
  results,
);
console.log(`\n${renderTable(results)}\n`);
const notes = renderNotes(results);
if (notes) console.log(notes);
console.log(`\nwritten: ${path} (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
process.exit(crashed ? 1 : 0);
