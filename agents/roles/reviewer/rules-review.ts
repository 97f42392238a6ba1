import type { Payload, Review } from "../../../bus/index.ts";
import type { Persona } from "./personas.ts";

type Drafted = Payload<"paper.drafted">;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const fmt = (x: number) => String(Number(x.toFixed(4)));

/** Evidence turned into features in [-1, 1]. */
export function features(paper: Drafted) {
  const ev = paper.evidence;
  const sign = ev.higherIsBetter ? 1 : -1;
  // Effect in units of seed spread (a floor keeps a zero spread from inflating it).
  const z = ev.effects.map((e) => (sign * e.delta) / Math.max(e.spread, 0.005));
  const meanZ = z.length ? z.reduce((a, b) => a + b, 0) / z.length : -2;
  const better = z.filter((v) => v > 1).length;
  const worse = z.filter((v) => v < -1).length;
  // Effect and consistency carry merit; reliability, novelty and rigor are hygiene: at best neutral (0), so a
  // clean paper that shows nothing cannot score its way to acceptance.
  return {
    effect: Math.tanh(meanZ / 3),
    consistency: z.length ? (better - worse) / z.length : -1,
    reliability: ev.runsAttempted ? -ev.runsFailed / ev.runsAttempted : -1,
    novelty: -Math.min(1, ev.noveltyHits / 3),
    rigor: ev.checkedNumbers > 0 ? 0 : -1,
    meanZ,
    better,
    worse,
  };
}

const toFour = (x: number) => clamp(Math.round(2.5 + 1.5 * x), 1, 4);

/** A NeurIPS-form review computed from the paper's evidence through one persona's weights. */
export function reviewRules(paper: Drafted, persona: Persona): Review {
  const f = features(paper);
  const w = persona.weights;
  const merit = w.effect + w.consistency;
  const score = (w.effect * f.effect + w.consistency * f.consistency + w.reliability * f.reliability + w.novelty * f.novelty + w.rigor * f.rigor) / merit + persona.bias / 3;
  const overall = clamp(Math.round(5.5 + 4.5 * score), 1, 10);
  const ev = paper.evidence;
  const strengths: string[] = [];
  const weaknesses: string[] = [];
  if (f.better > 0) strengths.push(`${f.better} of ${ev.effects.length} datasets improve by more than one seed spread on ${ev.primaryMetric}.`);
  if (ev.runsFailed === 0 && ev.runsAttempted > 0) strengths.push(`All ${ev.runsAttempted} runs completed.`);
  if (ev.checkedNumbers > 0) strengths.push(`All ${ev.checkedNumbers} numbers of the results table match the run artifacts.`);
  if (f.worse > 0) weaknesses.push(`${f.worse} of ${ev.effects.length} datasets get worse by more than one seed spread.`);
  if (f.better === 0) weaknesses.push(`No dataset improves beyond the seed spread (mean effect ${fmt(f.meanZ)} spreads).`);
  if (ev.runsFailed > 0) weaknesses.push(`${ev.runsFailed} of ${ev.runsAttempted} runs failed.`);
  if (ev.noveltyHits > 0) weaknesses.push(`${ev.noveltyHits} closely related papers were found by the novelty search.`);
  if (ev.effects.length < 3) weaknesses.push(`Only ${ev.effects.length} datasets support the claim.`);
  return {
    Summary: `The paper "${paper.title}" reports ${ev.primaryMetric} against a baseline on ${ev.effects.length} datasets. As the ${persona.name} reviewer I focus on ${persona.focus}.`,
    Strengths: strengths.length ? strengths : ["The experiment is small and fully reproducible."],
    Weaknesses: weaknesses.length ? weaknesses : ["The study covers a single template and few seeds."],
    Originality: toFour(1 + 2 * f.novelty),
    Quality: toFour(1 + f.reliability + f.rigor),
    Clarity: toFour(0.5 + f.rigor),
    Significance: toFour(f.effect),
    Questions: ev.effects.map((e) => `On ${e.dataset}, does the change of ${fmt(e.delta)} hold with more seeds (spread ${fmt(e.spread)})?`).slice(0, 3),
    Limitations: ["Results are limited to the template's datasets and seeds.", "The paper was written by rules, without a language model."],
    "Ethical Concerns": false,
    Soundness: toFour(f.consistency + f.reliability),
    Presentation: toFour(0.5 + f.rigor),
    Contribution: toFour(f.effect + f.novelty),
    Overall: overall,
    Confidence: clamp(Math.round(2 + ev.effects.length / 2 + (ev.runsFailed === 0 ? 1 : 0)), 1, 5),
    Decision: overall >= 6 ? "Accept" : "Reject",
  };
}
