import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import {
  ArtifactStore,
  busAccessFor,
  connectBus,
  redactUrl,
  deterministicId,
  ensureRunStream,
  followRun,
  newRunId,
  publishEnvelope,
  readRun,
  type BusConnection,
  type Envelope,
  type StoredEnvelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { Sandbox } from "../../sandbox/index.ts";
import { startAgentHost, hostedRolesFrom } from "./host.ts";
import { ensureNats } from "./local-nats.ts";
import { roleBuses, runOwnerWatch } from "./run-end.ts";
import { senderProblem } from "./sender-check.ts";
import { messageLog, natsGuard, stopOnNatsDown } from "./run-owner.ts";
import { startHeartbeat } from "./run-state.ts";
import { startRoleWatch } from "./role-watch.ts";
import type { RegistryLike } from "./registry-like.ts";
import type { ModelProvider } from "../llm/index.ts";
import type { ReplayStatus } from "./llm-services.ts";
import { readLedger, WarningStore } from "./llm-stores.ts";
import { buildReport, costsOf, type RunReport } from "./report.ts";
import { renderReportHtml } from "./report-html.ts";
import { createServices, servicesNeeded } from "./services.ts";
import { bootTemplateForRun, templateBootLines, writeInferredSpace } from "./template-info.ts";
import { shareTemplate } from "./template-share.ts";
import type { SteeringState } from "./steering-state.ts";
import { replayInterventions } from "./steering-replay.ts";

export interface SwarmRunResult {
  run: string;
  report: RunReport;
  reportPath: string;
  runDir: string;
}

export const cliAgentId = () => `cli/${hostname().replace(/[^a-zA-Z0-9_.-]/g, "_")}`;

/**
 * Waits for the run's `run.completed` (or the deadline, or the caller's stop), calling `onMessage` for every
 * message as it arrives.
 */
export async function awaitCompletion(
  bus: BusConnection,
  run: string,
  deadlineMs: number,
  onMessage: (m: StoredEnvelope) => void,
  stop?: AbortSignal,
  isEnd: (m: StoredEnvelope) => boolean = (m) => m.envelope?.type === "run.completed",
): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const onStop = () => controller.abort();
  stop?.addEventListener("abort", onStop, { once: true });
  try {
    for await (const message of followRun(bus.js, run, controller.signal)) {
      onMessage(message);
      if (isEnd(message)) return true;
    }
    return false;
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener("abort", onStop);
  }
}

/**
 * `scientist run`: starts (or connects to) NATS, hosts every configured role in this process, starts the run and
 * waits until the ideator declares it completed (or the deadline passes), then writes report.json.
 */
