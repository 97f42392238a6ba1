/**
 * Per-stage durations measured from a run's stream (no hook in the runtime needed): a step is what one agent did
 * for one message (its outputs share the cause and the sender). It started when its cause was stored, or when the
 * same agent finished its previous step, whichever is later (a replica handles one message at a time), and ended
 * at its outputs' `at`. So service time excludes queueing, and the critical path of an idea can be rebuilt with
 * parallel review seats.
 */

import { DeliverPolicy } from "@nats-io/jetstream";
import { envelopeSchema, streamName, type BusConnection, type Envelope } from "../bus/index.ts";

export interface TimedEnvelope {
  envelope: Envelope;
  storedMs: number;
}

export interface Step {
  agent: string;
  role: string;
  idea: string;
  cause: string;
  startMs: number;
  endMs: number;
  serviceMs: number;
  /** Time the cause waited for this agent (its previous step still running). */
  waitMs: number;
  outputs: Envelope[];
}

export async function readTimedRun(bus: BusConnection, run: string): Promise<TimedEnvelope[]> {
  const name = streamName(run);
  const last = (await bus.jsm.streams.info(name)).state.last_seq;
  const out: TimedEnvelope[] = [];
  if (last === 0) return out;
  const consumer = await bus.js.consumers.get(name, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const m of messages) {
    const parsed = envelopeSchema.safeParse(m.json());
    if (parsed.success) out.push({ envelope: parsed.data as Envelope, storedMs: Number(m.info.timestampNanos) / 1e6 });
    if (m.seq >= last) break;
  }
  await messages.close();
  return out;
}

export function stepsOf(stored: TimedEnvelope[]): Step[] {
  const storedAt = new Map(stored.map((s) => [s.envelope.id, s.storedMs]));
  const groups = new Map<string, Envelope[]>();
  for (const { envelope } of stored) {
    if (!envelope.causation || envelope.from.startsWith("cli/")) continue;
    const key = `${envelope.from}\u0000${envelope.causation}`;
    const list = groups.get(key) ?? [];
    list.push(envelope);
    groups.set(key, list);
  }
  const byAgent = new Map<string, Array<{ cause: string; outputs: Envelope[]; endMs: number }>>();
  for (const outputs of groups.values()) {
    const first = outputs[0]!;
    const endMs = Math.max(...outputs.map((o) => Date.parse(o.at)));
    const list = byAgent.get(first.from) ?? [];
    list.push({ cause: first.causation!, outputs, endMs });
    byAgent.set(first.from, list);
  }
  const steps: Step[] = [];
  for (const [agent, list] of byAgent) {
    list.sort((a, b) => a.endMs - b.endMs);
    let previousEnd = 0;
    for (const s of list) {
      const causeAt = storedAt.get(s.cause) ?? s.endMs;
      const startMs = Math.max(causeAt, previousEnd);
      const main = s.outputs.find((o) => o.type !== "actor.transitioned") ?? s.outputs[0]!;
      steps.push({
        agent,
        role: agent.split("/")[0]!,
        idea: main.correlation,
        cause: s.cause,
        startMs,
        endMs: s.endMs,
        serviceMs: Math.max(0, s.endMs - startMs),
        waitMs: Math.max(0, startMs - causeAt),
        outputs: s.outputs,
      });
      previousEnd = s.endMs;
    }
  }
  return steps;
}

export interface IdeaTimes {
  idea: string;
  /** Service time per role for this idea, ms. */
  workMs: Record<string, number>;
  /** Zero-queueing critical path from the ideator's proposal step to paper.decided, review seats in parallel. */
  criticalPathMs: number;
  /** The same path with the seats one after another (the seed's serial reviewers). */
  serialPathMs: number;
}

/** Work and critical path of every decided idea. */
export function ideaTimes(stored: TimedEnvelope[], steps: Step[]): IdeaTimes[] {
  const byId = new Map(stored.map((s) => [s.envelope.id, s.envelope]));
  const producing = new Map<string, Step>();
  for (const step of steps) for (const o of step.outputs) producing.set(o.id, step);
  const out: IdeaTimes[] = [];
  for (const { envelope } of stored) {
    if (envelope.type !== "paper.decided") continue;
    const idea = envelope.correlation;
    const mine = steps.filter(
      (s) =>
        s.idea === idea ||
        (s.role === "ideator" && s.outputs.some((o) => o.type === "idea.proposed" && o.correlation === idea)),
    );
    const workMs: Record<string, number> = {};
    for (const s of mine) workMs[s.role] = (workMs[s.role] ?? 0) + s.serviceMs;
    const seats = mine.filter((s) => s.role === "reviewer").map((s) => s.serviceMs);
    let path = 0;
    let reviewOnPath = false;
    let cursor: string | null = envelope.id;
    const visited = new Set<Step>();
    while (cursor) {
      const step = producing.get(cursor);
      if (!step || visited.has(step)) break;
      visited.add(step);
      if (step.role === "reviewer") reviewOnPath = true;
      else path += step.serviceMs;
      if (step.role === "ideator") break;
      cursor = byId.get(step.cause)?.id ?? null;
    }
    const seatMax = seats.length ? Math.max(...seats) : 0;
    const seatSum = seats.reduce((a, b) => a + b, 0);
    out.push({
      idea,
      workMs,
      criticalPathMs: path + (reviewOnPath ? seatMax : 0),
      serialPathMs: path + (reviewOnPath ? seatSum : 0),
    });
  }
  return out;
}
