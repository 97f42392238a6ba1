// `scientist resume <run>`: a run whose owner died (kill -9 of `scientist run`, power loss) goes on from what NATS
// kept: the stream (every message), the durable consumers (what each role has not acked yet), the actors' KV
// snapshots and the effect journal (experiments and model calls already done are answered, not redone).
import { join } from "node:path";
import type { Logger } from "pino";
import {
  ArtifactStore,
  busAccessFor,
  connectBus,
  readRun,
  redactUrl,
  runExists,
  type BusConnection,
  type Payload,
  type StoredEnvelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { Sandbox } from "../../sandbox/index.ts";
import type { ModelProvider } from "../llm/index.ts";
import { RuntimeError } from "./errors.ts";
import { hostedRolesFrom, startAgentHost } from "./host.ts";
import { ensureNats, liveLocalServer } from "./local-nats.ts";
import type { RegistryLike } from "./registry-like.ts";
import { roleBuses, runOwnerWatch } from "./run-end.ts";
import { startRoleWatch } from "./role-watch.ts";
import { messageLog, natsGuard, stopOnNatsDown } from "./run-owner.ts";
import { runState, startHeartbeat, type RunState } from "./run-state.ts";
import { createServices } from "./services.ts";
import { awaitCompletion, cliAgentId, finishRun, type SwarmRunResult } from "./swarm-run.ts";
import { bootTemplateForRun } from "./template-info.ts";
import { fetchTemplate } from "./template-share.ts";

/** Why a run cannot be resumed (still running, completed, unknown), as a coded error; null when it can. */
export function resumeRefusal(state: RunState | null, run: string): RuntimeError | null {
  if (state === null)
    return new RuntimeError(
      "RUNTIME_RUN_NOT_FOUND",
      `no run ${run} on this NATS server ('scientist runs' lists the runs there)`,
    );
  if (state.state === "completed")
    return new RuntimeError(
      "RUNTIME_RUN_COMPLETED",
      `run ${run} has completed; its report is written by the run (nothing to resume)`,
    );
  if (state.state === "running") {
    const o = state.owner!;
    return new RuntimeError(
      "RUNTIME_RUN_RUNNING",
      `run ${run} is still running: its owner ${o.owner} (pid ${o.pid} on ${o.host}) beat at ${o.heartbeatAt}; stop it first or wait`,
    );
  }
  return null;
}

async function stateOf(bus: BusConnection, run: string): Promise<RunState | null> {
  return (await runExists(bus.jsm, run)) ? runState(bus, run) : null;
}

/** Refuses early when the run's owner still runs the local server (a live `scientist run` on this store). */
async function refuseIfLiveOwner(config: SwarmConfig, run: string): Promise<void> {
  const url = liveLocalServer(config);
  if (!url) return;
  const bus = await connectBus(url, { name: "scientist-resume-probe", ...busAccessFor(config.nats, "cli") });
  try {
    const refusal = resumeRefusal(await stateOf(bus, run), run);
    if (refusal) throw refusal;
  } finally {
    await bus.close();
  }
}

export async function resumeSwarm(options: {
  config: SwarmConfig;
  registry: RegistryLike;
  logger: Logger;
  run: string;
  plugins?: Record<string, { replicas: number; config: Record<string, unknown> }>;
  /** Roles to host here (default all); others may be hosted by `scientist agent` elsewhere. */
  roles?: string[];
  sandbox?: Sandbox;
  onMessage?: (message: StoredEnvelope) => void;
  signal?: AbortSignal;
  baseProvider?: (model: string) => ModelProvider;
}): Promise<SwarmRunResult> {
  const { config, registry, logger, run } = options;
  const log = logger.child({ run, resumed: true });
  await refuseIfLiveOwner(config, run);
  const guard = natsGuard(log, options.signal);
  const nats = await ensureNats(config, {
    roles: registry.names().map((name) => registry.get(name)),
    supervise: guard.supervise,
  });
  const bus = await connectBus(nats.url, { name: "scientist-resume", ...busAccessFor(config.nats, "cli") });
  const perRole = roleBuses(config, nats.url, bus);
  let host: Awaited<ReturnType<typeof startAgentHost>> | null = null;
  let services: Awaited<ReturnType<typeof createServices>> | null = null;
  let heartbeat: { stop(): Promise<void> } | null = null;
  let roleWatch: ReturnType<typeof startRoleWatch> | null = null;
  try {
    const refusal = resumeRefusal(await stateOf(bus, run), run);
    if (refusal) throw refusal;
    // Beat before anything slow, so a second resume started meanwhile sees this one as the live owner.
    const started = (await readRun(bus.js, bus.jsm, run)).find((m) => m.envelope?.type === "run.started")?.envelope;
    if (!started)
      throw new RuntimeError(
        "RUNTIME_RUN_NOT_FOUND",
        `run ${run} has no run.started message: its owner died before starting it; start a new run`,
      );
    const p = started.payload as Payload<"run.started">;
    heartbeat = await startHeartbeat(bus, run, `${cliAgentId()}/resume`, p.template);
    if (!p.templateBundle)
      throw new RuntimeError(
        "RUNTIME_TEMPLATE_BUNDLE",
        `run ${run}'s run.started names no template bundle (an older run); it cannot be resumed`,
      );
    // The run's own template, policies and settings (from run.started), never this config's: the run goes on as it
    // began.
    const dir = await fetchTemplate(
      new ArtifactStore(bus.objm, run, null),
      p.templateBundle,
      join(config.run.outDir, run, ".template"),
    );
    const runConfig: SwarmConfig = {
      ...config,
      run: { ...config.run, policy: p.policy, ideas: p.ideas, maxInFlightIdeas: p.maxInFlightIdeas },
    };
    const template = await bootTemplateForRun({
      config: runConfig,
      run,
      logger: log,
      dir,
      settings: p.settings ?? {},
      requireSpace: false,
      sandbox: options.sandbox,
      signal: options.signal,
    });
    const roles = hostedRolesFrom(runConfig, registry, options.roles, options.plugins).map((r) => ({
      ...r,
      policy: p.rolePolicies?.[r.name] ?? p.policy,
    }));
    services = await createServices({
      bus,
      run,
      config: runConfig,
      template,
      logger: log,
      needSandbox: roles.some((r) => r.name === "experimenter"),
      sandbox: options.sandbox,
      needLlm: roles.some((r) => r.policy === "llm"),
      resumed: true,
      ...(options.baseProvider && { baseProvider: options.baseProvider }),
    });
    host = await startAgentHost({
      bus,
      run,
      config: runConfig,
      registry,
      roles,
      services,
      logger: log,
      ...(perRole && { busFor: perRole.busFor }),
    });
    log.info({ template: p.template, nats: redactUrl(nats.url), roles: host.agents }, "run resumed");
    const watch = runOwnerWatch({ bus, run, registry, from: cliAgentId(), logger: log });
    const seen = messageLog(options.onMessage);
    roleWatch = startRoleWatch({ bus, run, registry, deadAfterMs: config.run.deadRoleMs, logger: log });
    const completed = await awaitCompletion(bus, run, config.run.deadlineMs, seen.onMessage, guard.signal, watch.isEnd);
    await roleWatch.stop();
    const down = guard.error();
    if (down)
      return await stopOnNatsDown({
        config: runConfig,
        run,
        templateName: p.template,
        startedAt: started.at,
        seen: seen.seen,
        error: down,
        registry,
        logger: log,
        warnings: [...guard.warnings(), ...roleWatch.warnings()],
      });
    await watch.settled();
    if (!completed)
      log.warn(
        options.signal?.aborted
          ? "stopped by the user; writing the report of what happened"
          : "deadline reached before run.completed; writing the report of what happened",
      );
    await host.stop();
    host = null;
    return await finishRun({
      bus,
      run,
      config: runConfig,
      templateName: p.template,
      startedAt: started.at,
      logger: log,
      replay: services.llm?.replayStatus() ?? null,
      registry,
      warnings: [...guard.warnings(), ...roleWatch.warnings()],
    });
  } finally {
    await roleWatch?.stop();
    await heartbeat?.stop();
    await host?.stop();
    await services?.close();
    await perRole?.close();
    await bus.close();
    await nats.server?.stop();
  }
}