export async function runSwarm(options: {
  config: SwarmConfig;
  registry: RegistryLike;
  logger: Logger;
  run?: string;
  sandbox?: Sandbox;
  onMessage?: (message: StoredEnvelope) => void;
  /** Stops the run early (Ctrl-C): agents stop, the report of what happened so far is still written. */
  signal?: AbortSignal;
  /** Roles to host here; default all registered roles. Others may run in other processes. */
  roles?: string[];
  plugins?: Record<string, { replicas: number; config: Record<string, unknown> }>;
  /** Test seam for llm runs: the provider behind the budget and the recorder, per model. */
  baseProvider?: (model: string) => ModelProvider;
  /** The run's first lines about its template (image and why, space, fixed settings), before any message. */
  onBoot?: (lines: string[]) => void;
  /** The operator's steering as the hosted roles see it (tests await pauses and held deliveries on it). */
  steering?: SteeringState;
}): Promise<SwarmRunResult> {
  const { config, registry, logger } = options;
  const run = options.run ?? newRunId();
  // Seed-format templates are probed in the sandbox at boot (image, imports, knobs): a bad one fails here, not as "0
  // ideas".
  const template = await bootTemplateForRun({ config, run, logger, sandbox: options.sandbox, signal: options.signal });
  const spacePath = await writeInferredSpace(join(config.run.outDir, run), template);
  options.onBoot?.(templateBootLines(template, spacePath));
  // The server this run starts is supervised: restarted on its port and store if it dies; the run stops if it cannot.
  const guard = natsGuard(logger.child({ run }), options.signal);
  const nats = await ensureNats(config, {
    roles: registry.names().map((name) => registry.get(name)),
    supervise: guard.supervise,
  });
  const bus = await connectBus(nats.url, { name: "scientist-run", ...busAccessFor(config.nats, "cli") });
  const perRole = roleBuses(config, nats.url, bus);
  const startedAt = new Date().toISOString();
  const log = logger.child({ run });
  let host: Awaited<ReturnType<typeof startAgentHost>> | null = null;
  let services: Awaited<ReturnType<typeof createServices>> | null = null;
  let heartbeat: { stop(): Promise<void> } | null = null;
  const stopReplay = new AbortController();
  let roleWatch: ReturnType<typeof startRoleWatch> | null = null;
  try {
    await ensureRunStream(bus.jsm, run, { replicas: bus.replicas });
    heartbeat = await startHeartbeat(bus, run, cliAgentId(), template.name);
    const roles = hostedRolesFrom(config, registry, options.roles, options.plugins);
    services = await createServices({
      bus,
      run,
      config,
      template,
      logger: log,
      ...servicesNeeded(roles, registry),
      sandbox: options.sandbox,
      ...(options.baseProvider && { baseProvider: options.baseProvider }),
    });
    host = await startAgentHost({
      bus,
      run,
      config,
      registry,
      roles,
      services,
      logger: log,
      ...(perRole && { busFor: perRole.busFor }),
      ...(options.steering && { steering: options.steering }),
    });
    // Hosts joining the run (scientist agent) take the template and the policies from here, not from their own disk.
    const templateBundle = await shareTemplate(new ArtifactStore(bus.objm, run, config.run.outDir), template.dir);
    const rolePolicies = Object.fromEntries(
      hostedRolesFrom(config, registry, undefined, options.plugins).map((r) => [r.name, r.policy]),
    );
    const started: Envelope = {
      id: deterministicId(null, "run.started", 0, run),
      type: "run.started",
      run,
      from: cliAgentId(),
      causation: null,
      correlation: run,
      at: startedAt,
      v: 1,
      payload: {
        template: template.name,
        policy: config.run.policy,
        ideas: config.run.ideas,
        maxInFlightIdeas: config.run.maxInFlightIdeas,
        settings: template.fixedSettings,
        rolePolicies,
        templateBundle,
      },
    };
    log.info(
      { template: template.name, ideas: config.run.ideas, nats: redactUrl(nats.url), auth: config.nats.auth.enabled },
      "run started",
    );
    // A forged run.completed does not end the run; it and other forgeries only the owner sees are dead-lettered.
    const watch = runOwnerWatch({ bus, run, registry, from: cliAgentId(), logger: log });
    const seen = messageLog(options.onMessage);
    const completion = awaitCompletion(bus, run, config.run.deadlineMs, seen.onMessage, guard.signal, watch.isEnd);
    // A replay re-applies the recorded run's interventions (scientist steer) at the same causal points.
    const replaying = config.llm.replay
      ? replayInterventions({ bus, recorded: config.llm.replay, run, signal: stopReplay.signal, logger: log })
      : null;
    await publishEnvelope(bus.js, started);
    roleWatch = startRoleWatch({ bus, run, registry, deadAfterMs: config.run.deadRoleMs, logger: log });
    const completed = await completion;
    await roleWatch.stop();
    stopReplay.abort();
    await replaying?.catch((error: unknown) =>
      log.error({ err: error }, "re-applying the recorded interventions failed"),
    );
    const down = guard.error();
    if (down)
      return await stopOnNatsDown({
        config,
        run,
        templateName: template.name,
        startedAt,
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
      config,
      templateName: template.name,
      startedAt,
      logger: log,
      replay: services.llm?.replayStatus() ?? null,
      registry,
      warnings: [...guard.warnings(), ...roleWatch.warnings()],
    });
  } finally {
    await roleWatch?.stop();
    stopReplay.abort();
    await heartbeat?.stop();
    await host?.stop();
    await services?.close();
    await perRole?.close();
    await bus.close();
    await nats.server?.stop();
  }
}

/** Mirrors every artifact locally and writes `<out>/<run>/report.json` and `index.html` from the stream. */
export async function finishRun(options: {
  bus: BusConnection;
  run: string;
  config: SwarmConfig;
  templateName: string;
  startedAt: string;
  logger: Logger;
  replay?: ReplayStatus | null;
  registry?: RegistryLike;
  warnings?: NonNullable<RunReport["warnings"]>;
}): Promise<SwarmRunResult> {
  const { bus, run, config } = options;
  const artifacts = new ArtifactStore(bus.objm, run, config.run.outDir);
  const synced = await artifacts.syncLocal();
  const stored = await readRun(bus.js, bus.jsm, run);
  const registry = options.registry;
  const report = buildReport(
    stored,
    {
      run,
      template: options.templateName,
      policy: config.run.policy,
      startedAt: options.startedAt,
      endedAt: new Date().toISOString(),
    },
    registry && ((e) => senderProblem(e, registry)),
  );
  const ledger = await readLedger(bus.kv.ledger, run);
  if (ledger) report.costs = costsOf(ledger);
  const warnings = await new WarningStore(bus.kv.ledger, run).read();
  if (warnings.length > 0) report.modelWarnings = warnings;
  if (options.replay) report.replay = options.replay;
  if (options.warnings && options.warnings.length > 0) report.warnings = options.warnings;
  const runDir = join(config.run.outDir, run);
  await mkdir(runDir, { recursive: true });
  const reportPath = join(runDir, "report.json");
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(runDir, "index.html"), renderReportHtml(report, stored));
  options.logger.info(
    { messages: report.messages, artifacts: synced, papers: report.papers.length, reportPath },
    "run finished",
  );
  return { run, report, reportPath, runDir };
}
