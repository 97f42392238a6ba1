import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { newRunId } from "../../bus/index.ts";
import { assertDockerSeesMounts, createLogger, runSwarm } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";
import { createProgressPrinter } from "../progress-printer.ts";
import { missingPdfLines } from "../progress-summary.ts";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "run the swarm on a template until every idea is decided or dropped; writes <out>/<run-id>/report.json",
    )
    .option("-c, --config <file>", "swarm config YAML (default: config/default.yaml)")
    .option("--ideas <n>", "ideas to propose in this run", (v) => Number(v))
    .option("--out <dir>", "output folder (default: runs/)")
    .option("--template <name|path>", "research template")
    .option("--nats <url>", "NATS server URL (default: start a local nats-server)")
    .option("--policy <name>", "rules | llm")
    .option("--model <name>", "llm policy: the model for every role (overrides llm.model and llm.models)")
    .option(
      "--replay <run-id>",
      "re-run an llm run answering every model and literature call from its recording (no calls made)",
    )
    .option(
      "--roles <names>",
      "host only these roles here (comma-separated); the others join from other hosts via 'scientist agent'",
    )
    .option(
      "--set <knob=value>",
      "a fixed setting for every run, baseline included (repeatable; knobs as in inferred-space.yaml)",
      collectSetting,
      {},
    )
    .action(
      async (opts: {
        config?: string;
        ideas?: number;
        out?: string;
        template?: string;
        nats?: string;
        policy?: "rules" | "llm";
        model?: string;
        replay?: string;
        roles?: string;
        set: Record<string, string>;
      }) => {
        try {
          const { config, registry, plugins } = await boot({
            config: opts.config,
            overrides: {
              ideas: opts.ideas,
              out: opts.out,
              template: opts.template,
              natsUrl: opts.nats,
              policy: opts.replay ? "llm" : opts.policy,
              model: opts.model,
              replay: opts.replay,
              settings: opts.set,
            },
          });
          const roles = opts.roles
            ?.split(",")
            .map((r) => r.trim())
            .filter(Boolean);
          for (const role of roles ?? []) registry.get(role);
          // Started with `ip netns exec` (a private mount namespace), the experimenter would hand Docker empty work
          // dirs.
          if ((roles ?? registry.names()).includes("experimenter") && config.sandbox.backend !== "bwrap")
            await assertDockerSeesMounts();
          const run = newRunId();
          const runDir = join(config.run.outDir, run);
          mkdirSync(runDir, { recursive: true });
          // Full JSON logs go to the run folder; the terminal gets one line per milestone.
          const logger = createLogger({
            level: config.logging.level,
            destination: (await import("pino")).default.destination({
              dest: join(runDir, "swarm.log"),
              sync: false,
            }) as never,
          });
          process.stdout.write(`run ${run}\n`);
          const t0 = Date.now();
          // One line per milestone; on a terminal also a live status line (ideas per stage, reviews in flight).
          const progress = createProgressPrinter(process.stdout, t0);
          // First Ctrl-C: stop the agents and still write the report; a second one exits at once.
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
          const result = await runSwarm({
            config,
            registry,
            plugins,
            logger,
            run,
            ...(roles && { roles }),
            onMessage: progress.onMessage,
            signal: stop.signal,
            onBoot: (lines) => process.stdout.write(lines.map((line) => `${line}\n`).join("")),
          });
          progress.finish();
          const r = result.report;
          const summary =
            `run ${run} ${r.completed ? "completed" : "stopped"} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.messages} messages, ` +
            `${r.ideas.length} ideas, ${r.papers.length} papers decided (${r.papers.filter((p) => p.decision === "Accept").length} accepted)\n` +
            (r.costs
              ? `model spend: ${r.costs.total.calls} calls, ${r.costs.total.tokens} tokens, $${r.costs.total.usd.toFixed(4)}\n`
              : "") +
            (r.budgetExhausted ? `budget exhausted: ${r.budgetExhausted.reason}\n` : "") +
            (r.replay
              ? `replay of ${r.replay.from}: ${r.replay.answered} calls answered, ${r.replay.misses} not recorded${r.replay.firstMiss ? `; first divergence ${r.replay.firstMiss.kind} request ${r.replay.firstMiss.hash} (${r.replay.firstMiss.role}, ${r.replay.firstMiss.idea ?? "no idea"})` : ""}\n`
              : "") +
            missingPdfLines(r.papers).join("") +
            `report: ${relative(process.cwd(), result.reportPath)}\n`;
          // Exit only once stdout has drained: a pipe would otherwise lose the summary.
          process.stdout.write(summary, () => process.exit(r.completed ? 0 : 2));
        } catch (error) {
          fail(error);
        }
      },
    );
}

/** `--set a=1 --set b=2` → { a: "1", b: "2" }; the value is read as the knob's type at boot. */
function collectSetting(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError(`expected KNOB=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
}
