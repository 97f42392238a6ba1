// The experimenter role as other folders see it: the role, its machine, and the LaTeX compile the writer requests.
export { experimenter } from "./role.ts";
export { experimenterMachine } from "./machine.ts";
export { LATEX_COMMAND, firstTexError } from "./latex-compile.ts";
export { runExperimentActor } from "./run-experiment.ts";
