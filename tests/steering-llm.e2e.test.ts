import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBus,
  ensureRunStream,
  newRunId,
  readRun,
  type BusConnection,
  type StoredEnvelope,
} from "../bus/index.ts";
import { loadConfig, repoRoot } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import {
  bootRoles,
  controlFor,
  runSwarm,
  sendControl,
  silentLogger,
  SteeringState,
  type SwarmRunResult,
} from "../agents/runtime/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable } from "./support/docker.ts";
import { fastTemplate } from "./support/fast-template.ts";
import {
  researcherReply,
  startResearchServer,
  type ChatRequest,
  type ResearchServer,
} from "./support/scripted-research-server.ts";

const hasDocker = await dockerAvailable();
if (!hasDocker) console.warn("\n!!! STEERING LLM E2E SKIPPED: no Docker engine answers !!!\n");

const NOTE = "Operator note 7f3a: only change the learning rate.";

describe.skipIf(!hasDocker)("an operator's note reaches the llm prompts of its idea (local scripted server)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let server: ResearchServer;
  let operator: BusConnection;
  let result: SwarmRunResult;
  let noted = "";
  const requests: { schema: string; text: string; order: number }[] = [];
  let noteAppliedAt = -1;
  let callsRecorded = 0;
  let replayed: SwarmRunResult;
  let replayedStream: StoredEnvelope[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    server = await startResearchServer({
      reply: (request: ChatRequest) => {
        requests.push({
          schema: request.response_format?.json_schema?.name ?? "",
          text: request.messages.map((m) => m.content).join("\n"),
          order: requests.length,
        });
        return researcherReply(request);
      },
    });
    operator = await connectBus(nats.url, { name: "test-operator" });
    const template = fastTemplate();
    const configFor = (replay?: string) =>
      loadConfig({
        env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
        overrides: { policy: "llm", ...(replay && { replay }) },
        raw: {
          run: { template, ideas: 1, maxInFlightIdeas: 1, out: mkdtempSync(join(tmpdir(), "sci-steer-llm-")) },
          nats: { url: nats.url },
          roles: { reviewer: { replicas: 5 } },
          sandbox: { cacheDir: join(repoRoot, ".scientist/cache"), timeoutSeconds: 300 },
          llm: { provider: "openai", model: "local-scripted", maxRetries: 0 },
        },
      });
    const config = configFor();
    const { registry } = await bootRoles(config, builtinRoles);
    const run = newRunId();
    const steering = new SteeringState();
    const send = (verb: string, args: string[] = [], options = {}) =>
      sendControl({ bus: operator, run, request: controlFor(verb, args, options), config });
    // The coder is paused from the start, so the note is in place before its first prompt for the idea.
    await ensureRunStream(operator.jsm, run);
    await send("pause", [], { role: "coder" });
    let proposedId: (id: string) => void = () => undefined;
    const proposed = new Promise<string>((resolve) => (proposedId = resolve));
    const onMessage = (m: StoredEnvelope) => {
      if (m.envelope?.type === "idea.proposed") proposedId((m.envelope.payload as { ideaId: string }).ideaId);
    };
    const running = runSwarm({ config, registry, logger: silentLogger, run, steering, onMessage });
    noted = await proposed;
    await send("note", [noted, NOTE]);
    await steering.until((s) => s.notesFor(noted).length === 1);
    noteAppliedAt = requests.length;
    await send("resume", [], { role: "coder" });
    result = await running;
    callsRecorded = server.total();
    // The replay re-applies the three interventions at the same causal points: the note is in the same prompts.
    replayed = await runSwarm({ config: configFor(result.run), registry, logger: silentLogger, run: newRunId() });
    replayedStream = await readRun(operator.js, operator.jsm, replayed.run);
  }, 900_000);

  afterAll(async () => {
    await operator?.close();
    await server?.close();
    await nats?.cleanup();
  });

  it("every coder and writer prompt of the idea after the note carries it; reviewers and earlier prompts do not", () => {
    expect(result.report.completed).toBe(true);
    expect(result.report.ideas.map((i) => i.id)).toEqual([noted]);
    const after = requests.slice(noteAppliedAt);
    const coder = after.filter((r) => r.schema === "plan" || r.schema === "edits");
    const writer = after.filter((r) => r.schema === "title_abstract" || r.schema === "section");
    expect(coder.length).toBeGreaterThan(0);
    expect(writer.length).toBeGreaterThan(0);
    for (const r of [...coder, ...writer]) expect(r.text, r.schema).toContain(NOTE);
    for (const r of requests.filter((x) => x.schema === "review")) expect(r.text).not.toContain(NOTE);
    for (const r of requests.slice(0, noteAppliedAt)) expect(r.text).not.toContain(NOTE);
    expect(result.report.interventions?.map((i) => i.type)).toEqual([
      "control.paused",
      "control.noted",
      "control.resumed",
    ]);
  });

  it("--replay re-applies the interventions at the same causal points, so every prompt matches the recording", () => {
    expect(replayed.report.completed).toBe(true);
    expect(replayed.report.replay).toMatchObject({ from: result.run, misses: 0, firstMiss: null });
    expect(server.total()).toBe(callsRecorded);
    const controls = replayedStream.map((m) => m.envelope!).filter((e) => e.type.startsWith("control."));
    expect(controls.map((e) => e.type)).toEqual(["control.paused", "control.noted", "control.resumed"]);
    const byId = new Map(replayedStream.map((m) => [m.envelope!.id, m.envelope!]));
    expect(controls[0]!.causation).toBeNull();
    expect(byId.get(controls[1]!.causation!)?.type).toBe("idea.proposed");
    expect(byId.get(controls[2]!.causation!)?.type).toBe("control.noted");
    expect(controls[1]!.payload).toEqual({ ideaId: noted, text: NOTE });
  });
});
