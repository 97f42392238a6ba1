import type { Command } from "commander";
import { createLogger, hostRolesForRun } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("host some roles for a run started elsewhere (any host that reaches its NATS server)")
    .requiredOption("--run <id>", "the run to join")
    .requiredOption("--roles <names>", "comma-separated role names, e.g. experimenter,reviewer")
    .option("-c, --config <file>", "swarm config YAML (default: config/default.yaml)")
    .option("--nats <url>", "NATS server URL (default: nats.url from config)")
    .option("--policy <name>", "rules | llm (use the run's policy)")
    .option("--model <name>", "llm policy: the model for every role")
    .option("--replay <run-id>", "the run is a replay of this one: answer model and literature calls from its recording")
    .action(async (opts: { run: string; roles: string; config?: string; nats?: string; policy?: "rules" | "llm"; model?: string; replay?: string }) => {
      try {
        const { config, registry, plugins } = await boot({
          config: opts.config,
          overrides: { natsUrl: opts.nats, policy: opts.replay ? "llm" : opts.policy, model: opts.model, replay: opts.replay },
        });
        if (!config.nats.url) fail(new Error("scientist agent needs a NATS server: pass --nats <url> or set nats.url"));
        const roles = opts.roles.split(",").map((r) => r.trim()).filter(Boolean);
        for (const role of roles) registry.get(role);
        const controller = new AbortController();
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => controller.abort());
        const logger = createLogger({ level: config.logging.level });
        await hostRolesForRun({
          config,
          registry,
          plugins,
          run: opts.run,
          roles,
          natsUrl: config.nats.url,
          logger,
          signal: controller.signal,
          onReady: (agents) => process.stdout.write(`agents ready: ${agents.join(" ")}\n`),
        });
        process.exit(0);
      } catch (error) {
        fail(error);
      }
    });
}
