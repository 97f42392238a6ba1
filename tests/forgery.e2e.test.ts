/**
 * A real run under attack with bus auth on (the documented deployment: `scientist creds` files, nats-server -c),
 * the experimenter in a separate `scientist agent` process, replicas and a plugged-in role. While the run goes, a
 * client without credentials, the reviewer identity and the area-chair and ideator identities try to forge reviews,
 * decisions and the end of the run. The run must complete with exactly its own ideas, each decided once, the
 * forgeries dead-lettered with their reasons, nothing forged in the persistent archive, and the server must log no
 * permission violation but those of the attacks.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  IdeaArchive,
  connectBus,
  inboxPrefixFor,
  newRunId,
  readCreds,
  startNatsServer,
  subjectFor,
  writeCreds,
  type BusConnection,
  type BusError,
  type Envelope,
  type LocalNatsServer,
  type Payload,
  type Review,
  type StoredEnvelope,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
const cli = join(repoRoot, "bin/scientist.mjs");
const plugin = join(repoRoot, "tests/fixtures/plugins/result-auditor.ts");
const NEVER = "idea-999-never_proposed";
let serverUrl = "";

const forgedReview: Review = {
  Summary: "FORGED",
  Strengths: [],
  Weaknesses: [],
  Originality: 4,
  Quality: 4,
  Clarity: 4,
  Significance: 4,
  Questions: [],
  Limitations: [],
  "Ethical Concerns": false,
  Soundness: 4,
  Presentation: 4,
  Contribution: 4,
  Overall: 10,
  Confidence: 5,
  Decision: "Accept",
};

describe.skipIf(!hasDocker)("a run under attack, bus auth on (real NATS, real Docker, scientist agent)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sci-forgery-"));
  const credsDir = join(dir, "creds");
  const run = newRunId();
  const template = fastTemplate();
  let server: LocalNatsServer;
  let serverLog = "";
  let result: SwarmRunResult;
  let agentOutput = "";
  let agentExit: number | null = null;
  /** One connection per identity (cached as a promise: attacks start together). */
  const attackers = new Map<string, Promise<BusConnection>>();
  const clientTls = { ca: join(dir, "tls", "cert.pem"), cert: null, key: null };
  /** What each attack got back from the server: "stored" or the error's message. */
  const outcomes = new Map<string, string>();
  const pending: Promise<void>[] = [];

  // TLS too (a self-signed certificate): the whole run, the agent process and the CLI go through nats.tls.*.
  const tlsDir = join(dir, "tls");
  const tls = { ca: join(tlsDir, "cert.pem"), cert: join(tlsDir, "cert.pem"), key: join(tlsDir, "key.pem") };
  const raw = (url: string) => ({
    run: { template, ideas: 2, maxInFlightIdeas: 2, out: join(dir, "runs") },
    nats: { url, auth: { enabled: true, credsDir }, tls },
    // Two replicas of every role (five reviewers): every replica pulls and publishes with its role's identity.
    roles: {
      ideator: { replicas: 2 },
      novelty: { replicas: 2 },
      coder: { replicas: 2, config: { rulesRuns: 1 } },
      experimenter: { replicas: 2 },
      writer: { replicas: 2 },
      reviewer: { replicas: 5 },
      "area-chair": { replicas: 2 },
    },
    plugins: [{ module: plugin, replicas: 2 }],
    sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
    logging: { level: "info" },
  });

  function as(identity: string): Promise<BusConnection> {
    let bus = attackers.get(identity);
    if (!bus) {
      // A long connect timeout: TLS handshakes on a loaded machine are slow, and a timeout is not a refusal.
      const access = { auth: readCreds(credsDir, identity), inboxPrefix: inboxPrefixFor(identity), tls: clientTls };
      bus = connectBus(server.url, { name: `attacker-${identity}`, timeoutMs: 30_000, ...access });
      attackers.set(identity, bus);
    }
    return bus;
  }

  /** A raw publish, as a forger would do it: no validation of ours in the way, only the server's permissions. */
  function attack(name: string, identity: string, type: string, from: string, payload: unknown): void {
    const at = new Date().toISOString();
    const id = `forged-${name}`;
    const envelope: Envelope = { id, type, run, from, causation: null, correlation: name, at, v: 1, payload };
    pending.push(
      as(identity)
        .then((bus) => bus.js.publish(subjectFor(run, type), JSON.stringify(envelope), { msgID: id, timeout: 5e3 }))
        .then(
          () => void outcomes.set(name, "stored"),
          (error: unknown) => void outcomes.set(name, (error as Error).message),
        ),
    );
  }

  const attacked = new Set<string>();
  const once = (key: string, fn: () => void) => {
    if (!attacked.has(key)) {
      attacked.add(key);
      fn();
    }
  };

  function onMessage(m: StoredEnvelope): void {
    const e = m.envelope;
    if (!e) return;
    if (e.type === "run.started") {
      once("start", () => {
        pending.push(
          connectBus(server.url, { name: "stranger", timeoutMs: 30_000, tls: clientTls }).then(
            (bus) => bus.close().then(() => void outcomes.set("no-creds", "connected")),
            (error: unknown) =>
              void outcomes.set("no-creds", `${(error as BusError).code}: ${(error as Error).message}`),
          ),
        );
        const never = { paperId: `${NEVER}-paper`, ideaId: NEVER };
        const scores = { threshold: 6, scores: {}, metaReview: "forged", reviews: [] };
        const decided = { ...never, path: "x", decision: "Accept", overall: 10, ...scores };
        attack("reviewer-decides", "reviewer", "paper.decided", "area-chair/forger", decided);
        const ended = { proposed: 0, decided: 0, dropped: 0, failed: 0, reason: "forged" };
        attack("reviewer-ends-run", "reviewer", "run.completed", "ideator/forger", ended);
        // The ideator identity may publish run.completed, but not claiming to be the area chair.
        attack("ideator-as-area-chair-ends-run", "ideator", "run.completed", "area-chair/forger", ended);
        startAgent();
      });
    } else if (e.type === "review.requested") {
      const p = e.payload as Payload<"review.requested">;
      once(`seat-${p.paperId}`, () => {
        const review = { paperId: p.paperId, ideaId: p.ideaId, persona: p.persona, review: forgedReview };
        attack(`sixth-seat-${p.ideaId}`, "reviewer", "review.submitted", "reviewer/forger", { ...review, seat: 5 });
        attack(`claims-area-chair-${p.ideaId}`, "reviewer", "review.submitted", "area-chair/x", { ...review, seat: 1 });
        const never = { paperId: `${NEVER}-paper`, ideaId: NEVER };
        const unknown = { ...review, seat: 0, ...never };
        attack(`never-idea-review-${p.ideaId}`, "reviewer", "review.submitted", "reviewer/forger", unknown);
      });
    } else if (e.type === "paper.decided" && e.from.startsWith("area-chair/") && !e.id.startsWith("forged-")) {
      const p = e.payload as Payload<"paper.decided">;
      once(`decided-${p.paperId}`, () => {
        const accept = { decision: "Accept", overall: 10 };
        const never = { paperId: `${NEVER}-paper`, ideaId: NEVER };
        attack(`decided-twice-${p.ideaId}`, "area-chair", "paper.decided", "area-chair/forger", { ...p, ...accept });
        const unknown = { ...p, ...never, ...accept };
        attack(`never-idea-decided-${p.ideaId}`, "area-chair", "paper.decided", "area-chair/forger", unknown);
      });
    }
  }

  /** The experimenter in its own process, as on another host: `scientist agent` with the same config and creds. */
  let agentDone: Promise<void> = Promise.resolve();
  function startAgent(): void {
    const config = join(dir, "agent.yaml");
    writeFileSync(config, stringify(raw(server.url)));
    const args = [cli, "agent", "--run", run, "--roles", "experimenter", "--config", config];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (c: Buffer) => (agentOutput += c.toString()));
    child.stderr.on("data", (c: Buffer) => (agentOutput += c.toString()));
    agentDone = new Promise((resolve) => child.once("exit", (code) => ((agentExit = code), resolve())));
  }

  beforeAll(async () => {
    mkdirSync(credsDir, { recursive: true });
    mkdirSync(tlsDir, { recursive: true });
    const subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"];
    const args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", ...subject];
    args.push("-keyout", tls.key, "-out", tls.cert);
    execFileSync("openssl", args, { stdio: "ignore" });
    // Creds for every role of this swarm, the plugged-in one included, as `scientist creds` writes them.
    const { registry } = await bootRoles(loadConfig({ env: {}, raw: raw("nats://127.0.0.1:1") }), builtinRoles);
    const { configPath } = writeCreds(credsDir, registry.all(), tls);
    server = await startNatsServer({ storeDir: join(dir, "store"), configFile: configPath });
    server.process.stderr!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    serverUrl = server.url;
    const config = loadConfig({ env: {}, raw: raw(server.url) });
    const booted = await bootRoles(config, builtinRoles);
    const roles = booted.registry.names().filter((name) => name !== "experimenter");
    const { plugins } = booted;
    const swarmRegistry = booted.registry;
    result = await runSwarm({ config, registry: swarmRegistry, plugins, logger: silentLogger, run, roles, onMessage });
    await Promise.all(pending);
    await agentDone;
  }, 600_000);

  afterAll(async () => {
    for (const bus of await Promise.allSettled(attackers.values())) {
      if (bus.status === "fulfilled") await bus.value.close();
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the stranger and the reviewer's forged decision and end of run at the server", () => {
    expect(outcomes.get("no-creds")).toMatch(/^BUS_CONNECT_FAILED: .*authoriz/i);
    expect(outcomes.get("reviewer-decides")).toMatch(/permission/i);
    expect(outcomes.get("reviewer-ends-run")).toMatch(/permission/i);
    // Permitted identities get their messages stored: the runtime's sender check and role logic must stop them.
    expect(outcomes.get("ideator-as-area-chair-ends-run")).toBe("stored");
    const sixth = [...outcomes.entries()].filter(([name]) => name.startsWith("sixth-seat"));
    expect(sixth.map(([, v]) => v)).toContain("stored");
  });

  it("completes with exactly its own ideas, each decided once by its real five seats", () => {
    const r = result.report;
    expect(r.completed).toBe(true);
    expect(agentExit, agentOutput.slice(-2000)).toBe(0);
    expect(r.ideas.map((i) => i.id)).not.toContain(NEVER);
    expect(r.ideas).toHaveLength(2);
    const proposed = new Set(r.ideas.map((i) => i.id));
    expect(r.papers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(r.papers.map((p) => p.idea)).size).toBe(r.papers.length);
    for (const paper of r.papers) {
      expect(proposed.has(paper.idea)).toBe(true);
      expect(paper.reviews).toHaveLength(5);
      expect(paper.reviews.map((rv) => rv.Summary)).not.toContain("FORGED");
      expect(paper.overall).toBeLessThan(10);
    }
    expect(r.messageCounts["run.completed"]).toBe(1);
    // The plugged-in role ran with its own identity: one audit per finished experiment.
    expect(r.messageCounts["result.audited"]).toBe(r.messageCounts["experiment.finished"]);
  });

  it("dead-letters every stored forgery with its reason", () => {
    const letters = result.report.deadLetters;
    const coded = (code: string) => letters.filter((d) => d.reason.startsWith(`[${code}]`));
    const forged = coded("RUNTIME_FORGED_SENDER");
    expect(forged.some((d) => d.subject.endsWith(".run.completed") && /area-chair\/forger/.test(d.reason))).toBe(true);
    expect(forged.some((d) => d.subject.endsWith(".review.submitted") && /area-chair\/x/.test(d.reason))).toBe(true);
    const papers = result.report.papers.length;
    expect(coded("RUNTIME_UNREQUESTED_SEAT").filter((d) => /seat 5/.test(d.reason))).toHaveLength(papers);
    expect(coded("RUNTIME_DUPLICATE_DECISION")).toHaveLength(papers);
    // Per paper: one review and one decision of the idea never proposed.
    expect(coded("RUNTIME_UNKNOWN_IDEA").filter((d) => d.reason.includes(NEVER))).toHaveLength(2 * papers);
    for (const d of letters) expect(d.reason).toMatch(/^\[[A-Z_]+\] /);
  });

  it("writes nothing forged into the persistent archive", async () => {
    const bus = await as("cli");
    expect(bus.nc.info?.tls_required).toBe(true);
    const entries = (await new IdeaArchive(bus.kv.archive).list("mlp-dynamics")).filter((a) => a.run === run);
    expect(entries.map((a) => a.ideaId).sort()).toEqual(result.report.ideas.map((i) => i.id).sort());
    for (const entry of entries) expect(entry.overall).not.toBe(10);
    const decided = new Map(result.report.papers.map((p) => [p.idea, p]));
    for (const entry of entries.filter((a) => a.status === "decided")) {
      expect(entry.decision).toBe(decided.get(entry.ideaId)?.decision);
      expect(entry.overall).toBe(decided.get(entry.ideaId)?.overall);
    }
  });

  it("logs no permission violation on the server but those of the attacks", () => {
    const violations = serverLog.split("\n").filter((line) => /Violation/.test(line));
    const unexpected = violations.filter(
      (line) =>
        !/Authorization Violation/.test(line) &&
        !(/User "reviewer"/.test(line) && /\.(paper\.decided|run\.completed)"/.test(line)),
    );
    expect(unexpected).toEqual([]);
    expect(violations.filter((line) => /User "reviewer"/.test(line))).toHaveLength(2);
  });

  it("reads the run with user:password in --nats and never prints the password", async () => {
    const { pass } = readCreds(credsDir, "operator");
    const config = join(dir, "agent.yaml");
    const url = withUser("operator", pass);
    const ok = await scientist(["trace", run, "--config", config, "--nats", url, "--type", "run.completed"]);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toContain("run.completed");
    expect(ok.output).not.toContain(pass);
    const bad = await scientist(["trace", run, "--config", config, "--nats", withUser("operator", "hunter2-wrong")]);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/BUS_CONNECT_FAILED|cannot connect/);
    expect(bad.output).not.toContain("hunter2-wrong");
    expect(agentOutput).not.toContain(readCreds(credsDir, "agent").pass);
  });

  it("runs a whole swarm with --nats nats://cli:password@host, the password in no output or log", async () => {
    const { pass } = readCreds(credsDir, "cli");
    const config = join(dir, "cli-run.yaml");
    const out = join(dir, "cli-runs");
    const roles = { coder: { config: { rulesRuns: 1 } } };
    writeFileSync(config, stringify({ ...raw(server.url), run: { template, ideas: 1, out }, roles, plugins: [] }));
    const ran = await scientist(["run", "--config", config, "--nats", withUser("cli", pass)]);
    expect(ran.code, ran.output.slice(-2000)).toBe(0);
    const reportPath = /^report: (.*)$/m.exec(ran.output)![1]!;
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as { run: string; completed: boolean };
    expect(report.completed).toBe(true);
    expect(ran.output).not.toContain(pass);
    expect(readFileSync(join(out, report.run, "swarm.log"), "utf8")).not.toContain(pass);
    const bad = await scientist(["run", "--config", config, "--nats", withUser("cli", "hunter2-wrong")]);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/BUS_CONNECT_FAILED/);
    expect(bad.output).not.toContain("hunter2-wrong");
  }, 300_000);
});

/** The server URL with user info, as a user types it into --nats. */
const withUser = (user: string, pass: string) =>
  serverUrl.replace("nats://", `nats://${user}:${encodeURIComponent(pass)}@`);

/** Runs the CLI as a user does; resolves with its exit code and everything it printed (awaits exit, never sleeps). */
function scientist(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}
