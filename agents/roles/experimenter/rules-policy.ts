import type { ActorImplementations, RoleContext } from "../../runtime/index.ts";
import type { ExperimenterConfig } from "./config.ts";

/** No decisions to make: the experimenter runs exactly what was asked, under either policy (its effect does it). */
export function experimenterRulesPolicy(_context: RoleContext<ExperimenterConfig>): ActorImplementations {
  return {};
}
