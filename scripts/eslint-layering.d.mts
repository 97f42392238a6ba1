import type { ESLint } from "eslint";

declare const layering: ESLint.Plugin;
export default layering;
/** The no-reach-in verdict for one import (absolute paths): a message, or null when allowed. */
export function reachInProblem(fromFile: string, target: string): string | null;
/** A path of value imports from `start` back to `file`, or null. */
export function cycleThrough(file: string, start: string): string[] | null;
