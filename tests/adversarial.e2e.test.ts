/**
 * The adversarial suite through the real experimenter: each attack is an `experiment.requested` on a real
 * nats-server, run by the hosted experimenter role in the real sandbox (Docker, then bwrap), and judged on the
 * `experiment.finished` it produces and on the host (processes, free disk, canary file, template.yaml, ports,
 * planted API key). The cases and their checks are sandbox/selftest's, shared with `scientist sandbox selftest`.
 *
 * The LaTeX case needs the `latex` image; scripts/setup.sh builds it (CI too). Where it is not built, that one case
 * is skipped with a loud warning rather than spending minutes of the suite's budget on a debootstrap.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArtifactStore,
  EffectJournal,
  IdeaArchive,
  connectBus,
  deterministicId,
  ensureRunStream,
  newRunId,
  publishEnvelope,
  readRun,
  type BusConnection,
  type Payload,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { coder, experimenter } from "../agents/roles/index.ts";
import { RoleRegistry, silentLogger, startAgentHost, type Services } from "../agents/runtime/index.ts";
import {
  bwrapAvailable,
  createBwrapSandbox,
  createDockerSandbox,
  dockerEngineReachable,
  healthyCase,
  listImages,
  runSelftest,
  selftestCases,
  selftestLimits,
  selftestLimitsConfig,
  type Sandbox,
  type SelftestCase,
  type SelftestExecutor,
  type SelftestOptions,
} from "../sandbox/index.ts";
import { collectUntil } from "./support/collect.ts";
import { tinyTemplate } from "./support/machine-harness.ts";
import { startTestNats } from "./support/nats.ts";

const cacheDir = join(repoRoot, ".scientist/cache");
const templateDir = join(repoRoot, "templates/mlp-dynamics");
const docker = new Dockerode();
const engine = await dockerEngineReachable(docker);
const bwrap = await bwrapAvailable();
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("\n!!! ADVERSARIAL SUITE SKIPPED: the size-capped work dir needs root !!!\n");
if (!engine.ok) console.warn(`\n!!! ADVERSARIAL SUITE ON DOCKER SKIPPED: no Docker engine (${engine.why}) !!!\n`);
if (!bwrap.ok) console.warn(`\n!!! ADVERSARIAL SUITE ON BWRAP SKIPPED: bwrap is not usable (${bwrap.why}) !!!\n`);

const latex = (await listImages({ cacheDir, docker: engine.ok ? docker : null })).find(
  (image) => image.name === "latex",
);
const latexReady = {
  docker: latex?.dockerImageId != null && !latex.stale,
  bwrap: latex?.rootfs != null && !latex.stale,
};

const backends = [
  {
    name: "docker" as const,
    available: engine.ok && isRoot,
    make: (): Sandbox => createDockerSandbox({ docker, cacheDir }),
  },
  {
    name: "bwrap" as const,
    available: bwrap.ok && isRoot,
    make: (): Sandbox => createBwrapSandbox({ cacheDir, docker: engine.ok ? docker : null }),
  },
];

/** Hosts the experimenter for one run whose template asks for `image`; returns how to send it a case. */
async function hostExperimenter(
  bus: BusConnection,
  natsUrl: string,
  backend: "docker" | "bwrap",
  sandbox: Sandbox,
  image: string,
) {
  const run = newRunId();
  await ensureRunStream(bus.jsm, run);
  const config = loadConfig({
    env: {},
    raw: {
      nats: { url: natsUrl },
      run: { out: mkdtempSync(join(tmpdir(), "sci-adversarial-")) },
      sandbox: { backend, cacheDir, timeoutSeconds: 300, plotTimeoutSeconds: 300, ...selftestLimitsConfig },
    },
  });
  const artifacts = new ArtifactStore(bus.objm, run, null);
  const services: Services = {
    sandbox,
    artifacts,
    archive: new IdeaArchive(bus.kv.archive),
    journal: new EffectJournal(bus.kv.effects),
    template: {
      ...tinyTemplate,
      dir: templateDir,
      sandbox: { image, timeoutMs: 300_000, plotTimeoutMs: 300_000, memoryMb: null, cpus: null },
    },
    literature: null,
    now: () => new Date(),
  };
  // The coder is registered (not hosted) so its experiment.requested passes the sender check, as in a real swarm.
  const registry = new RoleRegistry().register(experimenter).register(coder);
  const host = await startAgentHost({
    bus,
    run,
    config,
    registry,
    roles: [{ name: "experimenter", replicas: 1, policy: "rules", config: {} }],
    services,
    logger: silentLogger,
  });
  return { run, artifacts, stop: host.stop };
}

