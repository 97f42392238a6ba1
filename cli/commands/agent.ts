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
    .action(async (opts: { run: string; roles: string; config?: string; nats?: string }) => {
      try {
        const { config, registry, plugins } = await boot({ config: opts.config, overrides: { natsUrl: opts.nats } });
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
