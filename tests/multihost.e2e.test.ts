import { execFile, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type RunReport } from "../agents/runtime/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import { startTestNats } from "./support/nats.ts";
import { createNetnsHosts, netnsProblem, waitForOutput, type NetnsHosts } from "./support/netns.ts";

// Three "hosts" as network namespaces: nats-server (auth on, `scientist creds` files) in the first, `scientist run`
// in the second, `scientist agent` with the experimenter and the writer in the third, each in its own folder. The
// run's report must be the one a one-host run of the same config writes.
const netns = await netnsProblem();
const hasDocker = await dockerAvailable();
if (netns) console.warn(`\n!!! SKIPPING multi-host e2e: ${netns}\n`);
if (!hasDocker) console.warn("\n!!! SKIPPING multi-host e2e: no Docker engine\n");

const bin = join(repoRoot, "bin/scientist.mjs");
const remoteRoles = ["experimenter", "writer"];
const exec = promisify(execFile);

/** What must match between the one-host and the three-host run. */
function outcome(report: RunReport) {
  return {
    completed: report.completed,
    ideas: report.ideas.map((i) => ({ name: i.name, novel: i.novel, status: i.status, params: i.params })),
    papers: report.papers.map((p) => ({
      idea: p.idea,
      decision: p.decision,
      overall: p.overall,
      latexStatus: p.latexStatus,
      pdf: p.pdf !== null,
    })),
    deadLetters: report.deadLetters.length,
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve),
  );

