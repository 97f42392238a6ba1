import { createHash } from "node:crypto";
import { fromPromise } from "xstate";
import type { ArchiveEntry, Params } from "../../../bus/index.ts";
import type { RoleContext, TemplateInfo } from "../../runtime/index.ts";
import type { IdeatorConfig } from "./config.ts";
import type { Proposal, ProposeInput } from "./types.ts";
import { filterSpace, knobRule } from "../shared/steering-rules.ts";

/** A small seeded PRNG (mulberry32): the same run proposes the same ideas, so runs are reproducible. */
export function seededRandom(seed: string): () => number {
  let a = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Params as a canonical string: two ideas with the same settings are the same experiment. */
export function canonicalParams(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

function token(value: unknown): string {
  return String(value)
    .replace(/\./g, "p")
    .replace(/[^a-zA-Z0-9_]/g, "_");
}

interface Parent {
  id: string | null;
  name: string | null;
  params: Params;
  generation: number;
  overall: number | null;
}

/**
 * Parents to mutate, best first: decided papers by score, then novel ideas of this run (still under way), then the
 * template's baseline. A novel idea of another run is never a parent: that run may have died before deciding it
 * (kill -9, power loss), and an idea nobody judged must not seed later runs; once resumed and decided, it counts.
 */
export function parentsFrom(archive: ArchiveEntry[], run?: string): Parent[] {
  const decided = archive
    .filter((e) => e.status === "decided" && e.overall !== null)
    .sort((a, b) => (b.overall ?? 0) - (a.overall ?? 0) || b.updatedAt.localeCompare(a.updatedAt));
  const novel = archive.filter((e) => e.status === "novel" && e.run === run);
  const toParent = (e: ArchiveEntry): Parent => ({
    id: e.ideaId,
    name: e.idea.Name,
    params: e.params,
    generation: e.generation,
    overall: e.overall,
  });
  return [
    ...decided.map(toParent),
    ...novel.map(toParent),
    { id: null, name: null, params: {}, generation: 0, overall: null },
  ];
}

/** A parent's params with `knob` set to `value`, `knob` first (the idea's own change leads). */
export function withKnobFirst(params: Params, knob: string, value: string | number | boolean): Params {
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== knob));
  return { [knob]: value, ...rest };
}

/** Builds the seed-format idea text for a parameter change. */
export function describeIdea(
  template: TemplateInfo,
  parent: Parent,
  knob: string,
  value: string | number | boolean,
  archive: ArchiveEntry[],
): Proposal["idea"] {
  const base = template.baselineParams[knob];
  const params = withKnobFirst(parent.params, knob, value);
  const name = Object.keys(params)
    .sort()
    .map((k) => `${k}_${token(params[k])}`)
    .join("__");
  const metric = template.metrics.primary;
  // The parent's score stays out of the idea's text: the paper repeats the title, and a score is no fact of its runs
  // (the lineage with scores is in report.json and index.html).
  const onTop = parent.name ? ` on top of ${parent.name}` : "";
  const ratio =
    typeof value === "number" && typeof base === "number" && value > 0 && base > 0
      ? Math.abs(Math.log10(value / base))
      : 0.5;
  const sameKnob = archive.filter((e) => knob in e.params).length;
  return {
    Name: name,
    Title: `${knob.replace(/_/g, " ")} = ${String(value)} instead of ${String(base)}${onTop}: effect on ${metric}`,
    Experiment:
      `Run ${template.name} with ${Object.entries(params)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ")} ` +
      `(baseline ${knob}=${String(base)}); compare ${metric} with the baseline run_0 on every dataset and seed, ` +
      `and sweep ${knob} through neighbouring values to see the trend.`,
    Interestingness: Math.max(
      1,
      Math.min(10, 4 + Math.round(ratio * 3) + (parent.overall !== null && parent.overall >= 6 ? 1 : 0)),
    ),
    Feasibility: 9,
    Novelty: Math.max(1, Math.min(10, 8 - sameKnob)),
  };
}

/**
 * The rules ideator walks the template's space: each idea changes one knob of a parent, parents taken best-scored
 * first from the archive, skipping any setting the archive has already tried.
 */
export function proposeRules(template: TemplateInfo, input: ProposeInput): Proposal[] {
  const random = seededRandom(`${input.run}|${input.startIndex}`);
  const tried = new Set(input.archive.map((e) => canonicalParams(e.params)));
  tried.add(canonicalParams({}));
  const out: Proposal[] = [];
  // The operator's constraints filter the knob space; a promoted archived idea is the first parent tried.
  const space = filterSpace(template.space, knobRule(input.constraints ?? [], Object.keys(template.space)));
  const parents = parentsFrom(input.archive, input.run);
  const promoted = parents.findIndex((p) => p.id !== null && p.id === input.promoted);
  if (promoted > 0) parents.unshift(...parents.splice(promoted, 1));
  const entry = promoted < 0 ? input.archive.find((e) => e.ideaId === input.promoted) : undefined;
  if (entry)
    parents.unshift({
      id: entry.ideaId,
      name: entry.idea.Name,
      params: entry.params,
      generation: entry.generation,
      overall: entry.overall,
    });
  for (let slot = 0; slot < input.count; slot++) {
    let made: Proposal | null = null;
    for (const parent of parents) {
      // An archived idea whose knobs the template no longer has (its experiment.py changed) cannot be built on.
      if (Object.keys(parent.params).some((k) => !(k in template.baselineParams))) continue;
      const options: Array<[string, string | number | boolean]> = [];
      for (const [knob, values] of Object.entries(space)) {
        for (const value of values) {
          if (value === template.baselineParams[knob] || value === parent.params[knob]) continue;
          if (!tried.has(canonicalParams({ ...parent.params, [knob]: value }))) options.push([knob, value]);
        }
      }
      if (options.length === 0) continue;
      const [knob, value] = options[Math.floor(random() * options.length)]!;
      // The changed knob comes first: the rules coder sweeps the first knob of an idea's params, and it must be this
      // one, not one inherited from the parent.
      const params = withKnobFirst(parent.params, knob, value);
      tried.add(canonicalParams(params));
      const idea = describeIdea(template, parent, knob, value, input.archive);
      const n = input.startIndex + out.length + 1;
      made = {
        ideaId: `idea-${String(n).padStart(3, "0")}-${idea.Name}`.slice(0, 120),
        idea,
        params,
        parent: parent.id,
        generation: parent.generation + 1,
      };
      break;
    }
    if (!made) break; // the space is exhausted
    out.push(made);
  }
  return out;
}

export function ideatorRulesPolicy(context: RoleContext<IdeatorConfig>) {
  return {
    proposeIdeas: fromPromise<Proposal[], ProposeInput>(async ({ input }) =>
      proposeRules(context.services.template, input),
    ),
  };
}
