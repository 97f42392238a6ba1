import type { Command } from "commander";
import { busAccessFor, connectBus, redactUrl, type BusConnection } from "../../bus/index.ts";
import { ensureNats } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";
import { startUiServer, type UiServer } from "../ui/server.ts";
import { topologyOf } from "../ui/topology.ts";

const SHUTDOWN_GRACE_MS = 2_000;

export function registerUi(program: Command): void {
  program
    .command("ui")
    .description(
      "serve a live web page of a run (agents, ideas through the stages, message sequence, papers and reviews)",
    )
    .option("-c, --config <file>", "swarm config YAML (for the NATS store and plugged-in roles)")
    .option("--run <id>", "run to show (default: the newest run on the server)")
    .option("--port <n>", "port (default: any free port)", (v) => Number(v))
    .option("--host <address>", "address to bind; anything but loopback exposes the run to the network", "127.0.0.1")
    .option("--nats <url>", "NATS server URL (default: join a live local run, or open the local store)")
    .option("--read-only", "no steering buttons (pause, resume, stop-idea, note): the page only shows the run")
    .action(
      async (opts: {
        config?: string;
        run?: string;
        port?: number;
        host: string;
        nats?: string;
        readOnly?: boolean;
      }) => {
        try {
          const { config, registry } = await boot({ config: opts.config, overrides: { natsUrl: opts.nats } });
          const nats = await ensureNats(config, { reuseLive: true });
          let bus: BusConnection | null = null;
          let ui: UiServer | null = null;
          const stop = async () => {
            await ui?.close();
            // A drain waits for the server; if that server is gone (its run ended and took it down), do not hang.
            await Promise.race([
              bus?.close(),
              new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()),
            ]);
            await nats.server?.stop();
          };
          try {
            bus = await connectBus(nats.url, { name: "scientist-ui", ...busAccessFor(config.nats, "operator") });
            // The buttons publish control.* as the operator (this connection's identity), like `scientist steer`.
            const steer = opts.readOnly ? undefined : { bus, config };
            ui = await startUiServer({
              bus,
              run: opts.run ?? null,
              topology: topologyOf(registry.all()),
              host: opts.host,
              port: opts.port,
              ...(steer && { steer }),
            });
          } catch (error) {
            await stop();
            throw error;
          }
          process.stdout.write(
            `scientist ui: ${ui.url}${opts.run ? `?run=${opts.run}` : ""}  (NATS ${redactUrl(nats.url)}; Ctrl-C stops)\n`,
          );
          const exit = () => void stop().finally(() => process.exit(0));
          process.once("SIGINT", exit);
          process.once("SIGTERM", exit);
        } catch (error) {
          fail(error);
        }
      },
    );
}
