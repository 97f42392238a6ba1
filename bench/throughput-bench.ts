/**
 * Figure 2, swarm throughput with simulated model latency: ideas decided per minute in a real llm run (token
 * server answering after latency ± jitter, the real sandbox running the template's fixed-duration experiments),
 * beside (a) the ideal its configured slots allow, computed from the per-stage service times measured in that run
 * (stage-times.ts), and (b) the original's sequential loop actually run: one idea at a time, every role one
 * replica, so the review seats go one after another.
 */

import { figure, type SectionResult } from "./figures.ts";
import type { LlmRun } from "./llm-run.ts";
import { ideaTimes, stepsOf } from "./stage-times.ts";

/** Decided ideas per minute, from run.started to the last paper.decided (stream times). */
export function decidedPerMinute(run: LlmRun): { perMinute: number; decided: number; spanMs: number } {
  const started = run.stored.find((s) => s.envelope.type === "run.started")?.storedMs ?? 0;
  const decided = run.stored.filter((s) => s.envelope.type === "paper.decided");
  const last = decided.at(-1)?.storedMs ?? started;
  const spanMs = last - started;
  return { perMinute: spanMs > 0 ? (decided.length / spanMs) * 60_000 : 0, decided: decided.length, spanMs };
}

export interface IdealRate {
  perMinute: number;
  bound: string;
  /**
   * Least makespan each slot allows for the run's N ideas, ms: each role's N × work per idea over its replicas, and
   * ⌈N / in-flight⌉ waves of the critical path (the first idea cannot finish before one critical path either way).
   */
  makespanMs: Record<string, number>;
  /** The same limits as steady rates, ideas/min. */
  limits: Record<string, number>;
  meanCriticalPathMs: number;
  meanSerialPathMs: number;
  workPerIdeaMs: Record<string, number>;
  /** Time messages waited for a busy replica, per idea, by role. */
  waitPerIdeaMs: Record<string, number>;
}

/** The throughput the configured slots allow, from the run's own measured service times. */
export function idealRate(run: LlmRun, replicas: Record<string, number>, maxInFlight: number): IdealRate {
  const steps = stepsOf(run.stored);
  const ideas = ideaTimes(run.stored, steps);
  const n = Math.max(1, ideas.length);
  const workPerIdeaMs: Record<string, number> = {};
  const waitPerIdeaMs: Record<string, number> = {};
  for (const s of steps) {
    workPerIdeaMs[s.role] = (workPerIdeaMs[s.role] ?? 0) + s.serviceMs / n;
    waitPerIdeaMs[s.role] = (waitPerIdeaMs[s.role] ?? 0) + s.waitMs / n;
  }
  const meanCriticalPathMs = ideas.reduce((a, i) => a + i.criticalPathMs, 0) / n;
  const meanSerialPathMs = ideas.reduce((a, i) => a + i.serialPathMs, 0) / n;
  const waves = Math.ceil(n / Math.max(1, maxInFlight));
  const makespanMs: Record<string, number> = {
    [`in-flight ${maxInFlight} × critical path`]: waves * meanCriticalPathMs,
  };
  const limits: Record<string, number> = {
    [`in-flight ${maxInFlight} × critical path`]: (maxInFlight / meanCriticalPathMs) * 60_000,
  };
  for (const [role, work] of Object.entries(workPerIdeaMs)) {
    if (work <= 0) continue;
    const slots = replicas[role] ?? 1;
    makespanMs[`${role} ×${slots}`] = Math.max(meanCriticalPathMs, (n * work) / slots);
    limits[`${role} ×${slots}`] = (slots / work) * 60_000;
  }
  const [bound, longest] = Object.entries(makespanMs).sort((a, b) => b[1] - a[1])[0]!;
  return {
    perMinute: (n / longest) * 60_000,
    bound,
    makespanMs,
    limits,
    meanCriticalPathMs,
    meanSerialPathMs,
    workPerIdeaMs,
    waitPerIdeaMs,
  };
}

