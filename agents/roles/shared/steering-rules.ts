/**
 * What rules policies can honour of an operator's text (a constraint on new ideas, a note for one idea): knob names
 * the text mentions, with "only", a negation ("no", "not", "never", "without", "avoid", "don't") or a bound
 * ("learning_rate <= 0.1"). A knob matches by its name or with spaces for underscores ("learning rate").
 */

type Value = string | number | boolean;

export interface KnobRule {
  /** Only these knobs may change (null: any). */
  only: Set<string> | null;
  exclude: Set<string>;
  bounds: Map<string, { min: number | null; max: number | null; minStrict: boolean; maxStrict: boolean }>;
  /** The texts that named no knob of the template (the rules policy cannot honour them; they are logged). */
  unhonoured: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const knobPattern = (knob: string) => knob.split("_").map(escape).join("[ _-]?");
const NEGATION = /\b(no|not|never|without|avoid|don'?t|do not|except)\b/i;

/** Parses every text against the template's knobs into one rule (texts combine: all must hold). */
export function knobRule(texts: readonly string[], knobs: readonly string[]): KnobRule {
  const rule: KnobRule = { only: null, exclude: new Set(), bounds: new Map(), unhonoured: [] };
  // Longer knob names first, so "learning_rate_decay" is not read as "learning_rate".
  const sorted = [...knobs].sort((a, b) => b.length - a.length);
  for (const text of texts) {
    let named = false;
    const mentioned: string[] = [];
    let rest = text;
    for (const knob of sorted) {
      const re = new RegExp(`(^|[^a-zA-Z0-9_])(${knobPattern(knob)})(?![a-zA-Z0-9_])`, "gi");
      let m: RegExpExecArray | null;
      while ((m = re.exec(rest)) !== null) {
        named = true;
        const start = m.index + m[1]!.length;
        const before =
          rest
            .slice(0, start)
            .split(/[,;.]|\band\b|\bbut\b/i)
            .pop() ?? "";
        const after = rest.slice(start + m[2]!.length);
        const bound = /^\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/i.exec(after);
        if (bound) addBound(rule, knob, bound[1]!, Number(bound[2]));
        else if (NEGATION.test(before) && !/\bonly\b/i.test(before)) rule.exclude.add(knob);
        else mentioned.push(knob);
      }
      // Blank out what matched so a shorter knob name does not match inside it.
      rest = rest.replace(re, (all, lead: string) => lead + " ".repeat(all.length - lead.length));
    }
    if (!named) rule.unhonoured.push(text);
    else if (/\bonly\b/i.test(text) && mentioned.length > 0) {
      rule.only = rule.only ? new Set([...rule.only].filter((k) => mentioned.includes(k))) : new Set(mentioned);
    }
  }
  return rule;
}

function addBound(rule: KnobRule, knob: string, op: string, value: number): void {
  const b = rule.bounds.get(knob) ?? { min: null, max: null, minStrict: false, maxStrict: false };
  if (op === "<=" || op === "<" || op === "=") b.max = b.max === null ? value : Math.min(b.max, value);
  if (op === ">=" || op === ">" || op === "=") b.min = b.min === null ? value : Math.max(b.min, value);
  if (op === "<") b.maxStrict = true;
  if (op === ">") b.minStrict = true;
  rule.bounds.set(knob, b);
}

/** Whether changing `knob` to `value` keeps the rule. */
export function allows(rule: KnobRule, knob: string, value: Value): boolean {
  if (rule.only && !rule.only.has(knob)) return false;
  if (rule.exclude.has(knob)) return false;
  const b = rule.bounds.get(knob);
  if (!b) return true;
  if (typeof value !== "number") return false;
  if (b.min !== null && (b.minStrict ? value <= b.min : value < b.min)) return false;
  if (b.max !== null && (b.maxStrict ? value >= b.max : value > b.max)) return false;
  return true;
}

/** The knob space with what the rule forbids removed (knobs left with no value are dropped). */
export function filterSpace(space: Record<string, Value[]>, rule: KnobRule): Record<string, Value[]> {
  const out: Record<string, Value[]> = {};
  for (const [knob, values] of Object.entries(space)) {
    const kept = values.filter((v) => allows(rule, knob, v));
    if (kept.length > 0) out[knob] = kept;
  }
  return out;
}
