/**
 * Figure 3a: 1,000 idle actors (ideas) hosted in one process. Actors are virtual: an idle one is a KV record on the
 * server, so the host's resident memory should not grow with their number. A child process hosts them (so the RSS
 * is the host's alone), beside its own RSS with one actor; resume time is a message to an idle actor (load its
 * snapshot, restore the machine) beside one to a fresh actor (no snapshot).
 */

import { readFileSync } from "node:fs";
import { newRunId, ensureRunStream } from "../bus/index.ts";
import { figure, type SectionResult } from "./figures.ts";
import { startLocalBus } from "./local-bus.ts";
import { benchFile, runNodeChild } from "./child-process.ts";

const MB = 1024 * 1024;

function serverRss(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.replace(/\D+/g, "")) * 1024 : null;
  } catch {
    return null;
  }
}

export async function actorScaleBench(options: {
  actors: number;
  rounds: number;
  snapshotBody: number;
  profile: boolean;
}): Promise<SectionResult> {
  const local = await startLocalBus();
  try {
    const run = newRunId();
    await ensureRunStream(local.bus.jsm, run);
    const serverBefore = serverRss(local.pid);
    const child = await runNodeChild(
      [
        benchFile("actor-scale-child.ts"),
        local.url,
        run,
        String(options.actors),
        String(options.rounds),
        String(options.snapshotBody),
      ],
      { nodeFlags: ["--expose-gc"] },
    );
    const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as {
      count: number;
      createdMs: number;
      rssBefore: number;
      rssAfter: number;
      heapBefore: number;
      heapAfter: number;
      resumeMs: number;
      freshMs: number;
      snapshotBytes: number | null;
    };
    const serverAfter = serverRss(local.pid);
    // The profile of the baseline: a bare node process, then one that has only loaded the runtime's modules.
    const bare = await runNodeChild(["-e", "process.stdout.write(String(process.memoryUsage().rss))"], { tsx: false });
    const rssOf = async (code: string) =>
      options.profile ? Number((await runNodeChild(["-e", code])).stdout) / MB : Number.NaN;
    // The two intermediate steps only in the full run (quick keeps bare node, all modules, the host).
    const tsxOnlyMb = await rssOf("process.stdout.write(String(process.memoryUsage().rss))");
    const busOnlyMb = await rssOf(
      "import('./bus/index.ts').then(() => process.stdout.write(String(process.memoryUsage().rss)))",
    );
    const modules = JSON.parse(
      (await runNodeChild([benchFile("rss-baseline-child.ts")], { nodeFlags: ["--expose-gc"] })).stdout,
    ) as { rss: number; heapUsed: number };
    const profile = {
      bareNodeMb: Number(bare.stdout) / MB,
      tsxOnlyMb,
      busOnlyMb,
      modulesLoadedMb: modules.rss / MB,
      modulesHeapUsedMb: modules.heapUsed / MB,
      hostWithOneActorMb: r.rssBefore / MB,
      hostHeapUsedMb: r.heapBefore / MB,
    };
    const figures = [
      figure({
        name: `RSS, ${r.count} idle actors`,
        value: r.rssAfter / MB,
        unit: "MB",
        anchorName: "target",
        anchor: 100,
        target: "≤ 100 MB (ratio ≤ 1)",
        atMost: 1,
        note: `same host with 1 actor: ${(r.rssBefore / MB).toFixed(1)} MB`,
      }),
      figure({
        name: `RSS growth per 1,000 actors`,
        value: ((r.rssAfter - r.rssBefore) / MB) * (1000 / r.count),
        unit: "MB",
        anchorName: "host with 1 actor",
        anchor: r.rssBefore / MB,
        target: null,
      }),
      figure({
        name: "resume idle actor",
        value: r.resumeMs,
        unit: "ms",
        anchorName: "fresh actor hop",
        anchor: r.freshMs,
        target: null,
      }),
    ];
    const notes: string[] = [];
    if (figures[0]!.met === false) {
      notes.push(
        `the actors are not what bounds it: ${r.count} idle actors add ${((r.rssAfter - r.rssBefore) / MB).toFixed(1)} MB (an idle actor is a KV record on the server). ` +
          `The baseline is (RSS, measured in child processes): bare node ${profile.bareNodeMb.toFixed(0)} MB → ` +
          (options.profile
            ? `+ tsx loader ${profile.tsxOnlyMb.toFixed(0)} MB → + bus/ ${profile.busOnlyMb.toFixed(0)} MB → `
            : "") +
          `+ agents/runtime and roles (its index pulls in every role, both model SDKs, dockerode, pino) ${profile.modulesLoadedMb.toFixed(0)} MB ` +
          `(heap used ${profile.modulesHeapUsedMb.toFixed(0)} MB) → host started with 1 actor ${profile.hostWithOneActorMb.toFixed(0)} MB (heap used ${profile.hostHeapUsedMb.toFixed(0)} MB). ` +
          `What would close it: run the host from precompiled JS (no tsx/esbuild transform in process) and load only the hosted roles' modules.`,
      );
    }
    return {
      section: "3a actors",
      figures,
      notes,
      details: {
        ...r,
        profile,
        peakRssBytes: child.maxRssBytes,
        snapshotBody: options.snapshotBody,
        natsServerRssBefore: serverBefore,
        natsServerRssAfter: serverAfter,
      },
    };
  } finally {
    await local.close();
  }
}
