// The inference of a seed-format template's knobs: probe_template.py (Python's own ast) on the original's three
// templates, through host python3 (the fast lane; the sandbox lane is tests/template-boot.integration.test.ts),
// and the grid, settings and inferred-space.yaml built from its answer.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { coerceSetting, gridFor, inferSpace, inferredSpaceYaml, resolveSettings, type Knob } from "./index.ts";
import { primaryMetricOf } from "./template-probe.ts";

const seedRoot = fileURLToPath(new URL("../../shared/seed-templates/", import.meta.url));
const script = fileURLToPath(new URL("./probe_template.py", import.meta.url));

function probe(template: string): { knobs: Knob[]; metrics: string[]; imports: string[]; missing: string[] } {
  const dir = join(seedRoot, template);
  return JSON.parse(
    execFileSync("python3", [script, join(dir, "experiment.py"), join(dir, "plot.py")], { encoding: "utf8" }),
  );
}

const present = (name: string) => {
  const ok = existsSync(join(seedRoot, name, "experiment.py"));
  if (!ok) console.warn(`\n!!! SEED TEMPLATE ${name} ABSENT (${seedRoot}): its inference tests are SKIPPED !!!\n`);
  return ok;
};

/** The knob, checked to sit exactly where the literal is in the file. */
function knobAt(template: string, knobs: Knob[], name: string): Knob {
  const knob = knobs.find((k) => k.name === name);
  expect(knob, `${name} in ${knobs.map((k) => k.name).join(", ")}`).toBeDefined();
  const line = readFileSync(join(seedRoot, template, "experiment.py"), "utf8").split("\n")[knob!.line - 1]!;
  const text = line.slice(knob!.col, knob!.end_line === knob!.line ? knob!.end_col : undefined);
  expect(Number(text.replace(/_/g, "")), `${name} at ${knob!.line}:${knob!.col}: "${text}"`).toBe(knob!.value);
  return knob!;
}

describe.skipIf(!present("seir"))("infer_space.py on the original's seir", () => {
  const result = present("seir") ? probe("seir") : { knobs: [], metrics: [], imports: [], missing: [] };
  it("finds the ODE's parameters hidden in the main block: odeint's args tuple, the time span, the initial state", () => {
    expect(knobAt("seir", result.knobs, "odeint.args.0")).toMatchObject({
      value: 0.001,
      type: "float",
      kind: "argument",
      line: 44,
    });
    expect(knobAt("seir", result.knobs, "odeint.args.1")).toMatchObject({ value: 14, type: "int" });
    expect(knobAt("seir", result.knobs, "odeint.args.2")).toMatchObject({ value: 7, type: "int" });
    expect(knobAt("seir", result.knobs, "arange.1")).toMatchObject({ value: 100, line: 43 });
    expect(knobAt("seir", result.knobs, "array.0.0")).toMatchObject({ value: 3000 });
    // out_dir is the swarm's; arange's 0 and 1 are a start and a step, not settings.
    expect(result.knobs.map((k) => k.name)).not.toContain("out_dir");
    expect(result.knobs.map((k) => k.name)).not.toContain("arange.0");
  });
  it("names the metrics of final_info.json's means and the imports", () => {
    expect(result.metrics).toEqual(["infected_peak_day", "infected_peak", "total_infected"]);
    expect(result.imports).toEqual(expect.arrayContaining(["numpy", "scipy", "matplotlib"]));
  });
});

describe.skipIf(!present("grokking"))("infer_space.py on the original's grokking", () => {
  const result = present("grokking") ? probe("grokking") : { knobs: [], metrics: [], imports: [], missing: [] };
  it("finds run()'s locals and keyword literals and the main block's num_seeds dict, skipping accumulators", () => {
    expect(knobAt("grokking", result.knobs, "run.num_total_updates")).toMatchObject({
      value: 7500,
      kind: "local",
      line: 328,
      col: 24,
      scope: "run",
    });
    expect(knobAt("grokking", result.knobs, "run.get_data.batch_size")).toMatchObject({ value: 512, kind: "argument" });
    expect(knobAt("grokking", result.knobs, "run.AdamW.lr")).toMatchObject({ value: 0.001, type: "float" });
    expect(knobAt("grokking", result.knobs, "run.AdamW.betas.1")).toMatchObject({ value: 0.98 });
    for (const dataset of ["x_div_y", "x_plus_y", "x_minus_y", "permutation"]) {
      expect(knobAt("grokking", result.knobs, `num_seeds.${dataset}`)).toMatchObject({ value: 3, kind: "constant" });
    }
    const names = result.knobs.map((k) => k.name);
    // `count = 0` ... `count += 1` and `total = 0` are counters, not settings.
    expect(names).not.toContain("train.count");
    expect(names).not.toContain("evaluate.total");
  });
  it("spells the metric names from the comprehension over run()'s final_info and picks validation accuracy", () => {
    expect(result.metrics).toContain("final_val_acc_mean");
    expect(primaryMetricOf(result.metrics)).toBe("final_val_acc_mean");
    expect(result.imports).toEqual(expect.arrayContaining(["torch", "einops"]));
  });
});

