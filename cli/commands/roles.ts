import type { Command } from "commander";
import { boot, fail } from "../boot.ts";
import { configFields, configLines } from "./role-config.ts";

export function registerRoles(program: Command): void {
  program
    .command("roles")
    .description(
      "list every registered role (built-in and plugged in): what it consumes, emits and needs, and its config",
    )
    .option("-c, --config <file>", "swarm config YAML (plugins are loaded from it)")
    .option("--json", "print JSON")
    .action(async (opts: { config?: string; json?: boolean }) => {
      try {
        const { registry, plugins } = await boot({ config: opts.config });
        const rows = registry.all().map((r) => {
          const { fields, jsonSchema } = configFields(r.configSchema);
          return {
            name: r.name,
            plugin: r.name in plugins,
            consumes: [...r.consumes],
            emits: [...r.emits],
            policies: Object.keys(r.policies),
            needs: [...(r.needs ?? [])],
            description: r.description,
            config: fields,
            configSchema: jsonSchema,
          };
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const r of rows) {
          process.stdout.write(`${r.name}${r.plugin ? " (plugin)" : ""} — ${r.description}\n`);
          process.stdout.write(`  consumes: ${r.consumes.join(", ")}\n  emits:    ${r.emits.join(", ")}\n`);
          process.stdout.write(
            `  policies: ${r.policies.join(", ")}\n  needs:    ${r.needs.join(", ") || "nothing"}\n`,
          );
          process.stdout.write(
            `  config (roles.${r.name}.config):\n${configLines(r.config)
              .map((l) => `    ${l}\n`)
              .join("")}`,
          );
        }
      } catch (error) {
        fail(error);
      }
    });
}
