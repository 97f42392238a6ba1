// The page's model of a run, folded from the run's messages in stream order. Plain JS (no build step): the server
// sends the stream's own envelopes, so this is the only place the page interprets them.

export const STAGES = ["proposed", "assessed", "experiments", "written", "decided", "dropped"];

/** Internal bookkeeping messages: they change an agent's state but are not part of the conversation drawn. */
export const INTERNAL_TYPES = new Set(["actor.transitioned"]);

export function emptyRunState(run, topology) {
  return {
    run,
    topology, // role -> message types it consumes
    seen: new Set(), // stream sequences already folded (a reconnect replays the stream)
    messages: [], // envelopes of the conversation, in stream order
    byId: new Map(),
    consumedBy: new Map(), // message id -> Map(role -> agent that handled it, known once that agent answered)
    counts: new Map(),
    total: 0,
    agents: new Map(),
    ideas: new Map(),
    papers: new Map(),
    deadLetters: [],
    unreadable: 0,
    completed: null,
    budgetExhausted: null,
  };
}

/** State changes kept per agent for the tooltip of its state cell. */
const HISTORY_KEPT = 12;

export const roleOf = (agent) => (agent.includes("/") ? agent.slice(0, agent.indexOf("/")) : agent);

function agent(state, id) {
  let a = state.agents.get(id);
  if (!a) {
    a = { id, role: roleOf(id), sent: 0, handled: 0, lastSent: null, lastAt: null, state: null, history: [] };
    state.agents.set(id, a);
  }
  return a;
}

function idea(state, id) {
  let i = state.ideas.get(id);
  if (!i) {
    i = { id, name: id, title: "", parent: null, stage: "proposed", novel: null, reason: null, requested: 0, finished: 0, failedRuns: 0, decision: null, overall: null };
    state.ideas.set(id, i);
  }
  return i;
}

function paper(state, p) {
  let x = state.papers.get(p.paperId);
  if (!x) {
    x = { id: p.paperId, ideaId: p.ideaId, title: p.title ?? p.paperId, path: p.path ?? null, requested: 0, reviews: new Map(), decision: null, overall: null, scores: null, metaReview: null };
    state.papers.set(p.paperId, x);
  }
  return x;
}

/** Records that `agentId` handled message `causeId` (known from what it sent, or from its state changes). */
function noteHandled(state, causeId, agentId) {
  const cause = causeId ? state.byId.get(causeId) : null;
  if (!cause || !agentId) return;
  const handler = agent(state, agentId);
  const handlers = state.consumedBy.get(cause.id) ?? new Map();
  if (!handlers.has(handler.role)) {
    handlers.set(handler.role, agentId);
    handler.handled += 1;
  }
  state.consumedBy.set(cause.id, handlers);
}

/** Folds one stored message (`{ seq, subject, envelope, error }`) into the state; returns false when already seen. */
export function foldMessage(state, stored) {
  if (state.seen.has(stored.seq)) return false;
  state.seen.add(stored.seq);
  state.total += 1;
  const e = stored.envelope;
  if (!e) {
    state.unreadable += 1;
    return true;
  }
  state.counts.set(e.type, (state.counts.get(e.type) ?? 0) + 1);
  const p = e.payload ?? {};
  if (e.type === "actor.transitioned") {
    // A state change is caused by the message the actor handled: it names the consumer even when it sent nothing.
    noteHandled(state, e.causation, p.agent);
    const a = agent(state, p.agent);
    a.state = { actorKey: p.actorKey, machine: p.machine, from: p.from, to: p.to, at: e.at };
    a.history = [...a.history, `${p.actorKey}: ${p.from ?? "(new)"} → ${p.to} (${p.event})`].slice(-HISTORY_KEPT);
    return true;
  }
  state.byId.set(e.id, e);
  state.messages.push(e);
  const sender = agent(state, e.from);
  sender.sent += 1;
  sender.lastSent = e.type;
  sender.lastAt = e.at;
  noteHandled(state, e.causation, e.from);
  switch (e.type) {
    case "idea.proposed": {
      const i = idea(state, p.ideaId);
      Object.assign(i, { name: p.idea?.Name ?? p.ideaId, title: p.idea?.Title ?? "", parent: p.parent ?? null, stage: "proposed" });
      break;
    }
    case "idea.assessed": {
      const i = idea(state, p.ideaId);
      Object.assign(i, { novel: p.novel, stage: p.novel ? "assessed" : "dropped", reason: p.novel ? null : `not novel: ${p.reason}` });
      break;
    }
    case "experiment.requested":
      Object.assign(idea(state, p.ideaId), { stage: "experiments" });
      idea(state, p.ideaId).requested += 1;
      break;
    case "experiment.finished": {
      const i = idea(state, p.ideaId);
      i.finished += 1;
      if (p.status !== "ok") i.failedRuns += 1;
      break;
    }
    case "paper.drafted":
      idea(state, p.ideaId).stage = "written";
      paper(state, p);
      break;
    case "review.requested":
      paper(state, p).requested += 1;
      break;
    case "review.submitted":
      paper(state, p).reviews.set(p.seat, { seat: p.seat, persona: p.persona, review: p.review });
      break;
    case "paper.decided": {
      const x = paper(state, p);
      Object.assign(x, { decision: p.decision, overall: p.overall, scores: p.scores, metaReview: p.metaReview, path: p.path });
      for (const r of p.reviews ?? []) x.reviews.set(r.seat, r);
      Object.assign(idea(state, p.ideaId), { stage: "decided", decision: p.decision, overall: p.overall });
      break;
    }
    case "idea.failed":
      Object.assign(idea(state, p.ideaId), { stage: "dropped", reason: `${p.stage}: ${p.reason}` });
      break;
    case "message.deadlettered":
      state.deadLetters.push({ subject: p.subject, reason: p.reason });
      break;
    case "budget.exhausted":
      state.budgetExhausted ??= p.reason;
      break;
    case "run.completed":
      state.completed = p;
      break;
  }
  return true;
}

/** Reviews asked for but not yet submitted, over every paper. */
export function reviewsInFlight(state) {
  let n = 0;
  for (const x of state.papers.values()) if (!x.decision) n += Math.max(0, x.requested - x.reviews.size);
  return n;
}
