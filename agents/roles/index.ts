/** Public surface of agents/roles: the built-in roles and a registry holding them. */
import { RoleRegistry, type RoleDefinition } from "../runtime/index.ts";
import { areaChair } from "./area-chair/index.ts";
import { coder } from "./coder/index.ts";
import { experimenter } from "./experimenter/index.ts";
import { ideator } from "./ideator/index.ts";
import { novelty } from "./novelty/index.ts";
import { reviewer } from "./reviewer/index.ts";
import { writer } from "./writer/index.ts";

export const builtinRoles: RoleDefinition[] = [ideator, novelty, coder, experimenter, writer, reviewer, areaChair];

export function createBuiltinRegistry(): RoleRegistry {
  const registry = new RoleRegistry();
  for (const role of builtinRoles) registry.register(role);
  return registry;
}

export { ideator, novelty, coder, experimenter, writer, reviewer, areaChair };
export { injected, publish, emitMessage, payloadOf, type PublishEvent } from "./shared/machine-kit.ts";
export { personas } from "./reviewer/index.ts";
export { RoleError, isRoleError, type RoleErrorCode } from "./errors.ts";
