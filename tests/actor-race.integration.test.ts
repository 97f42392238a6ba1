// Role contracts on a real nats-server: a type outside `emits` is never published, and two hosts on two
// connections racing on one actor publish its output once.
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

const schema = z.object({ n: z.string() });

/** Answers race.ping with race.pong; on "undeclared" it emits race.ping, a known type it does not declare. */
function racer(runs: Map<string, number>): RoleDefinition {
  const machine = setup({
    types: {} as { context: { n: string | null }; events: MessageEvent; emitted: PublishEvent },
    actors: { work: injected<string, string>("work") },
  }).createMachine({
    id: "racer",
    initial: "idle",
    context: { n: null },
    states: {
      idle: {
        on: {
          "race.ping": { target: "working", actions: assign({ n: ({ event }) => payloadOf<{ n: string }>(event).n }) },
        },
      },
      working: {
        invoke: {
          src: "work",
          input: ({ context }) => context.n!,
          onDone: {
            target: "idle",
            actions: emitMessage(({ event }) => ({
              type: event.output === "undeclared" ? "race.ping" : "race.pong",
              payload: { n: event.output },
              seat: "out",
            })),
          },
        },
      },
    },
  });
  return {
    name: "racer",
    description: "test role",
    consumes: ["race.ping"],
    emits: ["race.pong"],
    configSchema: z.object({}),
    machine,
    messageTypes: { "race.ping": schema, "race.pong": schema },
    policies: {
      rules: () => ({
        work: fromPromise<string, string>(async ({ input }) => {
          runs.set(input, (runs.get(input) ?? 0) + 1);
          return input;
        }),
      }),
    },
  };
}

describe("role contracts between hosts on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const buses: BusConnection[] = [];
  const stops: Array<() => Promise<void>> = [];
  const runs = new Map<string, number>();
  const run = newRunId();
  const ping = (n: string): Envelope => ({
    id: deterministicId(null, "race.ping", n, run),
    type: "race.ping",
    run,
    from: "starter/t",
    causation: null,
    correlation: n,
    at: new Date().toISOString(),
    v: 1,
    payload: { n },
  });

  beforeAll(async () => {
    nats = await startTestNats();
    const config = loadConfig({
      env: {},
      raw: {
        nats: { url: nats.url, maxDeliver: 2, ackWaitSeconds: 2 },
        run: { out: mkdtempSync(join(tmpdir(), "sci-race-")) },
      },
    });
    // Two hosts, each on its own connection, each with two replicas of the role: they share the durable consumers.
    for (const host of ["a", "b"]) {
      const bus = await connectBus(nats.url, { name: `race-${host}` });
      buses.push(bus);
      await ensureRunStream(bus.jsm, run);
      const services: Services = {
        sandbox: null,
        artifacts: new ArtifactStore(bus.objm, run, null),
        archive: new IdeaArchive(bus.kv.archive),
        journal: new EffectJournal(bus.kv.effects),
        template: tinyTemplate,
        literature: null,
        now: () => new Date(),
      };
      const role = racer(runs);
      // The sender of the pings: senders are checked against the roles of the swarm and what each emits.
      const starter = { ...role, name: "starter", consumes: [], emits: ["race.ping"], messageTypes: {} };
      const registry = new RoleRegistry().register(role).register(starter);
      const started = await startAgentHost({
        bus,
        run,
        config,
        registry,
        roles: [{ name: "racer", replicas: 2, policy: "rules", config: {} }],
        services,
        logger: silentLogger,
      });
      stops.push(started.stop);
    }
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const bus of buses) await bus.close();
    await nats?.cleanup();
  });

  it("two hosts racing on one actor publish its output once", async () => {
    const [a, b] = buses as [BusConnection, BusConnection];
    const names = Array.from({ length: 8 }, (_, i) => `r${i}`);
    // Each message four times under distinct Nats-Msg-Ids, from both connections at once: copies of one message
    // land on replicas of both hosts together, each loading the same actor snapshot.
    await Promise.all(
      names.flatMap((n) =>
        [a, b, a, b].map((bus, copy) =>
          bus.js.publish(subjectFor(run, "race.ping"), JSON.stringify(ping(n)), { msgID: `${n}-copy-${copy}` }),
        ),
      ),
    );
    await publishEnvelope(a.js, ping("marker"));
    const seen = await collectUntil(a, run, (_e, all) => {
      const pongs = new Set(all.filter((x) => x.type === "race.pong").map((x) => (x.payload as { n: string }).n));
      return names.every((n) => pongs.has(n)) && pongs.has("marker");
    });
    for (const n of names) {
      expect(
        seen.filter((e) => e.type === "race.pong" && (e.payload as { n: string }).n === n),
        n,
      ).toHaveLength(1);
    }
    // Every copy was handled (runs counts machine steps that got as far as the work): none was lost either.
    for (const n of names) expect(runs.get(n), n).toBeGreaterThanOrEqual(1);
  });

  it("a type outside `emits` is refused at publish: dead-lettered, never on the stream", async () => {
    const [a] = buses as [BusConnection];
    await publishEnvelope(a.js, ping("undeclared"));
    const seen = await collectUntil(a, run, (e) => e.type === "message.deadlettered" && e.correlation === "undeclared");
    const letter = seen.find((e) => e.type === "message.deadlettered" && e.correlation === "undeclared")!;
    expect((letter.payload as { reason: string }).reason).toBe(
      "[RUNTIME_INVALID_OUTBOUND] role racer emitted race.ping, which is not in its emits (race.pong)",
    );
    expect(seen.filter((e) => e.type === "race.ping" && e.from.startsWith("racer/"))).toEqual([]);
  });
});
