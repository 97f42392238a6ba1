import type { SwarmConfig } from "../../config/index.ts";
import { loadRoleModule, RoleRegistry } from "./registry.ts";
import type { RoleDefinition } from "./role.ts";

export interface BootedRoles {
  registry: RoleRegistry;
  /** Plugin roles by name with their replicas and config from the `plugins` list. */
  plugins: Record<string, { replicas: number; config: Record<string, unknown> }>;
}

/** Registers the built-in roles and every plugin module named in config (a bad module or duplicate name fails boot). */
export async function bootRoles(config: SwarmConfig, builtins: RoleDefinition[]): Promise<BootedRoles> {
  const registry = new RoleRegistry();
  for (const role of builtins) registry.register(role);
  const plugins: BootedRoles["plugins"] = {};
  for (const entry of config.plugins) {
    const role = await loadRoleModule(entry.module);
    registry.register(role);
    plugins[role.name] = { replicas: entry.replicas, config: entry.config };
  }
  return { registry, plugins };
}
