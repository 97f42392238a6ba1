// Whether a printed number is a recorded value as printed. The rule is rounding, not closeness: 97.8% is
// supported by 0.97812 because 0.97812 rounded to one decimal of a percentage is 97.8, and not by 0.9789 (that
// prints 97.9). Ties go either way (0.9785 may print 0.978 or 0.979). Truncation is NOT accepted: it would double
// the window each number has, and a writer that rounds loses nothing. A printed number with a single significant
// digit (0.9, 3, 5%) is accepted only when it equals a record exactly: rounding that coarse fits too much
// (derived values need more: see preciseEnough).
import { halfUnit, type NumberToken } from "./numbers.ts";
import type { Candidate, Family, RecordIndex } from "./recorded.ts";

export interface Mode {
  family: keyof Pick<RecordIndex, "direct" | "described" | "spread" | "diff" | "ratio" | "change">;
  /** Only an exact match counts (the coder's descriptions: a model's words are not a measurement to round). */
  exactOnly?: boolean;
  /** Printed = recorded × scale (100: a fraction printed as a percentage). */
  scale: number;
  /** Either sign (a difference written as "improves by 0.12" is a positive number). */
  abs: boolean;
  /** Only records that can be percentages as they stand: artifact values, settings named as percentages. */
  asPercent?: boolean;
  label?: string;
}

export interface Match {
  candidate: Candidate;
  exact: boolean;
  mode: Mode;
}

/** Which records a sentence can mean: those of the metrics and datasets it names (null: any). */
export type Filter = ((candidate: Candidate) => boolean) | null;

function closest(
  family: Family,
  target: number,
  half: number,
  abs: boolean,
  filter: Filter,
): Match["candidate"] | null {
  const tol = 1e-9 * Math.max(1, Math.abs(target)) + half * 1e-9;
  const hits = family.within(target - half - tol, target + half + tol);
  if (abs && target !== 0) hits.push(...family.within(-target - half - tol, -target + half + tol));
  let best: Candidate | null = null;
  let bestDistance = Infinity;
  for (const h of hits) {
    if (filter && !filter(h)) continue;
    const d = Math.abs((abs ? Math.abs(h.value) : h.value) - target);
    if (d < bestDistance) [best, bestDistance] = [h, d];
  }
  return best;
}

function isExact(value: number, target: number, abs: boolean): boolean {
  const v = abs ? Math.abs(value) : value;
  return Math.abs(v - target) <= 1e-9 * Math.max(1, Math.abs(target));
}

// "7%" is not the idea's rating 7, nor "3%" the 3 seeds: a percentage is a setting only if it is named as one.
const percentAsIs = (c: Candidate) =>
  c.metric !== undefined || /percent|pct/i.test(String(c.source.setting ?? c.source.param ?? ""));

function combine(filter: Filter, mode: Mode): Filter {
  if (!mode.asPercent) return filter;
  return filter ? (c) => percentAsIs(c) && filter(c) : percentAsIs;
}

/**
 * A rounded number must carry enough digits to point at one record: two significant digits for a recorded
 * value; for a derived one (there are many more differences and changes than values), three, or two with a
 * decimal ("12.5 pp", "0.69", "4.4×" trace; "17%" fits too many pairs to trace).
 */
export function preciseEnough(token: NumberToken, mode: Mode): boolean {
  if (mode.family === "direct" || mode.family === "described" || mode.family === "spread") return token.sig >= 2;
  return token.sig >= 3 || (token.sig >= 2 && token.decimals >= 1);
}

/** The first mode in which the token is a record as printed; `coarse` holds a match refused for precision. */
export function matchNumber(
  token: NumberToken,
  index: RecordIndex,
  modes: Mode[],
  filter: Filter = null,
): { match: Match | null; coarse: Match | null } {
  let coarse: Match | null = null;
  for (const mode of modes) {
    const target = (mode.abs ? Math.abs(token.value) : token.value) / mode.scale;
    const half = halfUnit(token) / mode.scale;
    const candidate = closest(index[mode.family], target, half, mode.abs, combine(filter, mode));
    if (!candidate) continue;
    const exact = isExact(candidate.value, target, mode.abs);
    const match = { candidate, exact, mode };
    if (mode.exactOnly && !exact) continue;
    if (exact || preciseEnough(token, mode)) return { match, coarse: null };
    coarse ??= match;
  }
  return { match: null, coarse };
}

/** The nearest record in a wider window, to tell the writer what the number should have been. */
export function nearMiss(token: NumberToken, index: RecordIndex, modes: Mode[], filter: Filter = null): Match | null {
  let best: Match | null = null;
  let bestDistance = Infinity;
  for (const mode of modes) {
    const target = (mode.abs ? Math.abs(token.value) : token.value) / mode.scale;
    const window = Math.max(20 * (halfUnit(token) / mode.scale), Math.abs(target) * 0.02);
    const candidate = closest(index[mode.family], target, window, mode.abs, combine(filter, mode));
    if (!candidate) continue;
    const d =
      Math.abs((mode.abs ? Math.abs(candidate.value) : candidate.value) - target) / Math.max(Math.abs(target), 1e-12);
    if (d < bestDistance) [best, bestDistance] = [{ candidate, exact: false, mode }, d];
  }
  return best;
}

/** How the record would be printed at the token's precision ("97.9%"). */
export function printedAs(match: Match, token: NumberToken): string {
  const v = (match.mode.abs ? Math.abs(match.candidate.value) : match.candidate.value) * match.mode.scale;
  return `${v.toFixed(Math.min(token.decimals, 12))}${token.percent ? "%" : ""}`;
}

export function describe(candidate: Candidate): string {
  const s = candidate.source;
  const value = typeof s.value === "number" ? Number(s.value.toPrecision(6)) : s.value;
  if (s.derivation) return `${String(s.derivation)} = ${value}`;
  if (s.artifact) return `${String(s.artifact)} ${String(s.path)} = ${value}`;
  if (s.setting) return `setting ${String(s.setting)} = ${value}`;
  if (s.param) return `run_${String(s.run)} ${String(s.param)} = ${value}`;
  if (s.count) return `${String(s.count)} = ${value}`;
  return `${JSON.stringify(s).slice(0, 80)}`;
}

export const MODES = {
  direct: [
    { family: "direct", scale: 1, abs: false },
    { family: "described", scale: 1, abs: false, exactOnly: true },
  ] as Mode[],
  spread: [{ family: "spread", scale: 1, abs: false }] as Mode[],
  percent: [
    { family: "direct", scale: 100, abs: false, label: "as a percentage" },
    { family: "direct", scale: 1, abs: false, asPercent: true },
    { family: "diff", scale: 100, abs: true, label: "percentage points" },
    { family: "change", scale: 1, abs: true, label: "percent change" },
    { family: "diff", scale: 1, abs: true },
  ] as Mode[],
  spreadPercent: [
    { family: "spread", scale: 100, abs: false, label: "as a percentage" },
    { family: "spread", scale: 1, abs: false, asPercent: true },
  ] as Mode[],
  points: [
    { family: "diff", scale: 100, abs: true, label: "percentage points" },
    { family: "diff", scale: 1, abs: true },
  ] as Mode[],
  derived: [{ family: "diff", scale: 1, abs: true }] as Mode[],
  ratio: [{ family: "ratio", scale: 1, abs: false }] as Mode[],
};
