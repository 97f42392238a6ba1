import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assign, fromPromise, setup } from "xstate";
import { z } from "zod";
import {
  ArtifactStore,
  EffectJournal,
  IdeaArchive,
  connectBus,
  deterministicId,
  ensureRunStream,
  newRunId,
  publishEnvelope,
  subjectFor,
  type BusConnection,
  type Envelope,
} from "../bus/index.ts";
import { loadConfig } from "../config/index.ts";
import {
  RoleRegistry,
  silentLogger,
  startAgentHost,
  type MessageEvent,
  type RoleDefinition,
  type Services,
} from "../agents/runtime/index.ts";
import { emitMessage, injected, payloadOf, type PublishEvent } from "../agents/roles/index.ts";
import { collectUntil } from "./support/collect.ts";
import { tinyTemplate } from "./support/machine-harness.ts";
import { startTestNats } from "./support/nats.ts";

/** A toy role whose effect counts how often it really ran, per ping. */
function pingRole(effects: Map<string, number>, fail: Set<string>): RoleDefinition {
  const machine = setup({
    types: {} as { context: { n: string | null }; events: MessageEvent; emitted: PublishEvent },
    actors: { work: injected<string, string>("work") },
  }).createMachine({
    id: "pinger",
    initial: "idle",
    context: { n: null },
    states: {
      idle: {
        on: {
          "ping.sent": { target: "working", actions: assign({ n: ({ event }) => payloadOf<{ n: string }>(event).n }) },
        },
      },
      working: {
        invoke: {
          src: "work",
          input: ({ context }) => context.n!,
          onDone: {
            target: "idle",
            actions: emitMessage(({ event }) => ({ type: "pong.sent", payload: { n: event.output } })),
          },
        },
      },
    },
  });
  return {
    name: "pinger",
    description: "test role",
    consumes: ["ping.sent"],
    emits: ["pong.sent"],
    configSchema: z.object({}),
    machine,
    messageTypes: { "ping.sent": z.object({ n: z.string() }), "pong.sent": z.object({ n: z.string() }) },
    policies: {
      rules: () => ({
        work: fromPromise<string, string>(async ({ input }) => {
          effects.set(input, (effects.get(input) ?? 0) + 1);
          if (fail.has(input)) throw new Error(`ping ${input} always fails`);
          // A machine bug on purpose: a number where pong.sent's schema wants a string.
          if (input === "emits-invalid") return 42 as unknown as string;
          return input;
        }),
      }),
    },
  };
}

