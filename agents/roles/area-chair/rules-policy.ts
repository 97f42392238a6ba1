import { fromPromise } from "xstate";
import type { RoleContext } from "../../runtime/index.ts";
import type { AreaChairConfig } from "./config.ts";
import type { PanelInput } from "./machine.ts";

/** Fixed rules write no meta-review of their own: the decide effect writes the rules meta-review (decide.ts). */
export function areaChairRulesPolicy(_context: RoleContext<AreaChairConfig>) {
  return { metaReview: fromPromise<string | null, PanelInput>(async () => null) };
}
