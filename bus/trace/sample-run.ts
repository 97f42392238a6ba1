import { deterministicId, type Envelope } from "../envelope.ts";
import type { TraceEntry } from "./trace-entry.ts";

/*
 * A small but realistic run for the tests of bus/trace (not exported from index.ts): two ideas, one fails novelty,
 * the other runs a baseline and one experiment, is written up, reviewed by a panel of five in parallel and decided;
 * plus one orphan whose cause was trimmed from the stream.
 */

export const SAMPLE_RUN = "r202611271700-abc123";
const START = Date.parse("2026-11-27T17:00:00.000Z");

interface Step {
  type: string;
  from: string;
  cause: string | null;
  correlation: string;
  atMs: number;
  seat?: number;
  payload?: Record<string, unknown>;
  handled?: { agent: string; startMs: number; endMs: number };
}

export function iso(offsetMs: number): string {
  return new Date(START + offsetMs).toISOString();
}

export function entry(step: Step, seq: number, id?: string): TraceEntry {
  const envelope: Envelope = {
    id: id ?? deterministicId(step.cause, step.type, step.seat ?? 0, SAMPLE_RUN),
    type: step.type,
    run: SAMPLE_RUN,
    from: step.from,
    causation: step.cause,
    correlation: step.correlation,
    at: iso(step.atMs),
    v: 1,
    payload: step.payload ?? {},
  };
  const result: TraceEntry = { envelope, seq };
  if (step.handled) {
    result.handledBy = {
      agent: step.handled.agent,
      startedAt: iso(step.handled.startMs),
      endedAt: iso(step.handled.endMs),
    };
  }
  return result;
}

/** The run's entries in stream order (seq 1..n). */
export function sampleRun(): TraceEntry[] {
  const out: TraceEntry[] = [];
  const push = (step: Step, id?: string): string => {
    const made = entry(step, out.length + 1, id);
    out.push(made);
    return made.envelope.id;
  };

  const started = push({
    type: "run.started",
    from: "cli/main",
    cause: null,
    correlation: SAMPLE_RUN,
    atMs: 0,
    payload: { template: "nanogpt", policy: "rules", ideas: 2, maxInFlightIdeas: 2 },
  });
  const idea1 = push({
    type: "idea.proposed",
    from: "ideator/0",
    cause: started,
    correlation: "idea-1",
    atMs: 120,
    seat: 0,
    payload: { ideaId: "idea-1" },
    handled: { agent: "novelty/0", startMs: 130, endMs: 2_400 },
  });
  const idea2 = push({
    type: "idea.proposed",
    from: "ideator/0",
    cause: started,
    correlation: "idea-2",
    atMs: 180,
    seat: 1,
    payload: { ideaId: "idea-2" },
    handled: { agent: "novelty/1", startMs: 190, endMs: 1_900 },
  });
  push({
    type: "idea.failed",
    from: "novelty/1",
    cause: idea2,
    correlation: "idea-2",
    atMs: 1_900,
    payload: { ideaId: "idea-2", stage: "novelty", reason: "not novel" },
  });
  const assessed = push({
    type: "idea.assessed",
    from: "novelty/0",
    cause: idea1,
    correlation: "idea-1",
    atMs: 2_400,
    payload: { ideaId: "idea-1", novel: true },
    handled: { agent: "coder/0", startMs: 2_410, endMs: 2_600 },
  });
  const req0 = push({
    type: "experiment.requested",
    from: "coder/0",
    cause: assessed,
    correlation: "idea-1",
    atMs: 2_600,
    payload: { ideaId: "idea-1", runIndex: 0 },
    handled: { agent: "experimenter/0", startMs: 2_650, endMs: 9_650 },
  });
  const fin0 = push({
    type: "experiment.finished",
    from: "experimenter/0",
    cause: req0,
    correlation: "idea-1",
    atMs: 9_650,
    payload: { ideaId: "idea-1", runIndex: 0, status: "ok" },
  });
  const req1 = push({
    type: "experiment.requested",
    from: "coder/0",
    cause: fin0,
    correlation: "idea-1",
    atMs: 9_800,
    payload: { ideaId: "idea-1", runIndex: 1 },
    handled: { agent: "experimenter/1", startMs: 9_810, endMs: 17_000 },
  });
  const fin1 = push({
    type: "experiment.finished",
    from: "experimenter/1",
    cause: req1,
    correlation: "idea-1",
    atMs: 17_000,
    payload: { ideaId: "idea-1", runIndex: 1, status: "ok" },
  });
  const study = push({
    type: "study.completed",
    from: "coder/0",
    cause: fin1,
    correlation: "idea-1",
    atMs: 17_200,
    payload: { ideaId: "idea-1" },
    handled: { agent: "writer/0", startMs: 17_210, endMs: 30_000 },
  });
  const drafted = push({
    type: "paper.drafted",
    from: "writer/0",
    cause: study,
    correlation: "paper-1",
    atMs: 30_000,
    payload: { ideaId: "idea-1", paperId: "paper-1" },
  });
  // The area chair requests all five seats in the same millisecond: the panel reviews in parallel.
  const requests: string[] = [];
  for (let seat = 0; seat < 5; seat++) {
    requests.push(
      push({
        type: "review.requested",
        from: "area-chair/0",
        cause: drafted,
        correlation: "paper-1",
        atMs: 30_050,
        seat,
        payload: { ideaId: "idea-1", paperId: "paper-1", seat },
        handled: { agent: `reviewer/${seat}`, startMs: 30_060, endMs: 31_000 + 700 * seat },
      }),
    );
  }
  let lastReview = "";
  // Reviews land in a different order from the requests: seat 3 first, seat 1 last.
  const landing = [3, 0, 4, 2, 1];
  landing.forEach((seat, i) => {
    lastReview = push({
      type: "review.submitted",
      from: `reviewer/${seat}`,
      cause: requests[seat]!,
      correlation: "paper-1",
      atMs: 33_000 + 500 * i,
      seat,
      payload: { ideaId: "idea-1", paperId: "paper-1", seat },
    });
  });
  const decided = push({
    type: "paper.decided",
    from: "area-chair/0",
    cause: lastReview,
    correlation: "paper-1",
    atMs: 35_200,
    payload: { ideaId: "idea-1", paperId: "paper-1", decision: "Accept" },
  });
  push({
    type: "run.completed",
    from: "cli/main",
    cause: decided,
    correlation: SAMPLE_RUN,
    atMs: 35_300,
    payload: { proposed: 2, decided: 1, dropped: 0, failed: 1, reason: "ideas exhausted" },
  });
  // A message whose cause was trimmed from the stream.
  push(
    {
      type: "experiment.finished",
      from: "experimenter/2",
      cause: "0123456789abcdef0123456789abcdef",
      correlation: "idea-9",
      atMs: 5_000,
      payload: { ideaId: "idea-9", runIndex: 0, status: "timeout" },
    },
    "orphan-experiment-finished",
  );
  return out;
}

export const ORPHAN_ID = "orphan-experiment-finished";
