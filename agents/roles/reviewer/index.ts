// The reviewer role as other folders see it: the role, its personas, the form and the paper facts the area chair
// shows its model too, and the rules review.
export { reviewer } from "./role.ts";
export { reviewerMachine } from "./machine.ts";
export { personas, personaForSeat } from "./personas.ts";
export { factsPrompt, neuripsForm } from "./llm-prompts.ts";
export { describeUnsupported, paperFacts, readPaperText } from "./paper-facts.ts";
export { reviewRules } from "./rules-review.ts";
