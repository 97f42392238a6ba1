/**
 * Distinct reviewer personas for the rules policy: each weighs the same evidence differently, so a panel of five
 * disagrees the way real reviewers do. Weights apply to features in [-1, 1]; bias shifts strictness.
 */
export interface Persona {
  name: string;
  focus: string;
  weights: { effect: number; consistency: number; reliability: number; novelty: number; rigor: number };
  bias: number;
}

export const personas: Persona[] = [
  {
    name: "empiricist",
    focus: "the size of the measured effect",
    weights: { effect: 2.2, consistency: 0.8, reliability: 0.4, novelty: 0.2, rigor: 0.3 },
    bias: 0,
  },
  {
    name: "skeptic",
    focus: "effects that do not clear the seed spread, and failed runs",
    weights: { effect: 1.4, consistency: 1.0, reliability: 1.2, novelty: 0.2, rigor: 0.4 },
    bias: -0.6,
  },
  {
    name: "methodologist",
    focus: "consistency across datasets and seeds",
    weights: { effect: 0.8, consistency: 2.0, reliability: 0.8, novelty: 0.1, rigor: 0.6 },
    bias: -0.2,
  },
  {
    name: "novelty-seeker",
    focus: "whether the question is new",
    weights: { effect: 0.9, consistency: 0.5, reliability: 0.3, novelty: 1.6, rigor: 0.2 },
    bias: 0.1,
  },
  {
    name: "practitioner",
    focus: "whether the result is reliable enough to use",
    weights: { effect: 1.2, consistency: 0.9, reliability: 1.0, novelty: 0.3, rigor: 0.8 },
    bias: 0,
  },
];

export function personaForSeat(seat: number): Persona {
  return personas[seat % personas.length]!;
}
