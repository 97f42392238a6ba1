import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { repoRoot } from "../config/index.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();

/** `scientist run` as a user starts it: its own nats-server on a private store, output to a temp folder. */
function startRun(ideas: number) {
  const dir = mkdtempSync(join(tmpdir(), "sci-cli-"));
  const config = join(dir, "swarm.yaml");
  writeFileSync(
    config,
    stringify({
      run: { template: fastTemplate(), ideas, out: join(dir, "runs") },
      nats: { storeDir: join(dir, "nats") },
      roles: { coder: { config: { rulesRuns: 1 } } },
      sandbox: { cacheDir: join(repoRoot, ".scientist/cache") },
      logging: { level: "warn" },
    }),
  );
  const child = spawn(process.execPath, [join(repoRoot, "bin/scientist.mjs"), "run", "--config", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters.filter((w) => w.pattern.test(out))) w.resolve();
  });
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    /** Resolves when stdout matches (awaits output, never sleeps). */
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve) => (pattern.test(out) ? resolve() : waiters.push({ pattern, resolve }))),
  };
}

describe.skipIf(!hasDocker)("scientist run, as a user runs it", () => {
  it("prints the run id, one line per milestone and a summary, exits 0 and writes report.json", async () => {
    const run = startRun(1);
    expect(await run.exited).toBe(0);
    const out = run.output();
    const id = /^run (r[0-9a-z-]+)$/m.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(out).toMatch(/paper\.decided .* (Accept|Reject) \(overall \d+\)/);
    const reportPath = /^report: (.*)$/m.exec(out)![1]!;
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    expect(report).toMatchObject({ run: id, completed: true });
    expect(report.papers[0].reviews).toHaveLength(5);
  });

  it("on Ctrl-C stops the agents and still writes the report of what happened", async () => {
    const run = startRun(4);
    await run.waitFor(/experiment\.finished/);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(2);
    const reportPath = /^report: (.*)$/m.exec(run.output())?.[1];
    expect(reportPath && existsSync(reportPath)).toBe(true);
    const report = JSON.parse(readFileSync(reportPath!, "utf8"));
    expect(report.completed).toBe(false);
    expect(report.ideas.length).toBeGreaterThan(0);
  });
});
