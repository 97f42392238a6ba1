// Every number the sources can vouch for, sorted per family so a printed number is looked up by its rounding
// window: recorded values (every numeric leaf of each final_info.json), settings and run params, counts of what
// the sources know, and values derived from two recorded means (differences, ratios, percent changes, across runs
// of one dataset or across datasets of one run) plus means over datasets. Derivations pair only values of the
// same metric: pairing everything with everything would make almost any number "derivable".
import type { FinalInfo } from "../../bus/index.ts";
import { numberTokens } from "./numbers.ts";
import type { ProvenanceSources } from "./types.ts";

export interface Candidate {
  value: number;
  source: Record<string, unknown>;
  /** For values from final_info.json: the metric and the dataset(s) they are of (a sentence may narrow to them). */
  metric?: string;
  datasets?: string[];
  /** A mean over all datasets: not narrowed by the datasets a sentence names. */
  aggregate?: boolean;
}

export class Family {
  private sorted: Candidate[] | null = null;
  private readonly items: Candidate[] = [];
  add(
    value: number,
    source: Record<string, unknown>,
    about: Pick<Candidate, "metric" | "datasets" | "aggregate"> = {},
  ): void {
    if (!Number.isFinite(value)) return;
    this.items.push({ value, source, ...about });
    this.sorted = null;
  }
  get size(): number {
    return this.items.length;
  }
  /** Candidates with lo <= value <= hi. */
  within(lo: number, hi: number): Candidate[] {
    const s = (this.sorted ??= [...this.items].sort((a, b) => a.value - b.value));
    let a = 0;
    let b = s.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (s[mid]!.value < lo) a = mid + 1;
      else b = mid;
    }
    const out: Candidate[] = [];
    for (let i = a; i < s.length && s[i]!.value <= hi; i++) out.push(s[i]!);
    return out;
  }
}

export type CountNoun = "datasets" | "runs" | "seeds" | "metrics" | "figures" | "attempts";

export interface RecordIndex {
  direct: Family;
  /** Numbers in the coder's descriptions of the runs: the model's own words, so they count only verbatim. */
  described: Family;
  spread: Family;
  diff: Family;
  ratio: Family;
  change: Family;
  /** knob or setting name -> the values runs and settings give it. */
  knobs: Map<string, Candidate[]>;
  counts: Map<CountNoun, Candidate[]>;
  runIndexes: Set<number>;
  datasets: string[];
  metrics: string[];
  figures: string[] | null;
}

const SPREAD_KEY = /(?:^|_)(?:std|stds|stderr|stderrs|sem|sd|se|err|ci|spread|var)(?:$|_)/i;

function leaves(value: unknown, path: string, out: Array<[string, number]>): void {
  if (typeof value === "number") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
}

const artifact = (run: number) => `run_${run}/final_info.json`;

function addDerived(
  index: RecordIndex,
  a: { run: number; dataset: string; value: number },
  b: { run: number; dataset: string; value: number },
  metric: string,
): void {
  const what =
    a.dataset === b.dataset
      ? `run_${a.run} vs run_${b.run} ${a.dataset}.means.${metric}`
      : `run_${a.run} ${a.dataset} vs ${b.dataset} means.${metric}`;
  const base = {
    artifact: [artifact(a.run), artifact(b.run)],
    path: [`${a.dataset}.means.${metric}`, `${b.dataset}.means.${metric}`],
    values: [a.value, b.value],
  };
  const about = { metric, datasets: [a.dataset, b.dataset] };
  index.diff.add(a.value - b.value, { ...base, value: a.value - b.value, derivation: `difference of ${what}` }, about);
  if (b.value !== 0) {
    index.ratio.add(a.value / b.value, { ...base, value: a.value / b.value, derivation: `ratio of ${what}` }, about);
    const change = ((a.value - b.value) / Math.abs(b.value)) * 100;
    index.change.add(change, { ...base, value: change, derivation: `percent change of ${what}` }, about);
  }
}

/**
 * The knob names a setting answers to: "baseline.width" -> ["width"]; "space.width[2]" (the third value of the
 * space) -> ["width[2]", "width"]; "array[0][0]" -> ["array[0][0]", "array[0]"].
 */
export function knobNames(key: string): string[] {
  const last = (key.split(".").pop() ?? key).toLowerCase();
  const stripped = last.replace(/\[\d+\]$/, "");
  return stripped !== last && stripped ? [last, stripped] : [last];
}

/** The name a paper writes (`width=64`, `array[0][0]=6000`) as a knob lookup key. */
export function knobName(written: string): string {
  return (written.split(".").pop() ?? written).toLowerCase();
}

