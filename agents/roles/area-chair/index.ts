// The area chair role as other folders see it.
export { areaChair } from "./role.ts";
export { areaChairMachine } from "./machine.ts";
