// The ideator role as other folders see it: the role, and the canonical form of params the novelty check compares.
export { ideator } from "./role.ts";
export { canonicalParams } from "./rules-policy.ts";
