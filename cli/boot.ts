import { loadConfig, type ConfigOverrides, type SwarmConfig } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, type BootedRoles } from "../agents/runtime/index.ts";

/** Loads config and roles the same way for every command; any problem fails here, naming the key or module. */
export async function boot(options: {
  config?: string;
  overrides?: ConfigOverrides;
}): Promise<{ config: SwarmConfig } & BootedRoles> {
  const config = loadConfig({ path: options.config ?? null, overrides: options.overrides });
  const roles = await bootRoles(config, builtinRoles);
  return { config, ...roles };
}

/** Prints a boot or runtime error with its code and exits non-zero. */
export function fail(error: unknown): never {
  const e = error as { code?: string; message?: string };
  process.stderr.write(`scientist: ${e.code ? `[${e.code}] ` : ""}${e.message ?? String(error)}\n`);
  process.exit(1);
}
