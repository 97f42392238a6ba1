import type { Payload, Review } from "../../../bus/index.ts";
import { describeUnsupported, hasSpread, unsupportedClaims } from "./paper-facts.ts";
import type { Persona } from "./personas.ts";

type Drafted = Payload<"paper.drafted">;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const fmt = (x: number) => String(Number(x.toFixed(4)));

/** What one-seed evidence can earn at most: it cannot establish that a change is significant. */
export const weakEvidenceCaps = { Overall: 5, Soundness: 2, Significance: 2, Contribution: 2, Confidence: 3 } as const;

/**
 * Evidence turned into features in [-1, 1]. Effects are the idea's own run against the baseline (the writer's
 * evidence), signed by the metric's direction. Only an effect with a seed spread can be measured in spreads; one
 * without (a single seed, or seeds that agree exactly) gives its direction only, at the one-spread bar, so it can
 * never count as a clear gain or loss.
 */
export function features(paper: Drafted) {
  const ev = paper.evidence;
  const sign = ev.higherIsBetter ? 1 : -1;
  const measured = ev.effects.filter((e) => hasSpread(e));
  const unmeasured = ev.effects.filter((e) => !hasSpread(e));
  // Weak: there are effects but none of them has a spread, so nothing here can establish significance.
  const weak = ev.effects.length > 0 && measured.length === 0;
  // A floor keeps a tiny spread from inflating the effect.
  const z = weak
    ? unmeasured.map((e) => Math.sign(sign * e.delta))
    : measured.map((e) => (sign * e.delta) / Math.max(e.spread, 0.005));
  const meanZ = z.length ? z.reduce((a, b) => a + b, 0) / z.length : -2;
  const better = z.filter((v) => v > 1).length;
  const worse = z.filter((v) => v < -1).length;
  const unsupported = unsupportedClaims(paper);
  // Effect and consistency carry merit; reliability, novelty and rigor are hygiene: at best neutral (0), so a
  // clean paper that shows nothing cannot score its way to acceptance.
  return {
    effect: Math.tanh(meanZ / 3),
    // Without spreads, agreement in direction across datasets counts half: it is a trend, not a measured effect.
    consistency: weak ? (0.5 * z.reduce((a, b) => a + b, 0)) / z.length : z.length ? (better - worse) / z.length : -1,
    reliability: ev.runsAttempted ? -ev.runsFailed / ev.runsAttempted : -1,
    novelty: -Math.min(1, ev.noveltyHits / 3),
    rigor: ev.checkedNumbers > 0 && unsupported === 0 ? 0 : -1,
    meanZ,
    better,
    worse,
    counted: z.length,
    weak,
    unmeasured: weak ? [] : unmeasured.map((e) => e.dataset),
    unsupported,
  };
}

const toFour = (x: number) => clamp(Math.round(2.5 + 1.5 * x), 1, 4);

