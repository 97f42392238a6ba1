import { resolve } from "node:path";
import type { Command } from "commander";
import { permissionsFor, writeCreds, type Permissions } from "../../bus/index.ts";
import { boot, fail } from "../boot.ts";

/**
 * `scientist creds`: writes the nats-server config and one credentials file per identity (every registered role,
 * plugins included, plus cli, operator and agent) into nats.auth.credsDir, for the local server or to copy to hosts.
 */
function permissionLines(perms: Permissions): string {
  const deny = perms.publish.deny?.length ? `      deny:    ${perms.publish.deny.join(" ")}\n` : "";
  const subscribe = `      subscribe: ${perms.subscribe.allow.join(" ")}\n`;
  return `      publish: ${perms.publish.allow.join(" ")}\n${deny}${subscribe}`;
}

export function registerCreds(program: Command): void {
  program
    .command("creds")
    .description(
      "write the NATS server config (per-role permissions) and one credentials file (0600) per identity into " +
        "nats.auth.credsDir",
    )
    .option("-c, --config <file>", "swarm config YAML (its plugins get their own identities)")
    .option("--dir <path>", "where to write them (default: nats.auth.credsDir)")
    .option("--show-permissions", "print each identity's publish/subscribe permissions")
    .action(async (opts: { config?: string; dir?: string; showPermissions?: boolean }) => {
      try {
        const { config, registry } = await boot({ config: opts.config });
        const dir = opts.dir ? resolve(opts.dir) : config.nats.auth.credsDir;
        const roles = registry.all();
        const written = writeCreds(dir, roles, config.nats.tls);
        const start = `nats-server -c ${written.configPath} -js -sd <store>`;
        process.stdout.write(`server config: ${written.configPath}  (start it: ${start})\n`);
        for (const identity of written.identities) {
          const isNew = written.created.includes(identity) ? "  (new)" : "";
          process.stdout.write(`  ${identity.padEnd(12)} ${resolve(dir, `${identity}.json`)}${isNew}\n`);
          if (opts.showPermissions) {
            const perms = permissionsFor(identity, roles);
            process.stdout.write(perms ? permissionLines(perms) : "      (run owner: unrestricted)\n");
          }
        }
        process.stdout.write(
          "Copy a role's file (and the TLS CA, if any) to the host that runs it; keep them 0600. " +
            "Passwords are never printed.\n",
        );
      } catch (error) {
        fail(error);
      }
    });
}
