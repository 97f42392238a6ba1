/** Public surface of agents/roles: the built-in roles and a registry holding them. */
import { RoleRegistry, type RoleDefinition } from "../runtime/index.ts";
import { areaChair } from "./area-chair/role.ts";
import { coder } from "./coder/role.ts";
import { experimenter } from "./experimenter/role.ts";
import { ideator } from "./ideator/role.ts";
import { novelty } from "./novelty/role.ts";
import { reviewer } from "./reviewer/role.ts";
import { writer } from "./writer/role.ts";

export const builtinRoles: RoleDefinition[] = [ideator, novelty, coder, experimenter, writer, reviewer, areaChair];

export function createBuiltinRegistry(): RoleRegistry {
  const registry = new RoleRegistry();
  for (const role of builtinRoles) registry.register(role);
  return registry;
}

export { ideator, novelty, coder, experimenter, writer, reviewer, areaChair };
export { injected, publish, emitMessage, payloadOf, type PublishEvent } from "./shared/machine-kit.ts";
export { personas } from "./reviewer/personas.ts";
export { RoleError, isRoleError, type RoleErrorCode } from "./errors.ts";
