import type { Command } from "commander";
import { busAccessFor, connectBus } from "../../bus/index.ts";
import { ensureNats, listRunStates, type RunState } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";

/** One line per run: id, state, template, ideas, papers, start, owner (for a running one). */
export function formatRuns(states: RunState[]): string {
  if (states.length === 0) return "no runs on this NATS server\n";
  const rows = [["RUN", "STATE", "TEMPLATE", "IDEAS", "PAPERS", "STARTED", "OWNER"]];
  for (const s of states) {
    const owner = s.owner ? `${s.owner.owner} pid ${s.owner.pid} (beat ${s.owner.heartbeatAt})` : "-";
    rows.push([
      s.run,
      s.state,
      s.template ?? "-",
      String(s.ideas),
      String(s.papers),
      s.startedAt ?? "-",
      s.state === "running" ? owner : "-",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

export function registerRuns(program: Command): void {
  program
    .command("runs")
    .description(
      "list the runs on the NATS server with their state: running (owner's heartbeat live), interrupted (owner gone: 'scientist resume'), completed",
    )
    .option("-c, --config <file>", "swarm config YAML (for the NATS store)")
    .option("--nats <url>", "NATS server URL (default: open the local store)")
    .option("--json", "print the states as JSON")
    .action(async (opts: { config?: string; nats?: string; json?: boolean }) => {
      try {
        const { config } = await boot({ config: opts.config, overrides: { natsUrl: opts.nats } });
        const nats = await ensureNats(config, { reuseLive: true });
        const bus = await connectBus(nats.url, { name: "scientist-runs", ...busAccessFor(config.nats, "operator") });
        try {
          const states = await listRunStates(bus);
          process.stdout.write(opts.json ? `${JSON.stringify(states, null, 2)}\n` : formatRuns(states));
        } finally {
          await bus.close();
          await nats.server?.stop();
        }
      } catch (error) {
        fail(error);
      }
    });
}
