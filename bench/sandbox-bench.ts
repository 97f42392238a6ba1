/**
 * Sandbox overhead, measured side by side in one run: the same command through our Docker sandbox (cold, and
 * from the warm pool) and through a bare `docker run --rm --network none`, interleaved so drift in the host's load
 * hits all three alike. Start latency is the time from the call until the command inside prints the clock (the
 * container shares the host's clock).
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { loadConfig } from "../config/index.ts";
import {
  createDockerSandbox,
  dockerEngineReachable,
  imageTag,
  limitsFromSettings,
  type SandboxLimits,
  type SandboxRunRequest,
} from "../sandbox/index.ts";
import { median, ms, timed } from "./stats.ts";

const run = promisify(execFile);

export interface SandboxBenchResult {
  rounds: number;
  bareMs: number;
  bareApiMs: number;
  coldMs: number;
  warmMs: number;
  coldStartMs: number;
  warmStartMs: number;
}

export async function sandboxBench(rounds = 12): Promise<SandboxBenchResult | null> {
  const docker = new Dockerode();
  const engine = await dockerEngineReachable(docker);
  if (!engine.ok) {
    console.log(`sandbox: SKIPPED, no Docker engine (${engine.why})`);
    return null;
  }
  const config = loadConfig({ env: {} });
  const s = config.sandbox;
  // The swarm's default limits, as a run gets them.
  const limits: SandboxLimits = limitsFromSettings(s);
  const cold = createDockerSandbox({ docker, cacheDir: s.cacheDir, warmPool: 0 });
  const warm = createDockerSandbox({ docker, cacheDir: s.cacheDir, warmPool: 2 });
  await cold.ensureImage("python-ml");
  const request = (command: string[]): SandboxRunRequest => ({
    image: "python-ml",
    files: {},
    command,
    limits,
    timeoutMs: 60_000,
  });
  const bare = (command: string[]) =>
    run("docker", ["run", "--rm", "--network", "none", imageTag("python-ml"), ...command]);
  /** The least the engine does for a run (create, start, wait, remove): no CLI process, no limits, no work dir. */
  const bareApi = async (command: string[]): Promise<void> => {
    const container = await docker.createContainer({
      Image: imageTag("python-ml"),
      Cmd: command,
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();
    await container.wait();
    await container.remove({ force: true });
  };
  /** ms from the call until the command's `date` ran inside the container. */
  const startLatency = async (go: (command: string[]) => Promise<{ stdout: string }>): Promise<number> => {
    const calledAt = Date.now();
    const { stdout } = await go(["date", "+%s%3N"]);
    return Number(stdout.trim()) - calledAt;
  };

  try {
    // One of each first: image caches, the pool's first fill, the engine's first container of this shape.
    await cold.run(request(["true"]));
    await warm.run(request(["true"]));
    await warm.run(request(["date", "+%s%3N"]));
    await bare(["true"]);
    const times = {
      bareApi: [] as number[],
      bare: [] as number[],
      cold: [] as number[],
      warm: [] as number[],
      coldStart: [] as number[],
      warmStart: [] as number[],
    };
    for (let i = 0; i < rounds; i++) {
      times.bare.push(await timed(() => bare(["true"])));
      times.bareApi.push(await timed(() => bareApi(["true"])));
      times.cold.push(await timed(() => cold.run(request(["true"]))));
      times.warm.push(await timed(() => warm.run(request(["true"]))));
      times.coldStart.push(await startLatency((command) => cold.run(request(command))));
      times.warmStart.push(await startLatency((command) => warm.run(request(command))));
    }
    const result: SandboxBenchResult = {
      rounds,
      bareMs: median(times.bare),
      bareApiMs: median(times.bareApi),
      coldMs: median(times.cold),
      warmMs: median(times.warm),
      coldStartMs: median(times.coldStart),
      warmStartMs: median(times.warmStart),
    };
    const ratio = (value: number): string => `${(value / result.bareMs).toFixed(2)}×`;
    const verdict = (ok: boolean): string => (ok ? "ok" : "MISSED");
    console.log(`sandbox (docker, python-ml, \`true\`, median of ${rounds}, interleaved)`);
    console.log(`  bare docker run --rm --network none   ${ms(result.bareMs)}`);
    console.log(
      `  bare engine API (create/start/wait/rm) ${ms(result.bareApiMs)}  (no CLI process: our runs are ${(result.coldMs / result.bareApiMs).toFixed(2)}× cold, ${(result.warmMs / result.bareApiMs).toFixed(2)}× warm of this)`,
    );
    console.log(
      `  sandbox run, cold                     ${ms(result.coldMs)}  ${ratio(result.coldMs)} bare  (target ≤ 1.2×: ${verdict(result.coldMs <= 1.2 * result.bareMs)})`,
    );
    console.log(
      `  sandbox run, warm pool                ${ms(result.warmMs)}  ${ratio(result.warmMs)} bare  (target ≤ 1.2×: ${verdict(result.warmMs <= 1.2 * result.bareMs)})`,
    );
    console.log(`  start latency, cold                   ${ms(result.coldStartMs)}`);
    console.log(
      `  start latency, warm pool              ${ms(result.warmStartMs)}  (target ≤ 300 ms: ${verdict(result.warmStartMs <= 300)})`,
    );
    return result;
  } finally {
    await cold.close();
    await warm.close();
  }
}