/** A NeurIPS-form review computed from the paper's evidence through one persona's weights. */
export function reviewRules(paper: Drafted, persona: Persona): Review {
  const f = features(paper);
  const w = persona.weights;
  const merit = w.effect + w.consistency;
  const score =
    (w.effect * f.effect +
      w.consistency * f.consistency +
      w.reliability * f.reliability +
      w.novelty * f.novelty +
      w.rigor * f.rigor) /
      merit +
    persona.bias / 3;
  const ev = paper.evidence;
  const direction = ev.higherIsBetter ? "higher is better" : "lower is better";
  const cap = (key: keyof typeof weakEvidenceCaps, value: number) =>
    f.weak ? Math.min(value, weakEvidenceCaps[key]) : value;
  const overall = cap("Overall", clamp(Math.round(5.5 + 4.5 * score), 1, 10));
  const strengths: string[] = [];
  const weaknesses: string[] = [];
  if (f.better > 0)
    strengths.push(
      `${f.better} of ${f.counted} datasets improve ${ev.primaryMetric} (${direction}) by more than one seed spread in the idea's run.`,
    );
  if (ev.runsFailed === 0 && ev.runsAttempted > 0) strengths.push(`All ${ev.runsAttempted} runs completed.`);
  if (ev.checkedNumbers > 0)
    strengths.push(`All ${ev.checkedNumbers} numbers of the results table match the run artifacts.`);
  const unsupported = describeUnsupported(paper);
  // Every persona raises these two: they decide what the evidence can support at all.
  if (unsupported)
    weaknesses.push(`The provenance check found ${unsupported}. An unsupported claim is a soundness problem.`);
  if (f.weak) {
    weaknesses.push(
      `No dataset reports a seed spread for ${ev.primaryMetric}: every comparison is single-seed (or zero-spread), which cannot establish that the change is significant, so this review caps Soundness at ${weakEvidenceCaps.Soundness} and Overall at ${weakEvidenceCaps.Overall}.`,
    );
  } else if (f.unmeasured.length > 0) {
    weaknesses.push(
      `${f.unmeasured.length} of ${ev.effects.length} datasets (${f.unmeasured.join(", ")}) report no seed spread: those comparisons cannot establish significance and are not counted.`,
    );
  }
  if (f.worse > 0)
    weaknesses.push(
      `${f.worse} of ${f.counted} datasets get worse (${direction}) by more than one seed spread in the idea's run.`,
    );
  if (f.better === 0 && !f.weak)
    weaknesses.push(`No dataset improves beyond the seed spread (mean effect ${fmt(f.meanZ)} spreads).`);
  if (ev.runsFailed > 0) weaknesses.push(`${ev.runsFailed} of ${ev.runsAttempted} runs failed.`);
  if (ev.noveltyHits > 0) weaknesses.push(`${ev.noveltyHits} closely related papers were found by the novelty search.`);
  if (ev.effects.length < 3) weaknesses.push(`Only ${ev.effects.length} datasets support the claim.`);
  const questions = ev.effects.map((e) =>
    hasSpread(e)
      ? `On ${e.dataset}, does the change of ${fmt(e.delta)} in run_${e.runIndex} hold with more seeds (spread ${fmt(e.spread)})?`
      : `On ${e.dataset}, how large is the seed spread of run_${e.runIndex}'s change of ${fmt(e.delta)}? Without one it cannot be told from noise.`,
  );
  return {
    Summary: `The paper "${paper.title}" reports ${ev.primaryMetric} (${direction}) of the idea's run against a baseline on ${ev.effects.length} datasets. As the ${persona.name} reviewer I focus on ${persona.focus}.`,
    Strengths: strengths.length ? strengths : ["The experiment is small and fully reproducible."],
    Weaknesses: weaknesses.length ? weaknesses : ["The study covers a single template and few seeds."],
    Originality: toFour(1 + 2 * f.novelty),
    Quality: unsupported ? Math.min(2, toFour(1 + f.reliability + f.rigor)) : toFour(1 + f.reliability + f.rigor),
    Clarity: toFour(0.5 + f.rigor),
    Significance: cap("Significance", toFour(f.effect)),
    Questions: questions.slice(0, 3),
    Limitations: [
      "Results are limited to the template's datasets and seeds.",
      "The paper was written by rules, without a language model.",
    ],
    "Ethical Concerns": false,
    Soundness: cap(
      "Soundness",
      unsupported ? Math.min(2, toFour(f.consistency + f.reliability)) : toFour(f.consistency + f.reliability),
    ),
    Presentation: toFour(0.5 + f.rigor),
    Contribution: cap("Contribution", toFour(f.effect + f.novelty)),
    Overall: overall,
    Confidence: cap("Confidence", clamp(Math.round(2 + ev.effects.length / 2 + (ev.runsFailed === 0 ? 1 : 0)), 1, 5)),
    Decision: overall >= 6 ? "Accept" : "Reject",
  };
}
