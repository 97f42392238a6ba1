// The writer role as other folders see it: the role, its machine, its rules paper and the results-table markers.
export { writer } from "./role.ts";
export { writerMachine } from "./machine.ts";
export { writeRulesPaper, RULES_DISCLAIMER } from "./rules-paper.ts";
export { checkTableNumbers, TABLE_BEGIN, TABLE_END } from "./number-check.ts";
export { TEX_TABLE_BEGIN, TEX_TABLE_END } from "./latex-table.ts";
