// The novelty role as other folders see it: the role, its machine and its rules judgement.
export { novelty } from "./role.ts";
export { noveltyMachine } from "./machine.ts";
export { judgeRules, rulesQueries } from "./rules-policy.ts";