/** Runs a case as an experiment.requested and turns the experiment.finished (and its stored logs) into an outcome. */
function experimenterExecutor(
  bus: BusConnection,
  hosts: Map<string, { run: string; artifacts: ArtifactStore }>,
  metadata: Map<string, { backend: string; imageId: string; finishedImage: string }>,
): SelftestExecutor {
  let sent = 0;
  return async (request, testCase) => {
    const host = hosts.get(request.image);
    if (host === undefined) throw new Error(`no experimenter hosted for image ${request.image}`);
    const ideaId = `attack-${testCase.id}-${++sent}`;
    const payload: Payload<"experiment.requested"> = {
      ideaId,
      kind: request.kind,
      runIndex: 0,
      attempt: 1,
      files: request.files,
      inputs: {},
      command: request.command,
      timeoutMs: request.timeoutMs,
      cacheKey: null,
    };
    await publishEnvelope(bus.js, {
      id: deterministicId(null, "experiment.requested", ideaId, host.run),
      type: "experiment.requested",
      run: host.run,
      from: "coder/adversary",
      causation: null,
      correlation: ideaId,
      at: new Date().toISOString(),
      v: 1,
      payload,
    });
    const seen = await collectUntil(
      bus,
      host.run,
      (e) => (e.type === "experiment.finished" || e.type === "message.deadlettered") && e.correlation === ideaId,
      240_000,
    );
    // A dead-lettered request fails the case at once, with the reason, instead of waiting out the timeout.
    if (seen.at(-1)!.type === "message.deadlettered") throw new Error(`dead-lettered: ${JSON.stringify(seen.at(-1))}`);
    const finished = seen.at(-1)!.payload as Payload<"experiment.finished">;
    const logs = `${ideaId}/logs/${request.kind}_0_attempt_1`;
    const files: Record<string, Uint8Array> = {};
    for (const [path, name] of Object.entries(finished.artifacts)) files[path] = await host.artifacts.get(name);
    const recorded = JSON.parse(await host.artifacts.getText(`${logs}.sandbox.json`)) as {
      backend: string;
      imageId: string;
    };
    metadata.set(testCase.id, { ...recorded, finishedImage: finished.image });
    return {
      status: finished.status,
      reason: finished.reason,
      exitCode: finished.exitCode,
      stdout: await host.artifacts.getText(`${logs}.stdout.txt`),
      stderr: await host.artifacts.getText(`${logs}.stderr.txt`),
      files,
      wallMs: finished.usage.wallMs,
      image: finished.image,
    };
  };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`attacks sent to the experimenter on the ${backend.name} sandbox`, () => {
    let nats: Awaited<ReturnType<typeof startTestNats>>;
    let bus: BusConnection;
    let sandbox: Sandbox;
    const hosts = new Map<string, { run: string; artifacts: ArtifactStore; stop: () => Promise<void> }>();
    let options: Omit<SelftestOptions, "cases">;
    const metadata = new Map<string, { backend: string; imageId: string; finishedImage: string }>();

    beforeAll(async () => {
      nats = await startTestNats();
      bus = await connectBus(nats.url);
      sandbox = backend.make();
      await sandbox.ensureImage("python-ml");
      hosts.set("python-ml", await hostExperimenter(bus, nats.url, backend.name, sandbox, "python-ml"));
      if (latexReady[backend.name])
        hosts.set("latex", await hostExperimenter(bus, nats.url, backend.name, sandbox, "latex"));
      else
        console.warn(
          `\n!!! LATEX ATTACK ON ${backend.name.toUpperCase()} SKIPPED: the latex image is not built (node bin/scientist.mjs sandbox build latex) !!!\n`,
        );
      options = {
        execute: experimenterExecutor(bus, hosts, metadata),
        limits: {
          pids: selftestLimits.pids,
          outputBytes: selftestLimits.outputBytes,
          diskBytes: selftestLimits.diskBytes,
        },
        workRoot: cacheDir,
        canaryDir: join(repoRoot, ".scientist/selftest"),
        templateYamlPath: join(templateDir, "template.yaml"),
        repoRoot,
        extraPorts: [Number(new URL(nats.url).port)],
      };
    }, 900_000);

    afterAll(async () => {
      for (const host of hosts.values()) await host.stop();
      await bus?.close();
      await nats?.cleanup();
      await sandbox?.close();
    });

    const attack = (testCase: SelftestCase) => async () => {
      const [result] = await runSelftest({ ...options, cases: [testCase] });
      expect(result?.breaches, result?.note).toEqual([]);
      expect(result?.status).toBe(testCase.expect);
      expect(result?.contained).toBe(true);
    };

    for (const testCase of selftestCases) {
      const skip = testCase.image === "latex" && !latexReady[backend.name];
      it.skipIf(skip)(
        `${testCase.title}: ends ${testCase.expect} and leaves the host as it was`,
        attack(testCase),
        240_000,
      );
    }

    it("a normal experiment afterwards still finishes ok with its image digest recorded, and nothing was dead-lettered", async () => {
      await attack(healthyCase)();
      const recorded = metadata.get(healthyCase.id);
      expect(recorded?.backend).toBe(backend.name);
      expect(recorded?.imageId).toMatch(/^(sha256:[0-9a-f]{64}|rootfs:)/);
      expect(recorded?.imageId).toBe(recorded?.finishedImage);
      for (const host of hosts.values()) {
        const messages = (await readRun(bus.js, bus.jsm, host.run)).map((m) => m.envelope?.type);
        expect(messages).not.toContain("message.deadlettered");
        expect(messages.filter((type) => type === "experiment.finished")).toHaveLength(
          messages.filter((type) => type === "experiment.requested").length,
        );
      }
    }, 240_000);
  });
}
