import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { newRunId, type Payload } from "../../bus/index.ts";
import { createLogger } from "../../agents/runtime/index.ts";
import { formatBenchReport, runReviewBench } from "../../agents/review-bench/index.ts";
import { boot, fail } from "../boot.ts";

interface Options {
  config?: string;
  data?: string;
  papers: number;
  seed: number;
  out?: string;
  nats?: string;
  model?: string;
  replay?: string;
  resume?: string;
}

const whole = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) fail(new Error(`${flag} must be a whole number, got ${JSON.stringify(v)}`));
  return n;
};

export function registerReviewBench(program: Command): void {
  program
    .command("review-bench")
    .description(
      "measure the llm review panel (reviewer seats + area chair, hosted on the bus) against ICLR 2022 decisions on a stratified sample, " +
        "beside the original's own LLM reviews on the same sample and on all 500; writes <out>/<run-id>/review-bench.json. " +
        "Without a model key only the original's reviews are scored.",
    )
    .option(
      "-c, --config <file>",
      "swarm config YAML (default: config/default.yaml): panel size, replicas, model, prices, budget, deadline",
    )
    .option(
      "--data <dir>",
      "the ICLR 2022 folder: ratings.tsv, papers/, seed-llm-reviews/ (default: SCIENTIST_ICLR2022 or ../shared/data/iclr2022)",
    )
    .option(
      "--papers <n>",
      "papers in the stratified sample (the accept/reject ratio of all 500)",
      whole("--papers"),
      20,
    )
    .option("--seed <s>", "sampling seed: the same seed gives the same papers", whole("--seed"), 1)
    .option("--out <dir>", "output folder (default: runs/)")
    .option("--nats <url>", "NATS server URL (default: start a local nats-server)")
    .option("--model <name>", "the model for the reviewer and the area chair (overrides llm.model and llm.models)")
    .option(
      "--replay <run-id>",
      "review the papers of that bench run again, answering every model call from its recording (no calls made)",
    )
    .option(
      "--resume <run-id>",
      "continue that bench run: its decided papers are not reviewed again, failed ones are retried",
    )
    .action(async (opts: Options) => {
      try {
        if (opts.replay && opts.resume)
          fail(new Error("--replay and --resume cannot be combined: a replay is a new run"));
        const { config, registry } = await boot({
          config: opts.config,
          overrides: { out: opts.out, natsUrl: opts.nats, policy: "llm", model: opts.model, replay: opts.replay },
        });
        const run = opts.resume ?? newRunId();
        const runDir = join(config.run.outDir, run);
        mkdirSync(runDir, { recursive: true });
        // Synchronous: a bad flag exits at once, and an asynchronous log file would not be open yet.
        const logger = createLogger({
          level: config.logging.level,
          destination: (await import("pino")).default.destination({
            dest: join(runDir, "swarm.log"),
            sync: true,
          }) as never,
        });
        const t0 = Date.now();
        let decided = 0;
        const stop = new AbortController();
        const onSignal = () => {
          if (stop.signal.aborted) process.exit(130);
          process.stderr.write(
            "\nstopping: the report of the papers decided so far is still written (Ctrl-C again to quit now)\n",
          );
          stop.abort();
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        process.stdout.write(
          `review-bench run ${run}${opts.resume ? " (resumed)" : ""}${opts.replay ? ` (replay of ${opts.replay})` : ""}\n`,
        );
        const { report, reportPath } = await runReviewBench({
          config,
          registry,
          logger,
          data: opts.data ?? null,
          papers: opts.papers,
          seed: opts.seed,
          run,
          ...(opts.resume && { resume: opts.resume }),
          signal: stop.signal,
          onMessage: (m) => {
            const e = m.envelope;
            if (e?.type !== "paper.decided" && e?.type !== "idea.failed") return;
            const at = `+${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(9);
            if (e.type === "paper.decided") {
              const p = e.payload as Payload<"paper.decided">;
              process.stdout.write(
                `${at} paper.decided  ${p.paperId} ${p.decision} (overall ${p.overall}) [${++decided}]\n`,
              );
            } else
              process.stdout.write(
                `${at} idea.failed    ${e.correlation}: ${(e.payload as Payload<"idea.failed">).reason.slice(0, 160)}\n`,
              );
          },
        });
        if (report.panelSkipped) process.stderr.write(`\nscientist review-bench: ${report.panelSkipped}\n`);
        const undecided = report.papers.filter((p) => p.status === "undecided").length;
        const text = `\n${formatBenchReport(report)}${undecided ? `${undecided} papers were still undecided when the run stopped (run.deadlineMinutes or Ctrl-C); --resume ${run} continues\n` : ""}report: ${relative(process.cwd(), reportPath)}\n`;
        process.stdout.write(text, () => process.exit(undecided ? 2 : 0));
      } catch (error) {
        fail(error);
      }
    });
}
