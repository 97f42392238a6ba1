import type { Command } from "commander";
import { createLogger, hostRolesForRun } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description(
      "host some roles for a run started elsewhere (any host that reaches its NATS server); the template and policies come from the run",
    )
    .requiredOption("--run <id>", "the run to join")
    .requiredOption("--roles <names>", "comma-separated role names, e.g. experimenter,reviewer")
    .option("-c, --config <file>", "swarm config YAML (default: config/default.yaml)")
    .option("--nats <url>", "NATS server URL (default: nats.url from config)")
    .option(
      "--policy <name>",
      "rules | llm: refuse to join a run of another policy (default: the run's policy from run.started)",
    )
    .option("--model <name>", "llm policy: the model for every role")
    .option(
      "--replay <run-id>",
      "the run is a replay of this one: answer model and literature calls from its recording",
    )
    .action(
      async (opts: {
        run: string;
        roles: string;
        config?: string;
        nats?: string;
        policy?: "rules" | "llm";
        model?: string;
        replay?: string;
      }) => {
        try {
          const { config, registry, plugins } = await boot({
            config: opts.config,
            overrides: {
              natsUrl: opts.nats,
              policy: opts.replay ? "llm" : opts.policy,
              model: opts.model,
              replay: opts.replay,
            },
          });
          if (!config.nats.url)
            fail(new Error("scientist agent needs a NATS server: pass --nats <url> or set nats.url"));
          const roles = opts.roles
            .split(",")
            .map((r) => r.trim())
            .filter(Boolean);
          for (const role of roles) registry.get(role);
          const controller = new AbortController();
          for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => controller.abort());
          // --policy (or --replay, an llm run) is a check against the run's own policy, which is what the roles run.
          const expected = opts.policy ?? (opts.replay ? "llm" : undefined);
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
            ...(expected && { policy: expected }),
            onTemplate: (dir, ref) =>
              process.stdout.write(
                `template from run.started: ${ref.digest} (${ref.files} files) checked, in ${dir}\n`,
              ),
            onReady: (agents) => process.stdout.write(`agents ready: ${agents.join(" ")}\n`),
          });
          process.exit(0);
        } catch (error) {
          fail(error);
        }
      },
    );
}
