/**
 * NATS authentication and per-role permissions on a real nats-server 2.9 with the generated server config: who may
 * publish which types, pull from which consumers, and what nobody but the run owner may do (delete, purge).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBus,
  consumerName,
  deterministicId,
  ensureRoleConsumer,
  ensureRunStream,
  inboxPrefixFor,
  newRunId,
  readCreds,
  readRun,
  startNatsServer,
  streamName,
  subjectFor,
  writeCreds,
  type BusConnection,
  type Envelope,
  type LocalNatsServer,
} from "../bus/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";

const dir = mkdtempSync(join(tmpdir(), "sci-auth-"));
const credsDir = join(dir, "creds");
let server: LocalNatsServer;
let cli: BusConnection;
const opened: BusConnection[] = [];
const run = newRunId();

async function as(identity: string): Promise<BusConnection> {
  const bus = await connectBus(server.url, {
    name: `test-${identity}`,
    auth: readCreds(credsDir, identity),
    inboxPrefix: inboxPrefixFor(identity),
  });
  opened.push(bus);
  return bus;
}

const envelope = (type: string, from: string, payload: unknown): Envelope => ({
  id: deterministicId(null, type, from, run),
  type,
  run,
  from,
  causation: null,
  correlation: run,
  at: new Date().toISOString(),
  v: 1,
  payload,
});

const forged = (type: string, from: string) =>
  envelope(type, from, { paperId: "p-forged", ideaId: "never-proposed", overall: 10 });

beforeAll(async () => {
  const { configPath } = writeCreds(credsDir, builtinRoles);
  server = await startNatsServer({ storeDir: join(dir, "store"), configFile: configPath });
  cli = await as("cli");
  await ensureRunStream(cli.jsm, run);
});

afterAll(async () => {
  for (const bus of opened) await bus.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("NATS auth with per-role permissions (real nats-server)", () => {
  it("writes every credentials file and the server config 0600, keeping passwords on a rewrite", () => {
    for (const name of ["nats-server.conf", "cli.json", "reviewer.json", "area-chair.json", "operator.json"]) {
      expect(statSync(join(credsDir, name)).mode & 0o777, name).toBe(0o600);
    }
    const before = readCreds(credsDir, "reviewer").pass;
    const again = writeCreds(credsDir, builtinRoles);
    expect(again.created).toEqual([]);
    expect(readCreds(credsDir, "reviewer").pass).toBe(before);
    expect(readFileSync(again.configPath, "utf8")).toContain(`user: "reviewer"`);
  });

  it("refuses a client without credentials or with a wrong password", async () => {
    await expect(connectBus(server.url, { name: "stranger" })).rejects.toMatchObject({ code: "BUS_CONNECT_FAILED" });
    const wrong = connectBus(server.url, { name: "guesser", auth: { user: "reviewer", pass: "guess-123" } });
    await expect(wrong).rejects.toThrow(/Authorization|authentication/i);
    await expect(wrong).rejects.not.toThrow(/guess-123/);
  });

  it("accepts user:pass in the URL and never prints the password", async () => {
    const { pass } = readCreds(credsDir, "operator");
    const bus = await connectBus(server.url.replace("nats://", `nats://operator:${encodeURIComponent(pass)}@`), {
      inboxPrefix: inboxPrefixFor("operator"),
    });
    opened.push(bus);
    expect(bus.nc.isClosed()).toBe(false);
    const failing = connectBus(server.url.replace("nats://", "nats://operator:hunter2-secret@"));
    await expect(failing).rejects.toThrow(/operator:\*\*\*@|as operator/);
    await expect(failing).rejects.not.toThrow(/hunter2-secret/);
  });

  it("lets the reviewer publish review.submitted but not paper.decided or run.completed", async () => {
    const reviewer = await as("reviewer");
    // Raw publishes: a forger does not go through our validation, only through the server's permissions.
    const raw = (bus: BusConnection, type: string, from: string) =>
      bus.js.publish(subjectFor(run, type), JSON.stringify(forged(type, from)), { timeout: 2000 });
    await expect(raw(reviewer, "review.submitted", "reviewer/t-0")).resolves.toMatchObject({ stream: streamName(run) });
    const denied = raw(reviewer, "paper.decided", "area-chair/forged");
    await expect(denied).rejects.toThrow(/permission/i);
    await expect(raw(reviewer, "run.completed", "ideator/forged")).rejects.toThrow(/permission/i);
    const stored = await readRun(cli.js, cli.jsm, run);
    expect(stored.map((m) => m.envelope?.type)).toEqual(["review.submitted"]);
  });

  it("lets a role create and pull its own consumers only", async () => {
    const reviewer = await as("reviewer");
    const own = await ensureRoleConsumer(reviewer.jsm, run, "reviewer", "review.requested", {
      maxDeliver: 2,
      ackWaitMs: 5000,
    });
    expect(own).toBe(consumerName("reviewer", "review.requested"));
    await expect(
      ensureRoleConsumer(reviewer.jsm, run, "ideator", "paper.decided", { maxDeliver: 2, ackWaitMs: 5000 }),
    ).rejects.toThrow();
    // A consumer the area chair owns: the reviewer can neither read its info nor pull from it.
    await ensureRoleConsumer(cli.jsm, run, "area-chair", "review.submitted", { maxDeliver: 2, ackWaitMs: 5000 });
    const stolen = async () =>
      (await reviewer.js.consumers.get(streamName(run), consumerName("area-chair", "review.submitted"))).next({
        expires: 1000,
      });
    await expect(stolen()).rejects.toThrow();
    // Its own consumer works end to end: pull (nothing there yet) without a permission error.
    const mine = await reviewer.js.consumers.get(streamName(run), own);
    await expect(mine.next({ expires: 1000 })).resolves.toBeNull();
  });

  it("does not let a role or the operator delete or purge the run stream", async () => {
    for (const identity of ["reviewer", "operator", "agent"]) {
      const bus = await as(identity);
      await expect(bus.jsm.streams.purge(streamName(run)), identity).rejects.toThrow();
      await expect(bus.jsm.streams.delete(streamName(run)), identity).rejects.toThrow();
    }
    expect((await cli.jsm.streams.info(streamName(run))).config.name).toBe(streamName(run));
  });

  it("lets a role write only its own actors' snapshots", async () => {
    const reviewer = await as("reviewer");
    await reviewer.kv.snapshots.put(`${run}.reviewer.actor-1`, "{}");
    await expect(reviewer.kv.snapshots.put(`${run}.area-chair.actor-1`, "{}")).rejects.toThrow();
    expect((await cli.kv.snapshots.get(`${run}.area-chair.actor-1`))?.operation ?? null).toBeNull();
  });

  it("lets the operator read the run and send control messages but not role types", async () => {
    const operator = await as("operator");
    expect(Array.isArray(await readRun(operator.js, operator.jsm, run))).toBe(true);
    await expect(
      operator.js.publish(subjectFor(run, "paper.decided"), JSON.stringify(forged("paper.decided", "operator/me")), {
        timeout: 2000,
      }),
    ).rejects.toThrow(/permission/i);
    const agent = await as("agent");
    expect(Array.isArray(await readRun(agent.js, agent.jsm, run))).toBe(true);
    await agent.kv.effects.put(`${run}.probe`, "1");
    await expect(agent.kv.snapshots.put(`${run}.ideator.x`, "{}")).rejects.toThrow();
  });
});

describe("TLS (self-signed, made with openssl)", () => {
  it("connects over TLS with the CA and refuses a client that does not trust it", async () => {
    const tlsDir = join(dir, "tls");
    execFileSync("mkdir", ["-p", tlsDir]);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        join(tlsDir, "key.pem"),
        "-out",
        join(tlsDir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const tls = { ca: join(tlsDir, "cert.pem"), cert: join(tlsDir, "cert.pem"), key: join(tlsDir, "key.pem") };
    const tlsCreds = join(dir, "tls-creds");
    const { configPath } = writeCreds(tlsCreds, builtinRoles, tls);
    const tlsServer = await startNatsServer({ storeDir: join(dir, "tls-store"), configFile: configPath });
    try {
      const bus = await connectBus(tlsServer.url, {
        auth: readCreds(tlsCreds, "cli"),
        tls: { ca: tls.ca, cert: null, key: null },
      });
      expect(bus.nc.info?.tls_required).toBe(true);
      await bus.close();
      await expect(
        connectBus(tlsServer.url, { auth: readCreds(tlsCreds, "cli"), timeoutMs: 3000 }),
      ).rejects.toMatchObject({ code: "BUS_CONNECT_FAILED" });
    } finally {
      await tlsServer.stop();
    }
  });
});
