/**
 * A run's stream at scale for the trace bench: ideas in the pipeline's shape (proposal, novelty, experiments,
 * study, LaTeX compile, paper, a panel of five reviews fanned out in parallel, decision), each message preceded by
 * the two actor.transitioned entries a real actor step writes, causation chained as the runtime chains it.
 * Envelopes and headers are the runtime's; payloads are stand-ins of a typical size (trace reads only the envelope),
 * so they are published without the per-type payload check.
 */

import { headers } from "@nats-io/transport-node";
import { deterministicId, subjectFor, traceparentOf, type BusConnection, type Envelope } from "../bus/index.ts";

const STEPS: Array<[type: string, from: string]> = [
  ["idea.proposed", "ideator/h-0"],
  ["idea.assessed", "novelty/h-0"],
  ["experiment.requested", "coder/h-0"],
  ["experiment.finished", "experimenter/h-0"],
  ["experiment.requested", "coder/h-0"],
  ["experiment.finished", "experimenter/h-1"],
  ["experiment.requested", "coder/h-0"],
  ["experiment.finished", "experimenter/h-0"],
  ["study.completed", "coder/h-0"],
  ["experiment.requested", "writer/h-0"],
  ["experiment.finished", "experimenter/h-1"],
  ["paper.drafted", "writer/h-0"],
];

const FILLER = "x".repeat(300);

/** Publishes about `total` messages; returns how many it stored. */
export async function publishSyntheticRun(bus: BusConnection, run: string, total: number): Promise<number> {
  const t0 = Date.now();
  let at = 0;
  const pending: Envelope[] = [];
  const started: Envelope = {
    id: deterministicId(null, "run.started", 0, run),
    type: "run.started",
    run,
    from: "cli/bench",
    causation: null,
    correlation: run,
    at: new Date(t0).toISOString(),
    v: 1,
    payload: { ideas: 0 },
  };
  pending.push(started);
  const emit = (type: string, from: string, cause: string, correlation: string, seat: number): string => {
    at += 7;
    for (const [k, to] of [
      ["a", "working"],
      ["b", "idle"],
    ] as const) {
      pending.push({
        id: deterministicId(cause, "actor.transitioned", `${from}|${correlation}|${type}|${seat}|${k}`, run),
        type: "actor.transitioned",
        run,
        from,
        causation: cause,
        correlation,
        at: new Date(t0 + at).toISOString(),
        v: 1,
        payload: {
          agent: from,
          actorKey: correlation,
          machine: from.split("/")[0],
          from: k === "a" ? "idle" : "working",
          to,
          event: type,
        },
      });
    }
    const id = deterministicId(cause, type, `${from}|${correlation}|${seat}`, run);
    pending.push({
      id,
      type,
      run,
      from,
      causation: cause,
      correlation,
      at: new Date(t0 + at).toISOString(),
      v: 1,
      payload: { idea: correlation, seat, text: FILLER },
    });
    return id;
  };
  for (let idea = 0; pending.length < total; idea++) {
    const correlation = `idea-${String(idea).padStart(4, "0")}-bench`;
    let cause = started.id;
    for (const [type, from] of STEPS) cause = emit(type, from, cause, correlation, 0);
    const drafted = cause;
    const submitted = [0, 1, 2, 3, 4].map((seat) =>
      emit(
        "review.submitted",
        `reviewer/h-${seat}`,
        emit("review.requested", "area-chair/h-0", drafted, correlation, seat),
        correlation,
        seat,
      ),
    );
    emit("paper.decided", "area-chair/h-0", submitted.at(-1)!, correlation, 0);
  }
  const batch = 500;
  for (let i = 0; i < pending.length; i += batch)
    await Promise.all(pending.slice(i, i + batch).map((e) => publishRaw(bus, e)));
  return pending.length;
}

function publishRaw(bus: BusConnection, e: Envelope): Promise<unknown> {
  const h = headers();
  h.set("traceparent", traceparentOf(e));
  h.set("sci-type", e.type);
  return bus.js.publish(subjectFor(e.run, e.type), JSON.stringify(e), { msgID: e.id, headers: h });
}
