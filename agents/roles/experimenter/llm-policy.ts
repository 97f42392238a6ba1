import type { ActorImplementations, RoleContext } from "../../runtime/index.ts";
import type { ExperimenterConfig } from "./config.ts";

/** No decisions to make: a model has nothing to choose in running a requested command (see rules-policy.ts). */
export function experimenterLlmPolicy(_context: RoleContext<ExperimenterConfig>): ActorImplementations {
  return {};
}
