/**
 * The local nats-server `scientist run` starts (auth on by default): a plugged-in role gets its own identity and
 * permissions when it appears (missing identities are written on boot, existing passwords kept), and the config
 * keys nats.tls.* reach that server and every client. Real nats-server, real files, certificates made by openssl.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  busAccessFor,
  connectBus,
  consumerName,
  ensureRoleConsumer,
  ensureRunStream,
  newRunId,
  readCreds,
  subjectFor,
  type BusConnection,
} from "../bus/index.ts";
import { loadConfig, repoRoot, type SwarmConfig } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, ensureNats } from "../agents/runtime/index.ts";

const dir = mkdtempSync(join(tmpdir(), "sci-auth-local-"));
const plugin = join(repoRoot, "tests/fixtures/plugins/result-auditor.ts");
const opened: BusConnection[] = [];

afterAll(async () => {
  for (const bus of opened) await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFor(name: string, extra: { plugins?: unknown[]; tls?: unknown; auth?: boolean } = {}): SwarmConfig {
  const auth = { credsDir: join(dir, name, "creds"), ...(extra.auth === false && { enabled: false }) };
  return loadConfig({
    env: {},
    raw: {
      nats: { storeDir: join(dir, name, "store"), auth, ...(extra.tls ? { tls: extra.tls } : {}) },
      ...(extra.plugins ? { plugins: extra.plugins } : {}),
    },
  });
}

async function as(config: SwarmConfig, url: string, identity: string): Promise<BusConnection> {
  const bus = await connectBus(url, { name: `test-${identity}`, ...busAccessFor(config.nats, identity) });
  opened.push(bus);
  return bus;
}

describe("local nats-server with auth on by default", () => {
  it("gives a plugged-in role its own identity on boot, keeping the other passwords", async () => {
    const before = configFor("plugin");
    expect(before.nats.auth.enabled).toBe(true);
    const first = await ensureNats(before, { roles: builtinRoles });
    const reviewerPass = readCreds(before.nats.auth.credsDir, "reviewer").pass;
    expect(() => readCreds(before.nats.auth.credsDir, "result-auditor")).toThrow(
      /BUS_CREDS_MISSING|no NATS credentials/,
    );
    await first.server!.stop();

    const config = configFor("plugin", { plugins: [{ module: plugin }] });
    const { registry } = await bootRoles(config, builtinRoles);
    const nats = await ensureNats(config, { roles: registry.all() });
    try {
      expect(readCreds(config.nats.auth.credsDir, "reviewer").pass).toBe(reviewerPass);
      expect(readFileSync(join(config.nats.auth.credsDir, "nats-server.conf"), "utf8")).toContain(
        'user: "result-auditor"',
      );
      const cli = await as(config, nats.url, "cli");
      const run = newRunId();
      await ensureRunStream(cli.jsm, run);
      const auditor = await as(config, nats.url, "result-auditor");
      const publish = (type: string) =>
        auditor.js.publish(subjectFor(run, type), JSON.stringify({ type }), { timeout: 3000 });
      await expect(publish("result.audited")).resolves.toMatchObject({ seq: 1 });
      await expect(publish("experiment.finished")).rejects.toThrow(/permission/i);
      await expect(publish("paper.decided")).rejects.toThrow(/permission/i);
      const own = await ensureRoleConsumer(auditor.jsm, run, "result-auditor", "experiment.finished", {
        maxDeliver: 2,
        ackWaitMs: 5000,
      });
      expect(own).toBe(consumerName("result-auditor", "experiment.finished"));
      await expect(
        ensureRoleConsumer(auditor.jsm, run, "writer", "experiment.finished", { maxDeliver: 2, ackWaitMs: 5000 }),
      ).rejects.toThrow();
    } finally {
      await nats.server!.stop();
    }
  });

  it("writes the plugged-in role's file with `scientist creds --config`, printing no password", () => {
    const credsDir = join(dir, "cli-creds");
    const yaml = join(dir, "swarm.yaml");
    writeFileSync(yaml, stringify({ plugins: [{ module: plugin }], nats: { auth: { credsDir } } }));
    const out = spawnSync(
      process.execPath,
      [join(repoRoot, "bin/scientist.mjs"), "creds", "--config", yaml, "--show-permissions"],
      { encoding: "utf8" },
    );
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/result-auditor .*result-auditor\.json {2}\(new\)/);
    expect(out.stdout).toContain("sci.*.result.audited");
    for (const identity of ["result-auditor", "reviewer", "cli"])
      expect(out.stdout).not.toContain(readCreds(credsDir, identity).pass);
  });
});

describe("nats.tls.* config keys", () => {
  const tlsDir = join(dir, "tls");
  const tls = { ca: join(tlsDir, "cert.pem"), cert: join(tlsDir, "cert.pem"), key: join(tlsDir, "key.pem") };
  beforeAll(() => {
    mkdirSync(tlsDir, { recursive: true });
    const subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"];
    const args = [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      ...subject,
      "-keyout",
      tls.key,
      "-out",
      tls.cert,
    ];
    execFileSync("openssl", args, { stdio: "ignore" });
  });

  it("reach the local server and the clients: TLS is required, a client that does not trust the CA is refused", async () => {
    const config = configFor("tls", { tls });
    const nats = await ensureNats(config, { roles: builtinRoles });
    try {
      expect(readFileSync(join(config.nats.auth.credsDir, "nats-server.conf"), "utf8")).toContain(
        `cert_file: ${JSON.stringify(join(tlsDir, "cert.pem"))}`,
      );
      const reviewer = await as(config, nats.url, "reviewer");
      expect(reviewer.nc.info?.tls_required).toBe(true);
      const untrusting = connectBus(nats.url, {
        auth: readCreds(config.nats.auth.credsDir, "reviewer"),
        timeoutMs: 3000,
      });
      await expect(untrusting).rejects.toMatchObject({ code: "BUS_CONNECT_FAILED" });
    } finally {
      await nats.server!.stop();
    }
  });

  it("are not ignored with auth off: the local server still requires TLS", async () => {
    const config = configFor("tls-no-auth", { tls, auth: false });
    expect(config.nats.auth.enabled).toBe(false);
    const nats = await ensureNats(config, { roles: builtinRoles });
    try {
      const client = await as(config, nats.url, "cli");
      expect(client.nc.info?.tls_required).toBe(true);
      await expect(connectBus(nats.url, { timeoutMs: 3000 })).rejects.toMatchObject({ code: "BUS_CONNECT_FAILED" });
    } finally {
      await nats.server!.stop();
    }
  });
});
