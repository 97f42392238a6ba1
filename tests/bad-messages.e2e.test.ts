/**
 * Bad messages thrown into a real run (real NATS, real Docker): malformed JSON, a valid envelope with a wrong
 * payload, an oversized message, an envelope naming another run. Each must be dead-lettered with its reason, the run
 * must complete, and report.json.deadLetters must list them.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBus,
  deterministicId,
  newRunId,
  publishEnvelope,
  subjectFor,
  type BusConnection,
  type Envelope,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger, type SwarmRunResult } from "../agents/runtime/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";

const hasDocker = await dockerAvailable();
if (!hasDocker) console.warn("bad-messages.e2e: no Docker here; skipped");

describe.skipIf(!hasDocker)("bad messages in a real run", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let attacker: BusConnection;
  let result: SwarmRunResult;
  let refused: unknown = null;
  const run = newRunId();
  const other = newRunId();
  const subject = subjectFor(run, "idea.proposed");
  const envelopeOf = (n: string, payload: unknown, runId = run): Envelope => ({
    id: deterministicId(null, "idea.proposed", n, runId),
    type: "idea.proposed",
    run: runId,
    from: "ideator/intruder",
    causation: null,
    correlation: `bad-${n}`,
    at: new Date().toISOString(),
    v: 1,
    payload,
  });

  beforeAll(async () => {
    nats = await startTestNats();
    attacker = await connectBus(nats.url, { name: "bad-messages" });
    const config = loadConfig({
      env: {},
      raw: {
        run: { template: fastTemplate(), ideas: 1, maxInFlightIdeas: 1, out: mkdtempSync(join(tmpdir(), "sci-bad-")) },
        nats: { url: nats.url },
        roles: { coder: { config: { rulesRuns: 1 } } },
        sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
      },
    });
    const { registry, plugins } = await bootRoles(config, builtinRoles);
    let injected: Promise<void> | null = null;
    const inject = async () => {
      await attacker.js.publish(subject, "{not json", { msgID: "bad-json" });
      await attacker.js.publish(subject, JSON.stringify(envelopeOf("foo", { foo: 1 })), { msgID: "bad-payload" });
      const big = envelopeOf("big", { foo: "x".repeat(600_000) });
      const bigButValid: Envelope = {
        ...big,
        type: "idea.failed",
        payload: { ideaId: "bad-big", stage: "coder", reason: "x".repeat(600_000) },
      };
      refused = await publishEnvelope(attacker.js, bigButValid, { maxPayloadBytes: attacker.maxPayloadBytes }).catch(
        (e: unknown) => e,
      );
      await attacker.js.publish(subject, JSON.stringify(big), { msgID: "bad-big" });
      // A valid idea.failed (the ideator consumes it) naming another run, on this run's subject.
      const stray: Envelope = {
        ...envelopeOf("stray", null, other),
        type: "idea.failed",
        payload: { ideaId: "bad-stray", stage: "coder", reason: "stray" },
      };
      await attacker.js.publish(subjectFor(run, "idea.failed"), JSON.stringify(stray), { msgID: "bad-run" });
    };
    result = await runSwarm({
      config,
      registry,
      plugins,
      run,
      logger: silentLogger,
      // Thrown in once the run is under way (its stream exists and the roles consume).
      onMessage: (m) => {
        if (m.envelope?.type === "idea.proposed" && injected === null) injected = inject();
      },
    });
    await injected;
  }, 600_000);

  afterAll(async () => {
    await attacker?.close();
    await nats?.cleanup();
  });

  it("refuses the oversized envelope at publish with a coded error", () => {
    expect(refused).toMatchObject({ code: "BUS_PAYLOAD_TOO_LARGE", retryable: false });
    expect(String((refused as Error).message)).toMatch(/idea.failed envelope is \d+ bytes, over the 524288-byte limit/);
  });

  it("completes the run with its own idea only, and lists each bad message with its reason in report.json", () => {
    const report = JSON.parse(readFileSync(result.reportPath, "utf8")) as SwarmRunResult["report"];
    expect(report.completed, `${report.reason}; dead letters: ${JSON.stringify(report.deadLetters)}`).toBe(true);
    expect(report.ideas).toHaveLength(1);
    expect(report.ideas[0]!.id).not.toMatch(/^bad-/);
    const reasons = report.deadLetters
      .filter((d) => d.subject === subject || d.subject === subjectFor(run, "idea.failed"))
      .map((d) => d.reason);
    expect(reasons.some((r) => r.startsWith("not JSON"))).toBe(true);
    expect(reasons.some((r) => r.startsWith("invalid idea.proposed payload"))).toBe(true);
    expect(reasons.some((r) => r.startsWith("[BUS_PAYLOAD_TOO_LARGE] message is"))).toBe(true);
    expect(reasons.some((r) => r.startsWith(`[RUNTIME_UNKNOWN_RUN] envelope names run ${other}`))).toBe(true);
  });
});
