import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { startNatsCluster, writeCreds } from "../../bus/index.ts";
import { boot, fail } from "../boot.ts";

/**
 * `scientist cluster`: a local JetStream cluster of nats-server nodes (routes between them, one store each) in the
 * foreground, to try nats.replicas: 3 and node failures on one machine. With auth on (the default), every node
 * admits exactly the `scientist creds` users with their permissions. Ctrl-C stops the nodes; their stores are kept.
 */
export function registerCluster(program: Command): void {
  program
    .command("cluster")
    .description("start a local N-node nats-server cluster (JetStream, routes, auth from credsDir) until Ctrl-C")
    .option("-c, --config <file>", "swarm config YAML (its roles get credentials; nats.auth.enabled: false: no auth)")
    .option("--nodes <n>", "how many nodes (3 survive the loss of one, 5 of two)", "3")
    .option("--dir <path>", "where the nodes' configs and stores live", ".scientist/cluster")
    .option("--port <n>", "client port of the first node (the others follow)", "4222")
    .option("--cluster-port <n>", "route port of the first node (the others follow)", "6222")
    .action(async (opts: { config?: string; nodes: string; dir: string; port: string; clusterPort: string }) => {
      try {
        const { config, registry } = await boot({ config: opts.config });
        // As for the local single server: auth is on unless the config turns it off (or names a nats.url).
        const auth = config.nats.auth.enabled;
        const extraConfig = auth
          ? readFileSync(writeCreds(config.nats.auth.credsDir, registry.all(), config.nats.tls).configPath, "utf8")
          : undefined;
        const cluster = await startNatsCluster({
          baseDir: resolve(opts.dir),
          nodes: Number(opts.nodes),
          port: Number(opts.port),
          clusterPort: Number(opts.clusterPort),
          ...(extraConfig && { extraConfig }),
        });
        const urls = cluster.urls.join(",");
        const nodes = cluster.nodes.map((n) => `${n.name} ${n.url} (pid ${n.process?.pid})`).join(", ");
        const access = auth ? `on (credentials in ${config.nats.auth.credsDir})` : "off";
        const keys = `nats.replicas: 3${auth ? " and nats.auth.enabled: true" : ""}`;
        process.stdout.write(
          `cluster ${cluster.name}: ${nodes}\nstores and configs in ${resolve(opts.dir)}; auth ${access}\n` +
            `run on it: scientist run --nats ${urls} with ${keys} in the config\n`,
        );
        await new Promise<void>((done) => {
          for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => done());
        });
        await cluster.stop();
        process.exit(0);
      } catch (error) {
        fail(error);
      }
    });
}
