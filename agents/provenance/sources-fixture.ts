// Sources of a study like the mlp-dynamics template's (three datasets, a baseline and three runs, 3 seeds), for
// the checker's tests: the numbers are what experiment.py writes (4 decimals).
import type { FinalInfo } from "../../bus/index.ts";
import type { ProvenanceSources } from "./types.ts";

const entry = (means: Record<string, number>, stds: Record<string, number>) => ({ means, stds });

export const finalInfos: Record<number, FinalInfo> = {
  0: {
    moons: entry(
      { val_acc: 0.8534, train_loss: 0.3121, val_loss: 0.3342, gen_gap: 0.0221 },
      { val_acc: 0.0123, train_loss: 0.011, val_loss: 0.0134, gen_gap: 0.004 },
    ),
    circles: entry(
      { val_acc: 0.7712, train_loss: 0.4523, val_loss: 0.4701, gen_gap: 0.0178 },
      { val_acc: 0.0201, train_loss: 0.0152, val_loss: 0.0167, gen_gap: 0.0031 },
    ),
    two_spirals: entry(
      { val_acc: 0.6043, train_loss: 0.6512, val_loss: 0.6733, gen_gap: 0.0221 },
      { val_acc: 0.0311, train_loss: 0.021, val_loss: 0.0255, gen_gap: 0.0052 },
    ),
  },
  1: {
    moons: entry(
      { val_acc: 0.9712, train_loss: 0.0851, val_loss: 0.0923, gen_gap: 0.0072 },
      { val_acc: 0.0041, train_loss: 0.006, val_loss: 0.0071, gen_gap: 0.002 },
    ),
    circles: entry(
      { val_acc: 0.9388, train_loss: 0.1502, val_loss: 0.1687, gen_gap: 0.0185 },
      { val_acc: 0.0092, train_loss: 0.0102, val_loss: 0.0113, gen_gap: 0.0033 },
    ),
    two_spirals: entry(
      { val_acc: 0.7121, train_loss: 0.5123, val_loss: 0.5502, gen_gap: 0.0379 },
      { val_acc: 0.0244, train_loss: 0.0189, val_loss: 0.0201, gen_gap: 0.0061 },
    ),
  },
  2: {
    moons: entry(
      { val_acc: 0.97812, train_loss: 0.0711, val_loss: 0.0803, gen_gap: 0.0092 },
      { val_acc: 0.0033, train_loss: 0.005, val_loss: 0.0062, gen_gap: 0.0021 },
    ),
    circles: entry(
      { val_acc: 0.9455, train_loss: 0.1311, val_loss: 0.1498, gen_gap: 0.0187 },
      { val_acc: 0.0087, train_loss: 0.0099, val_loss: 0.0108, gen_gap: 0.0029 },
    ),
    two_spirals: entry(
      { val_acc: 0.7301, train_loss: 0.4912, val_loss: 0.5288, gen_gap: 0.0376 },
      { val_acc: 0.0231, train_loss: 0.0177, val_loss: 0.0196, gen_gap: 0.0058 },
    ),
  },
};

export function sources(overrides: Partial<ProvenanceSources> = {}): ProvenanceSources {
  return {
    finalInfos,
    runs: [
      { runIndex: 0, params: {}, description: "baseline", attempts: 1 },
      { runIndex: 1, params: { width: 32 }, description: "width 32", attempts: 1 },
      { runIndex: 2, params: { width: 64 }, description: "width 64", attempts: 2 },
      { runIndex: 3, params: { width: 128 }, description: "width 128", attempts: 3 },
    ],
    settings: {
      "baseline.width": 16,
      "baseline.learning_rate": 0.05,
      "baseline.epochs": 200,
      "baseline.batch_size": 32,
      seeds: 3,
      "template.timeoutSeconds": 600,
      "template.accuracyTarget": 0.9,
      "idea.Interestingness": 7,
      "idea.Feasibility": 8,
      "idea.Novelty": 6,
      "idea.ratingScale": 10,
    },
    bib: [
      "@inproceedings{kingma2015adam,\n  title = {Adam: A Method for Stochastic Optimization},\n  author = {Kingma, Diederik P.},\n  year = {2015}\n}",
      "@inproceedings{glorot2010understanding,\n  title = {Understanding the difficulty of training deep feedforward neural networks},\n  year = {2010}\n}",
    ].join("\n\n"),
    recordedCitations: [
      { key: "kingma2015adam", source: "offline-corpus", id: "w1" },
      { key: "glorot2010understanding", source: "offline-corpus", id: "w2" },
    ],
    figures: ["val_acc.png", "train_loss.png"],
    ...overrides,
  };
}
