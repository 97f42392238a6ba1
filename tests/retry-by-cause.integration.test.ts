import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assign, fromPromise, setup } from "xstate";
import { z } from "zod";
import {
  ArtifactStore,
  BusError,
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
import { RoleError, emitMessage, injected, payloadOf, type PublishEvent } from "../agents/roles/index.ts";
import { collectUntil } from "./support/collect.ts";
import { tinyTemplate } from "./support/machine-harness.ts";
import { startTestNats } from "./support/nats.ts";

/** A toy role whose effect fails by cause: a fact of the input (not retryable) or a passing bus fault (retryable). */
function pingRole(effects: Map<string, number>): RoleDefinition {
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
          const n = (effects.get(input) ?? 0) + 1;
          effects.set(input, n);
          if (input.startsWith("fatal")) throw new RoleError("EXPERIMENTER_BAD_REQUEST", `${input} cannot succeed`);
          if (input.startsWith("bus-blip") && n === 1) {
            throw new BusError("BUS_ARTIFACT_FAILED", "artifact store: cannot write x: TIMEOUT", { retryable: true });
          }
          return input;
        }),
      }),
    },
  };
}

describe("retry by cause, on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: BusConnection;
  const effects = new Map<string, number>();
  const run = newRunId();
  let stop: () => Promise<void>;
  const ping = (n: string, payload: unknown = { n }): Envelope => ({
    id: deterministicId(null, "ping.sent", n, run),
    type: "ping.sent",
    run,
    from: "source/t",
    causation: null,
    correlation: n,
    at: new Date().toISOString(),
    v: 1,
    payload,
  });
  const deadLetterOf = async (correlation: string) => {
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "message.deadlettered" && e.correlation === correlation,
    );
    return seen.find((e) => e.type === "message.deadlettered" && e.correlation === correlation)!.payload as {
      reason: string;
      deliveries: number;
    };
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus(nats.url, { maxPayloadBytes: 8192 });
    await ensureRunStream(bus.jsm, run);
    const raw = {
      nats: { url: nats.url, maxDeliver: 4, ackWaitSeconds: 2, maxPayloadBytes: 8192 },
      run: { out: mkdtempSync(join(tmpdir(), "sci-rbc-")) },
    };
    const config = loadConfig({ env: {}, raw });
    // The sender check admits only roles of the swarm: the test publishes as "source", a role that emits pings.
    const pinger = pingRole(effects);
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
      roles: [{ name: "pinger", replicas: 2, policy: "rules", config: {} }],
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

  it("a non-retryable failure is terminated after one delivery, with its code in the dead letter", async () => {
    await publishEnvelope(bus.js, ping("fatal-1"));
    const letter = await deadLetterOf("fatal-1");
    expect(letter.deliveries).toBe(1);
    expect(letter.reason).toMatch(
      /^\[RUNTIME_MACHINE_FAILED\] not retryable: .*EXPERIMENTER_BAD_REQUEST.*fatal-1 cannot succeed/,
    );
    expect(effects.get("fatal-1")).toBe(1);
  });

  it("a transient bus fault is retried with backoff and succeeds: no dead letter, one output", async () => {
    await publishEnvelope(bus.js, ping("bus-blip-1"));
    const seen = await collectUntil(bus, run, (e) => e.type === "pong.sent" && e.correlation === "bus-blip-1");
    expect(effects.get("bus-blip-1")).toBe(2);
    expect(seen.filter((e) => e.type === "message.deadlettered" && e.correlation === "bus-blip-1")).toEqual([]);
  });

  it("an oversized envelope is refused at publish and dead-lettered on receipt when published around the check", async () => {
    const big = ping("big", { n: "x".repeat(10_000) });
    await expect(publishEnvelope(bus.js, big, { maxPayloadBytes: bus.maxPayloadBytes })).rejects.toMatchObject({
      code: "BUS_PAYLOAD_TOO_LARGE",
      retryable: false,
    });
    await expect(publishEnvelope(bus.js, big, { maxPayloadBytes: bus.maxPayloadBytes })).rejects.toThrow(
      /over the 8192-byte limit \(nats.maxPayloadBytes\)/,
    );
    const ack = await bus.js.publish(subjectFor(run, "ping.sent"), JSON.stringify(big), { msgID: "raw-big" });
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "message.deadlettered" && (e.payload as { streamSequence: number }).streamSequence === ack.seq,
    );
    const letter = seen.find(
      (e) => e.type === "message.deadlettered" && (e.payload as { streamSequence: number }).streamSequence === ack.seq,
    )!;
    expect((letter.payload as { reason: string }).reason).toMatch(
      /^\[BUS_PAYLOAD_TOO_LARGE\] message is \d+ bytes, over the 8192-byte limit/,
    );
    expect(effects.has("big")).toBe(false);
  });

  it("an envelope naming another run on this run's subject is dead-lettered, not handled", async () => {
    const other = newRunId();
    const stray = { ...ping("stray"), run: other };
    const ack = await bus.js.publish(subjectFor(run, "ping.sent"), JSON.stringify(stray), { msgID: "stray-1" });
    const seen = await collectUntil(
      bus,
      run,
      (e) => e.type === "message.deadlettered" && (e.payload as { streamSequence: number }).streamSequence === ack.seq,
    );
    const letter = seen.find(
      (e) => e.type === "message.deadlettered" && (e.payload as { streamSequence: number }).streamSequence === ack.seq,
    )!;
    expect((letter.payload as { reason: string }).reason).toBe(
      `[RUNTIME_UNKNOWN_RUN] envelope names run ${other} on run ${run}'s subject ${subjectFor(run, "ping.sent")}`,
    );
    expect(effects.has("stray")).toBe(false);
  });
});
