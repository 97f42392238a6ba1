// The coder role as other folders see it: the role, and its rules planning (tests of other roles reuse it).
export { coder } from "./role.ts";
export { planRules, writeCodeRules } from "./rules-policy.ts";