export function throughputFigures(
  swarm: LlmRun,
  sequential: LlmRun,
  slots: { replicas: Record<string, number>; maxInFlight: number },
): SectionResult {
  const measured = decidedPerMinute(swarm);
  const seq = decidedPerMinute(sequential);
  const ideal = idealRate(swarm, slots.replicas, slots.maxInFlight);
  const alone = idealRate(sequential, {}, 1); // the same service times with nothing else running
  const seqPredicted = ideal.meanSerialPathMs > 0 ? 60_000 / ideal.meanSerialPathMs : 0;
  const figures = [
    figure({
      name: "ideas decided/min vs ideal",
      value: measured.perMinute,
      unit: "/min",
      anchorName: `ideal (${ideal.bound})`,
      anchor: ideal.perMinute,
      target: "≥ 0.90×",
      atLeast: 0.9,
    }),
    figure({
      name: "ideas decided/min vs sequential",
      value: measured.perMinute,
      unit: "/min",
      anchorName: "sequential, run",
      anchor: seq.perMinute,
      target: "≥ 3×",
      atLeast: 3,
    }),
    figure({
      name: "sequential run vs its prediction",
      value: seq.perMinute,
      unit: "/min",
      anchorName: "1 / serial path",
      anchor: seqPredicted,
      target: null,
    }),
  ];
  const notes: string[] = [];
  const lim = Object.entries(ideal.makespanMs)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(", ");
  const work = Object.entries(ideal.workPerIdeaMs)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(", ");
  const waits = Object.entries(ideal.waitPerIdeaMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(", ");
  if (figures[0]!.met === false) {
    notes.push(
      `${measured.decided} ideas in ${(measured.spanMs / 1000).toFixed(0)} s reach ${(figures[0]!.ratio * 100).toFixed(0)}% of the ideal. Least makespan each slot allows for these ${measured.decided} ideas (longest first): ${lim}. ` +
        `Service time per idea by role: ${work}; critical path ${(ideal.meanCriticalPathMs / 1000).toFixed(1)} s. ` +
        `Measured waits for a busy replica per idea: ${waits}. The ideal counts no wait; the service times themselves grow when ideas share the host's cores: ` +
        Object.entries(ideal.workPerIdeaMs)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(
            ([k, v]) =>
              `${k} ${(v / 1000).toFixed(1)} s per idea here vs ${((alone.workPerIdeaMs[k] ?? 0) / 1000).toFixed(1)} s in the sequential run`,
          )
          .join(", ") +
        `. ` +
        `What would close it: more replicas of the role that waits most, and a sandbox host with a core per experimenter replica.`,
    );
  }
  if (figures[1]!.met === false) {
    const idealSpeedup = seq.perMinute > 0 ? ideal.perMinute / seq.perMinute : Number.NaN;
    const topWait = Object.entries(ideal.waitPerIdeaMs).sort((a, b) => b[1] - a[1])[0];
    notes.push(
      `speed-up over the sequential loop ${figures[1]!.ratio.toFixed(2)}×; the slots' ideal for ${measured.decided} ideas is ${idealSpeedup.toFixed(2)}× (bound: ${ideal.bound}). ` +
        (idealSpeedup < 3
          ? `With ${measured.decided} ideas and ${slots.maxInFlight} in flight the slots themselves cannot reach 3×; the full mode's 20 ideas can. `
          : `The gap to that ideal is the waits above${topWait ? ` (most: ${topWait[0]} ${(topWait[1] / 1000).toFixed(1)} s per idea)` : ""}. `) +
        `What would close it: more replicas of the bound role, or more ideas in flight.`,
    );
  }
  return {
    section: "2 throughput",
    figures,
    notes,
    details: {
      latencyMs: swarm.options.latencyMs,
      jitterMs: swarm.options.jitterMs,
      swarm: {
        ...measured,
        options: swarm.options,
        failed: swarm.result.report.ideas.filter((i) => i.status !== "decided").length,
      },
      sequential: { ...seq, options: sequential.options },
      ideal,
      sequentialServiceTimes: alone,
    },
  };
}