describe.skipIf(!present("earthquake-prediction"))("infer_space.py on the original's earthquake-prediction", () => {
  const result = present("earthquake-prediction")
    ? probe("earthquake-prediction")
    : { knobs: [], metrics: [], imports: [], missing: [] };
  it("finds the module-level hyperparameters and the validation batch count", () => {
    expect(knobAt("earthquake-prediction", result.knobs, "LEARNING_RATE")).toMatchObject({
      value: 0.0003,
      kind: "constant",
      scope: "module",
    });
    expect(knobAt("earthquake-prediction", result.knobs, "N_CYCLES")).toMatchObject({ value: 10, type: "int" });
    expect(knobAt("earthquake-prediction", result.knobs, "LR_DECAY")).toMatchObject({ value: 10, type: "float" });
    expect(knobAt("earthquake-prediction", result.knobs, "Trainer._validate.num_batches")).toMatchObject({
      value: 200,
      kind: "local",
    });
    expect(primaryMetricOf(result.metrics)).toBe("test_roc_auc_mean");
  });
});

const knob = (over: Partial<Knob>): Knob => ({
  name: "k",
  kind: "local",
  value: 1,
  type: "int",
  line: 1,
  col: 0,
  end_line: 1,
  end_col: 1,
  scope: "run",
  ...over,
});

describe("the inferred grid and settings", () => {
  it("halves and doubles numbers; ints stay whole and >= 1; fractions near 1 move halfway to 1; bools flip", () => {
    expect(gridFor(knob({ value: 7500 }))).toEqual([3750, 7500, 15000]);
    expect(gridFor(knob({ value: 1 }))).toEqual([1, 2]);
    expect(gridFor(knob({ value: 0.001, type: "float" }))).toEqual([0.0005, 0.001, 0.002]);
    expect(gridFor(knob({ value: 0.98, type: "float" }))).toEqual([0.49, 0.98, 0.99]);
    expect(gridFor(knob({ value: 0.5, type: "float" }))).toEqual([0.25, 0.5, 0.75]);
    expect(gridFor(knob({ value: true, type: "bool" }))).toEqual([true, false]);
    expect(gridFor(knob({ value: "adam", type: "str", kind: "argparse", choices: ["sgd", "adam"] }))).toEqual([
      "sgd",
      "adam",
    ]);
    expect(
      inferSpace([
        knob({ name: "zero", value: 0 }),
        knob({ name: "s", value: "x", type: "str" }),
        knob({ name: "n", value: 4 }),
      ]),
    ).toEqual({ n: [2, 4, 8] });
  });

  it("reads --set strings as the knob's type and refuses what does not fit", () => {
    expect(coerceSetting(knob({ value: 7500 }), "200")).toBe(200);
    expect(coerceSetting(knob({ value: 0.1, type: "float" }), "1e-3")).toBe(0.001);
    expect(coerceSetting(knob({ value: false, type: "bool" }), "True")).toBe(true);
    expect(() => coerceSetting(knob({ value: 7500 }), "0.5")).toThrow(/expected an integer/);
    expect(() => coerceSetting(knob({ value: 7500 }), "many")).toThrow(/expected a number/);
  });

  it("fails on an unknown knob naming it and listing the known ones", () => {
    const knobs = [knob({ name: "run.num_total_updates", value: 7500 }), knob({ name: "num_seeds.x_div_y", value: 3 })];
    expect(resolveSettings(knobs, { "run.num_total_updates": "200" })).toEqual({ "run.num_total_updates": 200 });
    expect(() => resolveSettings(knobs, { "run.num_updates": 200 })).toThrow(
      /setting run\.num_updates: experiment\.py has no such knob \(known: run\.num_total_updates, num_seeds\.x_div_y\)/,
    );
  });

  it("writes inferred-space.yaml with baseline, values and where, and a space block template.yaml accepts", () => {
    const knobs = [
      knob({ name: "odeint.args.1", value: 14, line: 44, col: 21, kind: "argument" }),
      knob({ name: "run.num_total_updates", value: 7500, line: 328, col: 24 }),
    ];
    const space = inferSpace(knobs);
    const text = inferredSpaceYaml("seir", knobs, space, { "run.num_total_updates": 200 });
    const doc = parseYaml(text) as {
      knobs: Record<string, { baseline: number; values: number[]; where: string; fixed?: number }>;
      space: Record<string, number[]>;
    };
    expect(doc.knobs["odeint.args.1"]).toMatchObject({
      baseline: 14,
      values: [7, 14, 28],
      where: "experiment.py:44:22",
    });
    expect(doc.knobs["run.num_total_updates"]!.fixed).toBe(200);
    expect(doc.space).toEqual({ "odeint.args.1": [7, 14, 28] });
    expect(text).toContain("values: [ 7, 14, 28 ]");
  });
});
