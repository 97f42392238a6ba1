import type { Logger } from "pino";
import { join } from "node:path";
import {
  ArtifactStore,
  busAccessFor,
  connectBus,
  followRun,
  streamName,
  type BusConnection,
  type Envelope,
  type Payload,
  type StoredEnvelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { assertDockerSeesMounts } from "./docker-mount-check.ts";
import { RuntimeError } from "./errors.ts";
import { hostedRolesFrom, startAgentHost } from "./host.ts";
import type { RegistryLike } from "./registry-like.ts";
import { endsRun, roleBuses } from "./run-end.ts";
import { createServices, servicesNeeded } from "./services.ts";
import { bootTemplateForRun } from "./template-info.ts";
import { fetchTemplate, type TemplateBundleRef } from "./template-share.ts";

/**
 * The run's run.started: the owner creates the stream, boots its roles and then publishes it, so a host that joins
 * right after the run printed its id waits for it (bounded) instead of failing.
 */
async function awaitRunStarted(
  bus: BusConnection,
  run: string,
  signal: AbortSignal,
  waitMs: number,
): Promise<StoredEnvelope & { envelope: Envelope }> {
  try {
    await bus.jsm.streams.info(streamName(run));
  } catch (error) {
    throw new RuntimeError(
      "RUNTIME_RUN_NOT_FOUND",
      `no run ${run} on this NATS server (start it with 'scientist run', or check --nats)`,
      { cause: error },
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  const stop = () => controller.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const m of followRun(bus.js, run, controller.signal)) {
      if (m.envelope?.type === "run.started") return m as StoredEnvelope & { envelope: Envelope };
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
  }
  throw new RuntimeError(
    "RUNTIME_RUN_NOT_FOUND",
    `run ${run} has no run.started after ${Math.round(waitMs / 1000)} s; was it started with 'scientist run'?`,
  );
}

/** Each hosted role with the policy the run gives it (run.started's rolePolicies, else the run's policy). */
export function withRunPolicies<R extends { name: string; policy: "rules" | "llm" }>(
  roles: R[],
  started: Pick<Payload<"run.started">, "policy" | "rolePolicies">,
): R[] {
  return roles.map((role) => ({ ...role, policy: started.rolePolicies?.[role.name] ?? started.policy }));
}

/**
 * `scientist agent`: hosts some roles for a run that another process started (any host that reaches NATS), until
 * the run completes or `signal` aborts. The run's template (a digest-checked bundle in its object store) and its
 * policies are taken from its `run.started` message, not from this host's disk or config.
 */
export async function hostRolesForRun(options: {
  config: SwarmConfig;
  registry: RegistryLike;
  plugins?: Record<string, { replicas: number; config: Record<string, unknown> }>;
  run: string;
  roles: string[];
  natsUrl: string;
  logger: Logger;
  signal: AbortSignal;
  /** The policy the caller expects (--policy): a run of another policy is refused rather than joined differently. */
  policy?: "rules" | "llm";
  onTemplate?: (dir: string, ref: TemplateBundleRef) => void;
  onReady?: (agents: string[]) => void;
  /** How long to wait for the run's run.started when the run exists but has not published it yet. */
  startWaitMs?: number;
}): Promise<void> {
  const { config, run, logger } = options;
  // With auth on, the process's own work (template, artifacts, journal) runs as the `agent` identity, and each
  // hosted role pulls and publishes with its own role's credentials: the same permissions as in a one-process run.
  const bus = await connectBus(options.natsUrl, {
    name: `scientist-agent-${options.roles.join("+")}`,
    ...busAccessFor(config.nats, "agent"),
  });
  const perRole = roleBuses(config, options.natsUrl, bus);
  try {
    const started = await awaitRunStarted(bus, run, options.signal, options.startWaitMs ?? 60_000);
    const startedPayload = started.envelope.payload as Payload<"run.started">;
    if (options.policy && options.policy !== startedPayload.policy) {
      throw new RuntimeError(
        "RUNTIME_POLICY_MISMATCH",
        `run ${run} runs the ${startedPayload.policy} policy; --policy ${options.policy} cannot join it (leave --policy out)`,
      );
    }
    const ref = startedPayload.templateBundle;
    if (!ref) {
      throw new RuntimeError(
        "RUNTIME_TEMPLATE_BUNDLE",
        `run ${run}'s run.started names no template bundle (started by an older 'scientist run'?); start the run again`,
      );
    }
    // The run's own template, checked against run.started's digest, in this host's own folder: never its disk's copy.
    const dir = await fetchTemplate(
      new ArtifactStore(bus.objm, run, null),
      ref,
      join(config.run.outDir, run, ".template"),
    );
    options.onTemplate?.(dir, ref);
    logger.info(
      { run, template: startedPayload.template, dir, digest: ref.digest, files: ref.files },
      "template from the run's bundle",
    );
    // The run's policies, not this host's config: every host runs a role the same way.
    const runConfig: SwarmConfig = { ...config, run: { ...config.run, policy: startedPayload.policy } };
    // The run's own fixed settings (from its run.started), so every host applies the same ones.
    const template = await bootTemplateForRun({
      config: runConfig,
      run,
      logger,
      dir,
      settings: startedPayload.settings ?? {},
      requireSpace: false,
      signal: options.signal,
    });
    const roles = withRunPolicies(
      hostedRolesFrom(runConfig, options.registry, options.roles, options.plugins),
      startedPayload,
    );
    // An agent started with `ip netns exec` would hand Docker empty work dirs: refuse at boot, naming the fix.
    if (roles.some((r) => r.name === "experimenter") && config.sandbox.backend !== "bwrap")
      await assertDockerSeesMounts();
    const services = await createServices({
      bus,
      run,
      config: runConfig,
      template,
      logger,
      ...servicesNeeded(roles, options.registry),
    });
    const host = await startAgentHost({
      bus,
      run,
      config: runConfig,
      registry: options.registry,
      roles,
      services,
      logger: logger.child({ run }),
      ...(perRole && { busFor: perRole.busFor }),
    });
    options.onReady?.(host.agents);
    const stop = new AbortController();
    const abort = () => stop.abort();
    options.signal.addEventListener("abort", abort, { once: true });
    try {
      for await (const message of followRun(bus.js, run, stop.signal)) {
        // A forged run.completed (a sender that may not send it) does not stop these roles; the run owner dead-letters
        // it.
        if (
          endsRun(message, options.registry, (reason) =>
            logger.warn({ seq: message.seq, reason }, "forged run.completed ignored"),
          )
        )
          break;
      }
    } finally {
      options.signal.removeEventListener("abort", abort);
      await host.stop();
      await services.close();
    }
  } finally {
    await perRole?.close();
    await bus.close();
  }
}