export function buildIndex(sources: ProvenanceSources): RecordIndex {
  const finalInfos = Object.entries(sources.finalInfos).map(
    ([run, info]) => [Number(run), info] as [number, FinalInfo],
  );
  const datasets = sources.datasets ?? [...new Set(finalInfos.flatMap(([, info]) => Object.keys(info)))];
  const metrics = sources.metrics ?? [
    ...new Set(finalInfos.flatMap(([, info]) => Object.values(info).flatMap((e) => Object.keys(e.means ?? {})))),
  ];
  const index: RecordIndex = {
    direct: new Family(),
    described: new Family(),
    spread: new Family(),
    diff: new Family(),
    ratio: new Family(),
    change: new Family(),
    knobs: new Map(),
    counts: new Map(),
    datasets,
    metrics,
    figures: sources.figures ?? null,
    runIndexes: new Set([...sources.runs.map((r) => r.runIndex), ...finalInfos.map(([r]) => r)]),
  };
  for (const [run, info] of finalInfos) {
    const found: Array<[string, number]> = [];
    leaves(info, "", found);
    for (const [path, value] of found) {
      const source = { artifact: artifact(run), path, value };
      const parts = path.split(/[.[\]]/).filter(Boolean);
      const about = { datasets: [parts[0]!], metric: parts.filter((p) => !/^\d+$/.test(p)).pop()! };
      index.direct.add(value, source, about);
      if (parts.some((part) => SPREAD_KEY.test(part))) index.spread.add(value, source, about);
    }
  }
  // Derived values over means of one metric.
  const means = new Map<string, Array<{ run: number; dataset: string; value: number }>>();
  for (const [run, info] of finalInfos) {
    for (const [dataset, entry] of Object.entries(info)) {
      for (const [metric, value] of Object.entries(entry.means ?? {})) {
        if (typeof value !== "number") continue;
        const list = means.get(metric) ?? [];
        list.push({ run, dataset, value });
        means.set(metric, list);
      }
    }
  }
  for (const [metric, list] of means) {
    for (const a of list)
      for (const b of list)
        if (a !== b && (a.dataset === b.dataset || a.run === b.run)) addDerived(index, a, b, metric);
    addAggregates(index, metric, list);
  }
  const knob = (key: string, value: number, source: Record<string, unknown>) => {
    index.direct.add(value, source);
    for (const name of knobNames(key)) {
      const list = index.knobs.get(name) ?? [];
      list.push({ value, source });
      index.knobs.set(name, list);
    }
  };
  for (const run of sources.runs) {
    for (const [name, value] of Object.entries(run.params))
      if (typeof value === "number") knob(name, value, { run: run.runIndex, param: name, value });
    for (const token of numberTokens(run.description))
      index.described.add(token.value, {
        run: run.runIndex,
        description: run.description.slice(0, 120),
        value: token.value,
      });
  }
  for (const [name, value] of Object.entries(sources.settings))
    if (typeof value === "number") knob(name, value, { setting: name, value });
  addCounts(
    index,
    sources,
    finalInfos.map(([r]) => r),
  );
  return index;
}

/** Means over the datasets of one metric: per run, of the run's difference to the baseline, and of the best run. */
function addAggregates(
  index: RecordIndex,
  metric: string,
  list: Array<{ run: number; dataset: string; value: number }>,
): void {
  const byRun = new Map<number, Map<string, number>>();
  for (const e of list) byRun.set(e.run, (byRun.get(e.run) ?? new Map()).set(e.dataset, e.value));
  const baseline = byRun.get(0);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const about = { metric, datasets: [...new Set(list.map((e) => e.dataset))], aggregate: true };
  for (const [run, values] of byRun) {
    if (values.size < 2) continue;
    const m = mean([...values.values()]);
    index.direct.add(
      m,
      {
        artifact: artifact(run),
        path: `*.means.${metric}`,
        value: m,
        derivation: `mean over datasets of run_${run} means.${metric}`,
      },
      about,
    );
    if (baseline && run !== 0) {
      const deltas = [...values].filter(([d]) => baseline.has(d)).map(([d, v]) => v - baseline.get(d)!);
      if (deltas.length > 1) {
        const md = mean(deltas);
        index.diff.add(
          md,
          {
            artifact: [artifact(run), artifact(0)],
            path: `*.means.${metric}`,
            value: md,
            derivation: `mean over datasets of run_${run} minus run_0 means.${metric}`,
          },
          about,
        );
      }
    }
  }
  if (!baseline || baseline.size < 2) return;
  for (const pick of [Math.max, Math.min]) {
    const deltas: number[] = [];
    for (const [dataset, base] of baseline) {
      const others = [...byRun].filter(([run, v]) => run !== 0 && v.has(dataset)).map(([, v]) => v.get(dataset)!);
      if (others.length) deltas.push(pick(...others) - base);
    }
    if (deltas.length < 2) continue;
    const md = mean(deltas);
    const which = pick === Math.max ? "highest" : "lowest";
    index.diff.add(
      md,
      {
        path: `*.means.${metric}`,
        value: md,
        derivation: `mean over datasets of the ${which} run minus run_0 means.${metric}`,
      },
      about,
    );
  }
}

function addCounts(index: RecordIndex, sources: ProvenanceSources, okRuns: number[]): void {
  const count = (noun: CountNoun, value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0) return;
    const source = { count: what, value };
    index.direct.add(value, source);
    const list = index.counts.get(noun) ?? [];
    list.push({ value, source });
    index.counts.set(noun, list);
  };
  count("datasets", index.datasets.length, "datasets");
  const all = [...index.runIndexes];
  const beyond = all.filter((r) => r > 0);
  count("runs", all.length, "runs");
  count("runs", beyond.length, "runs beyond the baseline");
  count("runs", okRuns.length, "runs with results");
  count("runs", okRuns.filter((r) => r > 0).length, "runs with results beyond the baseline");
  count("runs", sources.runs.filter((r) => !(r.runIndex in sources.finalInfos)).length, "runs without results");
  count("metrics", index.metrics.length, "metrics");
  if (index.figures) count("figures", index.figures.length, "figures");
  for (const [name, value] of Object.entries(sources.settings))
    if (/seed/i.test(name) && typeof value === "number") count("seeds", value, `setting ${name}`);
  for (const run of sources.runs)
    if (run.attempts !== undefined) count("attempts", run.attempts, `attempts of run_${run.runIndex}`);
}
