import type { Logger } from "pino";
import { connectBus, followRun, readRun, type Payload } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { RuntimeError } from "./errors.ts";
import { hostedRolesFrom, startAgentHost } from "./host.ts";
import type { RegistryLike } from "./registry-like.ts";
import { createServices } from "./services.ts";
import { bootTemplateForRun } from "./template-info.ts";

/**
 * `scientist agent`: hosts some roles for a run that another process started (any host that reaches NATS), until
 * the run completes or `signal` aborts. The run's template is read from its `run.started` message.
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
  onReady?: (agents: string[]) => void;
}): Promise<void> {
  const { config, run, logger } = options;
  const bus = await connectBus(options.natsUrl, { name: `scientist-agent-${options.roles.join("+")}` });
  try {
    const started = (await readRun(bus.js, bus.jsm, run)).find((m) => m.envelope?.type === "run.started");
    if (!started?.envelope) throw new RuntimeError("RUNTIME_UNKNOWN_ROLE", `run ${run} has no run.started message yet; start it with 'scientist run' first`);
    const startedPayload = started.envelope.payload as Payload<"run.started">;
    const templateName = startedPayload.template;
    const dir = config.run.template.endsWith(templateName) ? config.run.template : `${config.repoRoot}/templates/${templateName}`;
    // The run's own fixed settings (from its run.started), so every host applies the same ones.
    const template = await bootTemplateForRun({ config, run, logger, dir, settings: startedPayload.settings ?? {}, requireSpace: false, signal: options.signal });
    const roles = hostedRolesFrom(config, options.registry, options.roles, options.plugins);
    const services = await createServices({ bus, run, config, template, logger, needSandbox: roles.some((r) => r.name === "experimenter"), needLlm: roles.some((r) => r.policy === "llm") });
    const host = await startAgentHost({ bus, run, config, registry: options.registry, roles, services, logger: logger.child({ run }) });
    options.onReady?.(host.agents);
    const stop = new AbortController();
    const abort = () => stop.abort();
    options.signal.addEventListener("abort", abort, { once: true });
    try {
      for await (const message of followRun(bus.js, run, stop.signal)) {
        if (message.envelope?.type === "run.completed") break;
      }
    } finally {
      options.signal.removeEventListener("abort", abort);
      await host.stop();
      await services.close();
    }
  } finally {
    await bus.close();
  }
}
