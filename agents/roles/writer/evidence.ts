import type { Payload } from "../../../bus/index.ts";

type Study = Payload<"study.completed">;
type Drafted = Payload<"paper.drafted">;

/** The measured facts a paper rests on: per dataset, the best run's primary metric against the baseline's. */
export function measureEvidence(study: Study, primary: string, higherIsBetter: boolean): Omit<Drafted["evidence"], "checkedNumbers"> {
  const ok = study.runs.filter((r) => r.runIndex > 0 && r.status === "ok" && r.finalInfo);
  const effects: Drafted["evidence"]["effects"] = [];
  for (const [dataset, info] of Object.entries(study.baseline)) {
    const baseline = info.means[primary];
    if (baseline === undefined) continue;
    let best: { value: number; runIndex: number; spread: number } | null = null;
    for (const run of ok) {
      const entry = run.finalInfo![dataset];
      const value = entry?.means[primary];
      if (value === undefined) continue;
      const better = best === null || (higherIsBetter ? value > best.value : value < best.value);
      const stds = (entry as { stds?: Record<string, number> }).stds;
      if (better) best = { value, runIndex: run.runIndex, spread: stds?.[primary] ?? 0 };
    }
    if (best) {
      effects.push({ dataset, baseline, best: best.value, delta: Number((best.value - baseline).toFixed(6)), spread: best.spread, runIndex: best.runIndex });
    }
  }
  const attempted = study.runs.filter((r) => r.runIndex > 0);
  const noveltyHits = study.evidence.filter((e) => e.source !== "archive" && /overlap (0\.[5-9]|1\.)/.test(e.note ?? "")).length;
  return {
    primaryMetric: primary,
    higherIsBetter,
    effects,
    runsAttempted: attempted.length,
    runsFailed: attempted.filter((r) => r.status !== "ok").length,
    noveltyHits,
  };
}
