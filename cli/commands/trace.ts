import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { busAccessFor, connectBus, readRun, redactUrl, runExists, type StoredEnvelope } from "../../bus/index.ts";
import {
  causalOrder,
  filterEntries,
  renderCausalTree,
  renderFlat,
  renderTimeline,
  toChromeTrace,
  toOtlpTrace,
  type TraceEntry,
} from "../../bus/trace/index.ts";
import { ensureNats } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";
import { followTrace } from "../trace-follow.ts";

/**
 * XState state changes of the actors, captured by the runtime beside the messages (see
 * agents/runtime/actor-transitions.ts).
 */
const STATE_TYPE = "actor.transitioned";

function entriesOf(stored: StoredEnvelope[]): TraceEntry[] {
  return stored.filter((s) => s.envelope).map((s) => ({ envelope: s.envelope!, seq: s.seq }));
}

export function registerTrace(program: Command): void {
  program
    .command("trace <run-id>")
    .description("print every message of a run in causal order (id, type, from, causation, time), or export it")
    .option("-c, --config <file>", "swarm config YAML (for the NATS store)")
    .option("--nats <url>", "NATS server URL (default: open the local store)")
    .option("--view <name>", "flat | tree | timeline", "flat")
    .option("--type <types...>", "only these message types (prefix.* allowed)")
    .option("--agent <agents...>", "only messages from these roles or agents")
    .option("--idea <id>", "only messages of this idea")
    .option("--json", "print the messages as JSON, in causal order")
    .option("--export <format>", "chrome (Perfetto trace-event JSON) | otlp (OTLP/JSON spans)")
    .option("-o, --output <file>", "write the export to a file instead of stdout")
    .option("--no-states", "leave out actor.transitioned entries (each actor's XState state changes)")
    .option("-f, --follow", "print messages as they arrive, until run.completed or Ctrl-C (joins a live local run)")
    .action(
      async (
        runId: string,
        opts: {
          config?: string;
          nats?: string;
          view: string;
          type?: string[];
          agent?: string[];
          idea?: string;
          json?: boolean;
          export?: string;
          output?: string;
          follow?: boolean;
          states: boolean;
        },
      ) => {
        try {
          const { config } = await boot({ config: opts.config, overrides: { natsUrl: opts.nats } });
          const nats = await ensureNats(config, { reuseLive: true });
          // A reader: the operator identity when auth is on (it may read runs, not send role types).
          const bus = await connectBus(nats.url, { name: "scientist-trace", ...busAccessFor(config.nats, "operator") });
          try {
            if (opts.follow) {
              const controller = new AbortController();
              process.once("SIGINT", () => controller.abort());
              if (!(await runExists(bus.jsm, runId)))
                throw new Error(`no stream for run ${runId} on ${redactUrl(nats.url)}`);
              const filter = { type: opts.type, agent: opts.agent, idea: opts.idea };
              const ended = await followTrace({
                js: bus.js,
                run: runId,
                filter,
                hideStates: !opts.states,
                signal: controller.signal,
                write: (line) => process.stdout.write(`${line}\n`),
              });
              process.stderr.write(ended === "completed" ? `run ${runId} completed\n` : "stopped following\n");
              return;
            }
            const stored = await readRun(bus.js, bus.jsm, runId);
            const broken = stored.filter((s) => !s.envelope);
            const entries = filterEntries(entriesOf(stored), {
              type: opts.type,
              agent: opts.agent,
              idea: opts.idea,
            }).filter((e) => opts.states || e.envelope.type !== STATE_TYPE);
            let out: string;
            if (opts.export === "chrome") out = JSON.stringify(toChromeTrace(entries));
            else if (opts.export === "otlp") out = JSON.stringify(toOtlpTrace(entries));
            else if (opts.export) throw new Error(`unknown export format ${opts.export} (chrome | otlp)`);
            else if (opts.json)
              out = JSON.stringify(
                causalOrder(entries).map((row) => ({ depth: row.depth, ...row.entry.envelope })),
                null,
                2,
              );
            else if (opts.view === "tree") out = renderCausalTree(entries).join("\n");
            else if (opts.view === "timeline") out = renderTimeline(entries).join("\n");
            else out = renderFlat(entries).join("\n");
            if (opts.output) writeFileSync(opts.output, out);
            else process.stdout.write(`${out}\n`);
            if (broken.length)
              process.stderr.write(
                `${broken.length} stored messages are not valid envelopes (first: #${broken[0]!.seq} ${broken[0]!.error})\n`,
              );
          } finally {
            await bus.close();
            await nats.server?.stop();
          }
        } catch (error) {
          fail(error);
        }
      },
    );
}
