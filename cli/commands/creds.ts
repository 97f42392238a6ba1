import { resolve } from "node:path";
import type { Command } from "commander";
import { permissionsFor, writeCreds } from "../../bus/index.ts";
import { boot, fail } from "../boot.ts";

/**
 * `scientist creds`: writes the nats-server config and one credentials file per identity (every registered role,
 * plugins included, plus cli, operator and agent) into nats.auth.credsDir, for the local server or to copy to hosts.
 */
export function registerCreds(program: Command): void {
  program
    .command("creds")
    .description("write the NATS server config (per-role permissions) and per-role credential files (0600) into nats.auth.credsDir")
    .option("-c, --config <file>", "swarm config YAML (its plugins get their own identities)")
    .option("--dir <path>", "where to write them (default: nats.auth.credsDir)")
    .option("--show-permissions", "print each identity's publish/subscribe permissions")
    .action(async (opts: { config?: string; dir?: string; showPermissions?: boolean }) => {
      try {
        const { config, registry } = await boot({ config: opts.config });
        const dir = opts.dir ? resolve(opts.dir) : config.nats.auth.credsDir;
        const roles = registry.all();
        const written = writeCreds(dir, roles, config.nats.tls);
        process.stdout.write(`server config: ${written.configPath}  (start it: nats-server -c ${written.configPath} -js -sd <store>)\n`);
        for (const identity of written.identities) {
          process.stdout.write(`  ${identity.padEnd(12)} ${resolve(dir, `${identity}.json`)}${written.created.includes(identity) ? "  (new)" : ""}\n`);
          if (opts.showPermissions) {
            const perms = permissionsFor(identity, roles);
            process.stdout.write(perms ? `      publish: ${perms.publish.allow.join(" ")}\n${perms.publish.deny?.length ? `      deny:    ${perms.publish.deny.join(" ")}\n` : ""}      subscribe: ${perms.subscribe.allow.join(" ")}\n` : "      (run owner: unrestricted)\n");
          }
        }
        process.stdout.write("Copy a role's file (and the TLS CA, if any) to the host that runs it; keep them 0600. Passwords are never printed.\n");
      } catch (error) {
        fail(error);
      }
    });
}