describe("the runtime on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: BusConnection;
  const effects = new Map<string, number>();
  const fail = new Set(["doomed"]);
  const run = newRunId();
  let stop: () => Promise<void>;

  const ping = (n: string, correlation = n): Envelope => ({
    id: deterministicId(null, "ping.sent", n, run),
    type: "ping.sent",
    run,
    from: "source/t",
    causation: null,
    correlation,
    at: new Date().toISOString(),
    v: 1,
    payload: { n },
  });

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus(nats.url);
    await ensureRunStream(bus.jsm, run);
    const config = loadConfig({
      env: {},
      raw: {
        nats: { url: nats.url, maxDeliver: 2, ackWaitSeconds: 2 },
        run: { out: mkdtempSync(join(tmpdir(), "sci-rt-")) },
      },
    });
    // The sender check admits only roles of the swarm: the test publishes as "source", a role that emits pings.
    const pinger = pingRole(effects, fail);
    const source: RoleDefinition = { ...pinger, name: "source", consumes: [], emits: ["ping.sent"], messageTypes: {} };
    const registry = new RoleRegistry().register(pinger).register(source);
    const services: Services = {
      sandbox: null,
      artifacts: new ArtifactStore(bus.objm, run, null),
      archive: new IdeaArchive(bus.kv.archive),
      journal: new EffectJournal(bus.kv.effects),
      template: tinyTemplate,
      literature: null,
      now: () => new Date(),
    };
    const host = await startAgentHost({
      bus,
      run,
      config,
      registry,
      roles: [{ name: "pinger", replicas: 3, policy: "rules", config: {} }],
      services,
      logger: silentLogger,
    });
    stop = host.stop;
  });

  afterAll(async () => {
    await stop?.();
    await bus?.close();
    await nats?.cleanup();
  });

  it("competing replicas handle each of 20 messages exactly once", async () => {
    for (let i = 0; i < 20; i++) await publishEnvelope(bus.js, ping(`p${i}`));
    const seen = await collectUntil(bus, run, (_e, all) => all.filter((x) => x.type === "pong.sent").length >= 20);
    const pongs = seen.filter((e) => e.type === "pong.sent");
    expect(new Set(pongs.map((e) => (e.payload as { n: string }).n)).size).toBe(20);
    expect(new Set(pongs.map((e) => e.from)).size).toBeGreaterThan(1);
    for (let i = 0; i < 20; i++) expect(effects.get(`p${i}`)).toBe(1);
  });

  it("a redelivered message does not repeat its effect or its output", async () => {
    const original = ping("again");
    await publishEnvelope(bus.js, original);
    await collectUntil(bus, run, (e) => e.type === "pong.sent" && (e.payload as { n: string }).n === "again");
    // The same envelope again under another Nats-Msg-Id: what a redelivery looks like to the handler.
    await bus.js.publish(subjectFor(run, "ping.sent"), JSON.stringify(original), { msgID: "redelivery-1" });
    await publishEnvelope(bus.js, ping("marker"));
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "pong.sent" && (e.payload as { n: string }).n === "marker",
    );
    expect(seen.filter((e) => e.type === "pong.sent" && (e.payload as { n: string }).n === "again")).toHaveLength(1);
    expect(effects.get("again")).toBe(1);
  });

  it("a malformed message is dead-lettered with the reason, and handling goes on", async () => {
    await bus.js.publish(subjectFor(run, "ping.sent"), "{not json", { msgID: "garbage-1" });
    await bus.js.publish(subjectFor(run, "ping.sent"), JSON.stringify({ ...ping("bad"), payload: { n: 42 } }), {
      msgID: "bad-payload-1",
    });
    const seen = await collectUntil(
      bus,
      run,
      (_e, all) => all.filter((x) => x.type === "message.deadlettered").length >= 2,
    );
    const reasons = seen
      .filter((e) => e.type === "message.deadlettered")
      .map((e) => (e.payload as { reason: string }).reason);
    expect(reasons.some((r) => r.startsWith("not JSON"))).toBe(true);
    expect(reasons.some((r) => r.includes("invalid ping.sent payload: n:"))).toBe(true);
  });

  it("a machine that emits an invalid payload does not wedge its actor: the step is dead-lettered once and the next message is handled", async () => {
    await publishEnvelope(bus.js, ping("emits-invalid", "wobbly"));
    const dead = await collectUntil(bus, run, (e) => e.type === "message.deadlettered" && e.correlation === "wobbly");
    const letter = dead.find((e) => e.type === "message.deadlettered" && e.correlation === "wobbly")!;
    expect((letter.payload as { reason: string }).reason).toMatch(
      /^\[RUNTIME_INVALID_OUTBOUND\] role pinger emitted invalid pong.sent payload: n:/,
    );
    // Terminated after one delivery: not retried up to maxDeliver, so the effect ran once.
    expect((letter.payload as { deliveries: number }).deliveries).toBe(1);
    expect(effects.get("emits-invalid")).toBe(1);
    await publishEnvelope(bus.js, ping("fine-after", "wobbly"));
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "pong.sent" && (e.payload as { n: string }).n === "fine-after",
    );
    expect(seen.filter((e) => e.type === "pong.sent" && e.correlation === "wobbly")).toHaveLength(1);
  });

  it("a message whose handling keeps failing is dead-lettered after maxDeliver attempts", async () => {
    await publishEnvelope(bus.js, ping("doomed"));
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "message.deadlettered" && e.correlation === "doomed",
      60_000,
    );
    const dead = seen.find((e) => e.type === "message.deadlettered" && e.correlation === "doomed")!;
    expect((dead.payload as { reason: string }).reason).toContain("ping doomed always fails");
    expect(effects.get("doomed")).toBe(2);
  });
});

describe("the effect journal", () => {
  it("runs work once per key and returns the stored result afterwards", async () => {
    const nats = await startTestNats();
    const bus = await connectBus(nats.url);
    try {
      const journal = new EffectJournal(bus.kv.effects);
      let runs = 0;
      const work = async () => ({ value: ++runs });
      expect(await journal.once("k.1", work)).toEqual({ result: { value: 1 }, reused: false });
      expect(await journal.once("k.1", work)).toEqual({ result: { value: 1 }, reused: true });
      expect(runs).toBe(1);
    } finally {
      await bus.close();
      await nats.cleanup();
    }
  });
});
