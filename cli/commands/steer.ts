import type { Command } from "commander";
import { busAccessFor, connectBus } from "../../bus/index.ts";
import { controlFor, ensureNats, sendControl, SteeringError, steerVerbs } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";

const help = `
Verbs:
  pause [--role R]            roles stop starting new work (in-flight work completes, messages are held, not lost)
  resume [--role R]           continue (resuming the run lifts every pause)
  stop-idea ID [--reason T]   drop the idea (recorded as dropped by the operator, with the reason)
  note ID TEXT                a note the llm ideator, coder and writer see in their next prompt for that idea;
                              rules policies honour knob names ("only change the learning_rate")
  constrain TEXT              a constraint on new ideas (llm ideator and novelty checker; rules: a knob filter)
  budget KEY VALUE            ideas | usd | maxInFlightIdeas, live, within the config's steering.caps
  promote ID                  extend this archived idea next

Every intervention is a control.* message from operator/<host>: it is in the trace and in report.json.`;

interface SteerFlags {
  config?: string;
  nats?: string;
  role?: string;
  reason?: string;
}

export function registerSteer(program: Command): void {
  program
    .command("steer <run> <verb> [args...]")
    .description(`steer a live run: ${steerVerbs.join(" | ")}`)
    .option("-c, --config <file>", "swarm config YAML (NATS, credentials, budget caps)")
    .option("--nats <url>", "NATS server URL (default: the local store's live server)")
    .option("--role <role>", "pause/resume only this role")
    .option("--reason <text>", "why (pause, stop-idea)")
    .addHelpText("after", help)
    .action(async (run: string, verb: string, args: string[], opts: SteerFlags) => {
      try {
        // Bad verbs and words fail before anything connects.
        const flags = { ...(opts.role && { role: opts.role }), ...(opts.reason && { reason: opts.reason }) };
        const request = controlFor(verb, args, flags);
        const { config, registry } = await boot({ config: opts.config, overrides: { natsUrl: opts.nats } });
        if (opts.role && !registry.names().includes(opts.role)) {
          const roles = registry.names().join(", ");
          throw new SteeringError("STEER_BAD_ARGS", `--role ${opts.role} is not a role of this swarm (${roles})`);
        }
        const nats = await ensureNats(config, { reuseLive: true });
        const bus = await connectBus(nats.url, { name: "scientist-steer", ...busAccessFor(config.nats, "operator") });
        try {
          const sent = await sendControl({ bus, run, request, config });
          process.stdout.write(`${sent.type} ${JSON.stringify(sent.payload)} sent to run ${run} (${sent.id})\n`);
        } finally {
          await bus.close();
          await nats.server?.stop();
        }
      } catch (error) {
        fail(error);
      }
    });
}
