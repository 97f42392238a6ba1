/**
 * The smallest real role the runtime can host: one machine, one injected effect that echoes, one message in and one
 * out. The hop and actor-scale benches measure the runtime around it (envelope, validation, trace headers, KV
 * snapshot, outbox CAS, publish, ack), not a role's own work.
 */

import { join } from "node:path";
import { assign, fromPromise, setup } from "xstate";
import { z } from "zod";
import {
  ArtifactStore,
  EffectJournal,
  IdeaArchive,
  deterministicId,
  type BusConnection,
  type Envelope,
} from "../bus/index.ts";
import { loadConfig, repoRoot, type SwarmConfig } from "../config/index.ts";
import {
  RoleRegistry,
  loadTemplateInfo,
  silentLogger,
  startAgentHost,
  type AgentHost,
  type MessageEvent,
  type RoleDefinition,
  type Services,
} from "../agents/runtime/index.ts";
import { emitMessage, injected, payloadOf, type PublishEvent } from "../agents/roles/index.ts";

const pingPayload = z.object({ n: z.string(), body: z.string() });

const machine = setup({
  types: {} as {
    context: { n: string | null; body: string; seen: number };
    events: MessageEvent;
    emitted: PublishEvent;
  },
  actors: { echo: injected<string, string>("echo") },
}).createMachine({
  id: "bench-pinger",
  initial: "idle",
  context: { n: null, body: "", seen: 0 },
  states: {
    idle: {
      on: {
        "ping.sent": {
          target: "echoing",
          actions: assign(({ event, context }) => {
            const p = payloadOf<{ n: string; body: string }>(event);
            return { n: p.n, body: p.body, seen: context.seen + 1 };
          }),
        },
      },
    },
    echoing: {
      invoke: {
        src: "echo",
        input: ({ context }) => context.n!,
        onDone: {
          target: "idle",
          actions: emitMessage(({ event }) => ({ type: "pong.sent", payload: { n: event.output, body: "" } })),
        },
      },
    },
  },
});

export const pingRole: RoleDefinition = {
  name: "bench-pinger",
  description: "bench: echoes ping.sent as pong.sent through the full actor step",
  consumes: ["ping.sent"],
  emits: ["pong.sent"],
  configSchema: z.object({}).strict(),
  machine,
  messageTypes: { "ping.sent": pingPayload, "pong.sent": pingPayload },
  policies: { rules: () => ({ echo: fromPromise<string, string>(async ({ input }) => input) }) },
};

/**
 * What sends the pings: registered (never hosted) so the sender check lets its ping.sent through, as a real swarm's
 * roles are known to it; an unknown sender's message is dead-lettered and the bench would wait for a pong forever.
 */
export const pingDriverRole: RoleDefinition = {
  name: "bench-driver",
  description: "bench: the driver that publishes ping.sent (registered, not hosted)",
  consumes: [],
  emits: ["ping.sent"],
  configSchema: z.object({}).strict(),
  machine,
  policies: { rules: () => ({}) },
};

export function ping(run: string, n: string, correlation: string, body = ""): Envelope {
  return {
    id: deterministicId(null, "ping.sent", n, run),
    type: "ping.sent",
    run,
    from: "bench-driver/driver",
    causation: null,
    correlation,
    at: new Date().toISOString(),
    v: 1,
    payload: { n, body },
  };
}

/** Hosts the ping role with `replicas` replicas on `bus` for `run`, with the runtime's real services. */
export async function hostPingRole(
  bus: BusConnection,
  url: string,
  run: string,
  replicas = 1,
): Promise<{ host: AgentHost; config: SwarmConfig }> {
  const config = loadConfig({ env: {}, raw: { nats: { url } } });
  const registry = new RoleRegistry().register(pingRole).register(pingDriverRole);
  const services: Services = {
    sandbox: null,
    artifacts: new ArtifactStore(bus.objm, run, null),
    archive: new IdeaArchive(bus.kv.archive),
    journal: new EffectJournal(bus.kv.effects),
    template: await loadTemplateInfo(join(repoRoot, "templates", "mlp-dynamics")),
    literature: null,
    now: () => new Date(),
  };
  const host = await startAgentHost({
    bus,
    run,
    config,
    registry,
    roles: [{ name: pingRole.name, replicas, policy: "rules", config: {} }],
    services,
    logger: silentLogger,
    instancePrefix: "bench",
  });
  return { host, config };
}
