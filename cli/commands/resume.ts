import { join, relative } from "node:path";
import type { Command } from "commander";
import { createLogger, resumeSwarm } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";
import { createProgressPrinter } from "../progress-printer.ts";

export function registerResume(program: Command): void {
  program
    .command("resume <run-id>")
    .description(
      "go on with a run whose 'scientist run' died (kill -9, power loss): from its stream, snapshots and journal; done work is not redone",
    )
    .option(
      "-c, --config <file>",
      "swarm config YAML (the one the run was started with: NATS store, credentials, output folder)",
    )
    .option("--nats <url>", "NATS server URL (default: start a local nats-server on the store)")
    .option("--out <dir>", "output folder (default: runs/)")
    .option("--roles <names>", "host only these roles here (comma-separated); the others join via 'scientist agent'")
    .action(async (run: string, opts: { config?: string; nats?: string; out?: string; roles?: string }) => {
      try {
        const { config, registry, plugins } = await boot({
          config: opts.config,
          overrides: { natsUrl: opts.nats, out: opts.out },
        });
        const roles = opts.roles
          ?.split(",")
          .map((r) => r.trim())
          .filter(Boolean);
        for (const role of roles ?? []) registry.get(role);
        const pino = (await import("pino")).default;
        const { mkdirSync } = await import("node:fs");
        mkdirSync(join(config.run.outDir, run), { recursive: true });
        // Appends to the run's own log: the resumed part follows what the first owner wrote.
        const logger = createLogger({
          level: config.logging.level,
          destination: pino.destination({
            dest: join(config.run.outDir, run, "swarm.log"),
            sync: false,
            append: true,
          }) as never,
        });
        process.stdout.write(`resuming run ${run}\n`);
        const t0 = Date.now();
        const progress = createProgressPrinter(process.stdout, t0);
        const stop = new AbortController();
        const onSignal = () => {
          if (stop.signal.aborted) process.exit(130);
          process.stderr.write(
            "\nstopping: the agents finish, then the report of what happened is written (Ctrl-C again to quit now)\n",
          );
          stop.abort();
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        const result = await resumeSwarm({
          config,
          registry,
          plugins,
          logger,
          run,
          ...(roles && { roles }),
          onMessage: progress.onMessage,
          signal: stop.signal,
        });
        progress.finish();
        const r = result.report;
        const summary =
          `run ${run} ${r.completed ? "completed" : "stopped"} (resumed, ${((Date.now() - t0) / 1000).toFixed(1)} s): ${r.messages} messages, ` +
          `${r.ideas.length} ideas, ${r.papers.length} papers decided (${r.papers.filter((p) => p.decision === "Accept").length} accepted)\n` +
          `report: ${relative(process.cwd(), result.reportPath)}\n`;
        process.stdout.write(summary, () => process.exit(r.completed ? 0 : 2));
      } catch (error) {
        fail(error);
      }
    });
}
