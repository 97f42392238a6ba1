import type { Logger } from "pino";
import type { AnyStateMachine } from "xstate";
import type { KV } from "@nats-io/kv";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { ensureRoleConsumer, pullLoop, SnapshotStore, type BusConnection } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { RuntimeError } from "./errors.ts";
import { handleDelivery } from "./handler.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { RegistryLike } from "./registry-like.ts";
import type { RoleContext, RoleDefinition, Services } from "./role.ts";
import { formatIssues } from "../../bus/index.ts";
import { SteeringState } from "./steering-state.ts";
import { watchSteering } from "./steering-watch.ts";
import { beatPresence } from "./role-presence.ts";

export interface HostedRole {
  name: string;
  replicas: number;
  policy: "rules" | "llm";
  config: Record<string, unknown>;
}

export interface AgentHost {
  agents: string[];
  /** The operator's steering as this host sees it (control.* from the stream). */
  steering: SteeringState;
  stop(): Promise<void>;
}

/** Validates a role's config with its schema; errors name the key as `roles.<role>.config.<key>`. */
export function parseRoleConfig(role: RoleDefinition, raw: Record<string, unknown>): unknown {
  const parsed = role.configSchema.safeParse(raw);
  if (!parsed.success) {
    const text = formatIssues(
      parsed.error.issues.map((i) => ({ ...i, path: ["roles", role.name, "config", ...i.path] })),
    );
    throw new RuntimeError("RUNTIME_BAD_ROLE_CONFIG", `invalid config for role ${role.name}: ${text}`);
  }
  return parsed.data;
}

/**
 * The machine's injected placeholders (see roles/shared `injected`) that neither the role's effects nor the chosen
 * policy provide: hosting such a role would fail its first message deep inside a run, so boot refuses it.
 */
export function uncoveredActors(machine: AnyStateMachine, provided: Record<string, unknown>): string[] {
  const actors = (machine.implementations?.actors ?? {}) as Record<string, unknown>;
  return Object.entries(actors)
    .filter(
      ([name, logic]) =>
        typeof (logic as { injectedPlaceholder?: unknown }).injectedPlaceholder === "string" && !(name in provided),
    )
    .map(([name]) => name);
}

/** Resolves which roles this process hosts, from config, validating every name against the registry. */
export function hostedRolesFrom(
  config: SwarmConfig,
  registry: RegistryLike,
  only?: string[],
  plugins: Record<string, { replicas: number; config: Record<string, unknown> }> = {},
): HostedRole[] {
  for (const name of Object.keys(config.roles)) registry.get(name); // unknown names fail at boot
  const names = only ?? registry.names();
  return names
    .map((name) => {
      registry.get(name);
      const entry =
        config.roles[name] ?? (plugins[name] ? { enabled: true, policy: undefined, ...plugins[name] } : undefined);
      return {
        name,
        replicas: entry?.enabled === false ? 0 : (entry?.replicas ?? 1),
        policy: entry?.policy ?? config.run.policy,
        config: entry?.config ?? {},
      };
    })
    .filter((r) => r.replicas > 0);
}

/**
 * Hosts any set of roles with any number of replicas in this process. Each replica pulls from its role's durable
 * consumers (one per consumed type) and handles one message at a time.
 */
export async function startAgentHost(options: {
  bus: BusConnection;
  run: string;
  config: SwarmConfig;
  registry: RegistryLike;
  roles: HostedRole[];
  services: Services;
  logger: Logger;
  instancePrefix?: string;
  /**
   * A connection per role, made with that role's credentials, so its NATS permissions hold even when one process
   * hosts every role (the caller owns and closes them). Default: every role uses `bus`.
   */
  busFor?: (role: string) => Promise<BusConnection>;
  /** Steering state to feed (tests await it); default a fresh one. */
  steering?: SteeringState;
}): Promise<AgentHost> {
  const { bus, run, config, registry, logger } = options;
  const controller = new AbortController();
  const snapshots = new SnapshotStore(bus.kv.snapshots);
  const mutex = new KeyedMutex();
  const loops: Promise<void>[] = [];
  const agents: string[] = [];
  const presence: Array<{ kv: KV; agents: string[] }> = [];
  const watch = await watchSteering({
    bus,
    run,
    logger,
    signal: controller.signal,
    state: options.steering ?? new SteeringState(),
  });
  const steering = watch.state;
  steering.onBudget((key, value) => {
    if (key === "usd") options.services.llm?.setMaxUsd?.(value);
  });
  loops.push(watch.done);
  const prefix = options.instancePrefix ?? `${hostname().replace(/[^a-zA-Z0-9_.-]/g, "_")}-${randomUUID().slice(0, 4)}`;

  for (const hosted of options.roles) {
    const role = registry.get(hosted.name);
    const roleConfig = parseRoleConfig(role, hosted.config);
    const policyFactory = role.policies[hosted.policy];
    if (!policyFactory) {
      throw new RuntimeError(
        "RUNTIME_UNKNOWN_POLICY",
        `role ${role.name} has no ${hosted.policy} policy (it has: ${Object.keys(role.policies).join(", ")})`,
      );
    }
    const roleBus = options.busFor ? await options.busFor(role.name) : bus;
    const roleSnapshots = roleBus === bus ? snapshots : new SnapshotStore(roleBus.kv.snapshots);
    const consumers = await Promise.all(
      role.consumes.map((type) =>
        ensureRoleConsumer(roleBus.jsm, run, role.name, type, {
          maxDeliver: config.nats.maxDeliver,
          ackWaitMs: config.nats.ackWaitMs,
        }),
      ),
    );
    const roleAgents: string[] = [];
    for (let i = 0; i < hosted.replicas; i++) {
      const agentId = `${role.name}/${prefix}-${i}`;
      roleAgents.push(agentId);
      const agentLogger = logger.child({ agent: agentId, run });
      const context: RoleContext = {
        run,
        agentId,
        role: role.name,
        config: roleConfig,
        swarm: config,
        services: { ...options.services, steering },
        logger: agentLogger,
      };
      const provided = { ...(role.effects?.(context) ?? {}), ...policyFactory(context) };
      const missing = uncoveredActors(role.machine, provided);
      if (missing.length > 0) {
        throw new RuntimeError(
          "RUNTIME_UNCOVERED_ACTOR",
          `role ${role.name} (${hosted.policy} policy) does not provide the actor(s) its machine invokes: ${missing.join(", ")}`,
        );
      }
      const machine = role.machine.provide({ actors: provided } as never);
      const replicaMutex = new KeyedMutex(); // one message at a time per replica
      agents.push(agentId);
      for (const consumer of consumers) {
        loops.push(
          pullLoop(
            roleBus.js,
            run,
            consumer,
            ({ msg }) =>
              replicaMutex.run("replica", () =>
                handleDelivery(
                  {
                    bus: roleBus,
                    snapshots: roleSnapshots,
                    registry,
                    role,
                    machine,
                    context,
                    consumer,
                    maxDeliver: config.nats.maxDeliver,
                    ackWaitMs: config.nats.ackWaitMs,
                    logger: agentLogger,
                    mutex,
                    signal: controller.signal,
                    steering,
                  },
                  msg,
                ),
              ),
            controller.signal,
            (error) => agentLogger.error({ err: error }, "pull loop error"),
          ),
        );
      }
    }
    // Written with the role's own connection: its permissions cover its prefix in the snapshots bucket only.
    presence.push({ kv: roleBus.kv.snapshots, agents: roleAgents });
  }
  loops.push(beatPresence(presence, run, controller.signal));
  logger.info({ run, agents }, "agents started");
  return {
    agents,
    steering,
    stop: async () => {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
