import type { Command } from "commander";
import { boot, fail } from "../boot.ts";

export function registerRoles(program: Command): void {
  program
    .command("roles")
    .description("list every registered role (built-in and plugged in) with what it consumes and emits")
    .option("-c, --config <file>", "swarm config YAML (plugins are loaded from it)")
    .option("--json", "print JSON")
    .action(async (opts: { config?: string; json?: boolean }) => {
      try {
        const { registry, plugins } = await boot({ config: opts.config });
        const rows = registry.all().map((r) => ({
          name: r.name,
          plugin: r.name in plugins,
          consumes: [...r.consumes],
          emits: [...r.emits],
          policies: Object.keys(r.policies),
          description: r.description,
        }));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const r of rows) {
          process.stdout.write(`${r.name}${r.plugin ? " (plugin)" : ""} — ${r.description}\n`);
          process.stdout.write(`  consumes: ${r.consumes.join(", ")}\n  emits:    ${r.emits.join(", ")}\n  policies: ${r.policies.join(", ")}\n`);
        }
      } catch (error) {
        fail(error);
      }
    });
}