describe.skipIf(netns !== null || !hasDocker)("one run across three hosts (network namespaces)", () => {
  const base = mkdtempSync(join(tmpdir(), "sci-multihost-"));
  const children: ChildProcess[] = [];
  let hosts: NetnsHosts | undefined;
  let oneHost: RunReport;
  let threeHost: RunReport;
  let runId = "";
  let runOut = "";
  let agentOut = "";
  let agentTemplateLine = "";
  let runExit: number | null = null;
  let agentExit: number | null = null;
  let anonymousRead = "";
  let trace: Array<{ type: string; from: string; payload: Record<string, unknown> }> = [];

  beforeAll(async () => {
    const template = fastTemplate(60);
    const shared = {
      run: { template, ideas: 2, maxInFlightIdeas: 2 },
      roles: { coder: { config: { rulesRuns: 1 } } },
      sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
    };
    const write = (name: string, value: unknown) => {
      const path = join(base, name);
      writeFileSync(path, stringify(value));
      return path;
    };

    hosts = await createNetnsHosts(`sci${process.pid}`, 3);
    const [natsHost, runHost, agentHost] = hosts.hosts as [
      (typeof hosts.hosts)[0],
      (typeof hosts.hosts)[0],
      (typeof hosts.hosts)[0],
    ];
    const url = `nats://${natsHost.address}:4222`;

    // NATS host: the server config and per-identity credentials from `scientist creds`, served on its own address only.
    const credsDir = join(base, "nats-host", "creds");
    await exec(process.execPath, [bin, "creds", "--config", write("creds.yaml", shared), "--dir", credsDir]);
    const store = join(base, "nats-host", "store");
    mkdirSync(store, { recursive: true });
    const server = hosts.spawnIn(
      natsHost,
      "/usr/sbin/nats-server",
      ["-c", join(credsDir, "nats-server.conf"), "-js", "-sd", store, "-a", natsHost.address, "-p", "4222"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(server);
    await waitForOutput(server, /Server is ready/, "nats-server");

    // Run host: its own folder; hosts every role but the experimenter and the writer.
    const runDir = join(base, "run-host");
    mkdirSync(runDir);
    const runCfg = write("run-host.yaml", {
      ...shared,
      run: { ...shared.run, out: join(runDir, "runs") },
      nats: { url, auth: { enabled: true, credsDir } },
    });
    const { registry } = await bootRoles(loadConfig({ path: runCfg, env: {} }), builtinRoles);
    const localRoles = registry.names().filter((name) => !remoteRoles.includes(name));
    const runner = hosts.spawnIn(
      runHost,
      process.execPath,
      [bin, "run", "--config", runCfg, "--roles", localRoles.join(",")],
      { cwd: runDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(runner);
    let runStdout = "";
    runner.stdout!.on("data", (c: Buffer) => (runStdout += c.toString()));
    const runStarted = await waitForOutput(runner, /run\.started/, "scientist run");
    runId = /^run (r\S+)$/m.exec(runStarted)![1]!;

    // The one-host run of the same config and run id (the rules ideator's choices are seeded by it), on its own
    // server, at the same time.
    const single = (async () => {
      const nats = await startTestNats();
      try {
        const config = loadConfig({
          path: write("one-host.yaml", { ...shared, run: { ...shared.run, out: join(base, "one-host-runs") } }),
          env: {},
          overrides: { natsUrl: nats.url },
        });
        const { registry } = await bootRoles(config, builtinRoles);
        return (await runSwarm({ config, registry, logger: silentLogger, run: runId })).report;
      } finally {
        await nats.cleanup();
      }
    })();
    single.catch(() => undefined); // awaited below

    // Agent host: a fresh folder with only its identities' credentials copied in, and no template of its own (its
    // config names a template folder that does not exist: the run's bundle is the only copy it can use).
    const agentDir = join(base, "agent-host");
    const agentCreds = join(agentDir, "creds");
    mkdirSync(agentCreds, { recursive: true });
    for (const identity of ["agent", ...remoteRoles])
      copyFileSync(join(credsDir, `${identity}.json`), join(agentCreds, `${identity}.json`));
    const agentCfg = join(agentDir, "agent.yaml");
    writeFileSync(
      agentCfg,
      stringify({
        ...shared,
        run: { template: join(agentDir, "no-such-template"), out: join(agentDir, "runs") },
        nats: { url, auth: { enabled: true, credsDir: agentCreds } },
      }),
    );
    const agent = hosts.spawnIn(
      agentHost,
      process.execPath,
      [bin, "agent", "--run", runId, "--roles", remoteRoles.join(","), "--config", agentCfg],
      { cwd: agentDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(agent);
    agentTemplateLine =
      (await waitForOutput(agent, /template from run\.started[^\n]*\n/, "scientist agent"))
        .split("\n")
        .find((l) => l.includes("template from run.started")) ?? "";

    [runExit, agentExit] = await Promise.all([exited(runner), exited(agent)]);
    if (runExit !== 0) throw new Error(`scientist run exited ${runExit}: ${runStdout.slice(-2000)}`);
    runOut = join(runDir, "runs", runId);
    agentOut = join(agentDir, "runs", runId);
    threeHost = JSON.parse(readFileSync(join(runOut, "report.json"), "utf8")) as RunReport;
    // The stream as the run host sees it over the network (the test process cannot reach the NATS host).
    const traced = await exec(
      "nsenter",
      [
        `--net=/var/run/netns/${runHost.name}`,
        "--",
        process.execPath,
        bin,
        "trace",
        runId,
        "--json",
        "--no-states",
        "--config",
        runCfg,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    trace = JSON.parse(traced.stdout) as typeof trace;
    // The same read without credentials: the server admits only `scientist creds` identities.
    const anonymous = join(base, "anonymous.yaml");
    writeFileSync(anonymous, stringify({ nats: { url, auth: { enabled: false } } }));
    anonymousRead = await exec("nsenter", [
      `--net=/var/run/netns/${runHost.name}`,
      "--",
      process.execPath,
      bin,
      "trace",
      runId,
      "--json",
      "--config",
      anonymous,
    ]).then(
      () => "accepted",
      (error: { stderr?: string }) => error.stderr ?? "",
    );
    oneHost = await single;
  }, 900_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all(children.map(exited));
    await hosts?.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it("completes, with the same ideas, decisions and papers as the one-host run", () => {
    expect(runExit).toBe(0);
    expect(agentExit).toBe(0);
    expect(threeHost.completed).toBe(true);
    expect(threeHost.papers.length).toBeGreaterThan(0);
    expect(outcome(threeHost)).toEqual(outcome(oneHost));
  });

  it("ran the experiments and papers on the agent host, with the template from the run's bundle", () => {
    const senders = (type: string) => new Set(trace.filter((e) => e.type === type).map((e) => e.from.split("/")[0]));
    expect([...senders("experiment.finished")]).toEqual(["experimenter"]);
    expect([...senders("paper.drafted")]).toEqual(["writer"]);
    const started = trace.find((e) => e.type === "run.started")!;
    const bundle = started.payload.templateBundle as { digest: string };
    expect(agentTemplateLine).toContain(bundle.digest);
    expect(agentTemplateLine).toContain(join(agentOut, ".template", "mlp-dynamics"));
    expect(existsSync(join(agentOut, ".template", "mlp-dynamics", "experiment.py"))).toBe(true);
  });

  it("ran with NATS auth on: a client without credentials is refused", () => {
    expect(anonymousRead).not.toBe("accepted");
    expect(anonymousRead).toMatch(/authorization|auth/i);
  });

  it("records every experiment result once and loses no idea", () => {
    const finished = trace
      .filter((e) => e.type === "experiment.finished")
      .map((e) => {
        const p = e.payload as { ideaId: string; kind: string; runIndex: number; attempt: number };
        return `${p.ideaId}/${p.kind}/${p.runIndex}/${p.attempt}`;
      });
    expect(new Set(finished).size).toBe(finished.length);
    const proposed = trace.filter((e) => e.type === "idea.proposed").length;
    expect(proposed).toBe(2);
    expect(threeHost.ideas).toHaveLength(proposed);
    for (const idea of threeHost.ideas) expect(["decided", "failed", "not-novel"]).toContain(idea.status);
  });

  it("brought the results, plots and papers made on the agent host to the run host through NATS", () => {
    for (const paper of threeHost.papers) {
      const ideaDir = join(runOut, paper.idea);
      const files = readdirSync(ideaDir);
      expect(files).toContain("paper.md");
      expect(files.some((f) => f.endsWith(".png"))).toBe(true);
      expect(readFileSync(join(ideaDir, "run_1", "final_info.json"))).toEqual(
        readFileSync(join(agentOut, paper.idea, "run_1", "final_info.json")),
      );
      if (paper.pdf) expect(readFileSync(join(runOut, paper.pdf))).toEqual(readFileSync(join(agentOut, paper.pdf)));
    }
  });
});
