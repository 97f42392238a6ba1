/**
 * The search space of a seed-format template, inferred from experiment.py's knobs (found by infer_space.py with
 * Python's ast in the sandbox): a small grid per knob, written out as inferred-space.yaml for the user to inspect
 * and keep (its `space` block pastes into template.yaml as it is).
 */
import { Document, isSeq, visit } from "yaml";
import { z } from "zod";
import { TemplateError } from "./errors.ts";
import type { ParamValue, Params } from "./params-block.ts";

export const knobSchema = z.object({
  name: z.string().min(1),
  /** argparse flag, module/main constant, class field, function local, or a call's literal argument. */
  kind: z.enum(["argparse", "constant", "field", "local", "argument"]),
  value: z.union([z.number(), z.boolean(), z.string()]),
  type: z.enum(["int", "float", "bool", "str"]),
  line: z.number().int(),
  col: z.number().int(),
  end_line: z.number().int(),
  end_col: z.number().int(),
  scope: z.string(),
  flag: z.string().optional(),
  action: z.enum(["store", "store_true", "store_false"]).optional(),
  choices: z.array(z.union([z.number(), z.boolean(), z.string()])).optional(),
});
export type Knob = z.infer<typeof knobSchema>;

/** Six significant digits: 0.001 × 0.5 is 0.0005, not 0.00050000000000000001. */
function tidy(value: number): number {
  return Number(value.toPrecision(6));
}

/**
 * The values the rules ideator may give a knob, baseline included: numbers ×0.5 and ×2 (ints rounded and kept
 * ≥ 1 where the baseline is a positive int; a fraction in (0, 1) whose double reaches 1 moves halfway to 1
 * instead, so betas and train fractions stay valid), booleans both ways, argparse choices as declared.
 */
export function gridFor(knob: Knob): ParamValue[] {
  const base = knob.value;
  if (knob.choices && knob.choices.length > 1) return [...knob.choices];
  if (typeof base === "boolean") return [base, !base];
  if (typeof base !== "number" || base === 0) return [base];
  let values: number[];
  if (knob.type === "int") {
    values = [Math.round(base * 0.5), base, base * 2].map((v) => (base > 0 ? Math.max(1, v) : v));
  } else {
    const up = base > 0 && base < 1 && base * 2 >= 1 ? 1 - (1 - base) * 0.5 : base * 2;
    values = [tidy(base * 0.5), base, tidy(up)];
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Knob → values, for every knob with something to try. */
export function inferSpace(knobs: readonly Knob[]): Record<string, ParamValue[]> {
  const space: Record<string, ParamValue[]> = {};
  for (const knob of knobs) {
    const values = gridFor(knob);
    if (values.length > 1) space[knob.name] = values;
  }
  return space;
}

/** A value from config or `--set KNOB=VALUE` (a string there) as the knob's own type, or a clear error. */
export function coerceSetting(knob: Knob, raw: unknown): ParamValue {
  const fail = (why: string): never => {
    throw new TemplateError(
      "TEMPLATE_BAD_SETTING",
      `setting ${knob.name}=${String(raw)}: ${why} (baseline ${JSON.stringify(knob.value)}, ${knob.type})`,
      { key: knob.name },
    );
  };
  if (knob.type === "bool") {
    if (typeof raw === "boolean") return raw;
    if (typeof raw === "string" && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === "true";
    return fail("expected true or false");
  }
  if (knob.type === "str") {
    const value = String(raw);
    if (knob.choices && !knob.choices.includes(value)) fail(`expected one of ${knob.choices.join(", ")}`);
    return value;
  }
  const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) return fail("expected a number");
  if (knob.type === "int" && !Number.isInteger(value)) fail("expected an integer");
  return value;
}

/** Resolves fixed settings against the known knobs: an unknown name fails naming it and listing the known ones. */
export function resolveSettings(knobs: readonly Knob[], raw: Readonly<Record<string, unknown>>): Params {
  const byName = new Map(knobs.map((k) => [k.name, k]));
  const out: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const knob = byName.get(name);
    if (!knob) {
      throw new TemplateError(
        "TEMPLATE_UNKNOWN_SETTING",
        `setting ${name}: experiment.py has no such knob (known: ${[...byName.keys()].join(", ") || "none"})`,
        { key: name, file: "experiment.py" },
      );
    }
    out[name] = coerceSetting(knob, value);
  }
  return out;
}

/** inferred-space.yaml: each knob's baseline, values and where it is, then a `space` block for template.yaml. */
export function inferredSpaceYaml(
  template: string,
  knobs: readonly Knob[],
  space: Record<string, ParamValue[]>,
  fixed: Params,
): string {
  const entries = Object.fromEntries(
    knobs.map((k) => [
      k.name,
      {
        baseline: k.value,
        values: space[k.name] ?? [k.value],
        where: `experiment.py:${k.line}:${k.col + 1}`,
        kind: k.kind,
        ...(k.flag ? { flag: k.flag } : {}),
        ...(k.name in fixed ? { fixed: fixed[k.name] } : {}),
      },
    ]),
  );
  const header =
    `# Inferred from ${template}/experiment.py with Python's ast (no template.yaml space): every knob the rules\n` +
    "# ideator may vary, its baseline, the values it tries and where the literal is (line:column). Settings are applied\n" +
    "# by overriding exactly these values (argparse flags, or the literal in the parsed code), never by editing the file.\n" +
    "# To keep or change this space, copy the `space:` block below into the template's template.yaml.\n";
  const varied = Object.fromEntries(Object.entries(space).filter(([name]) => !(name in fixed)));
  const doc = new Document({ knobs: entries, fixedSettings: fixed, space: varied }, { aliasDuplicateObjects: false });
  // Value lists on one line each ([0.0005, 0.001, 0.002]), as one would write them in template.yaml.
  visit(doc, { Seq: (_, node) => void (isSeq(node) && (node.flow = true)) });
  return `${header}${doc.toString({ lineWidth: 0 })}`;
}
