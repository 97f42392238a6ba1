import type { RoleDefinition } from "../../agents/runtime/index.ts";

/** Which message types each role consumes: what the live page needs to draw an arrow to every consumer. */
export function topologyOf(roles: readonly Pick<RoleDefinition, "name" | "consumes">[]): Record<string, string[]> {
  return Object.fromEntries(roles.map((role) => [role.name, [...role.consumes]]));
}
