import type { Envelope, Payload, StoredEnvelope } from "../../bus/index.ts";

export interface RunReport {
  run: string;
  template: string;
  policy: string;
  startedAt: string;
  endedAt: string;
  messages: number;
  completed: boolean;
  reason: string;
  ideas: { id: string; name: string; title: string; novel: boolean | null; status: string; reason: string | null; params: Record<string, unknown> }[];
  papers: {
    id: string;
    idea: string;
    path: string;
    decision: "Accept" | "Reject";
    overall: number;
    scores: Record<string, number>;
    metaReview: string;
    reviews: Payload<"paper.decided">["reviews"][number]["review"][];
  }[];
  /** Seconds per stage, from the stream's timestamps (mean over ideas that reached the stage). */
  stages: Record<string, { ideas: number; meanSeconds: number }>;
  deadLetters: { subject: string; reason: string }[];
  messageCounts: Record<string, number>;
}

const STAGES: Array<[string, string, string]> = [
  ["novelty", "idea.proposed", "idea.assessed"],
  ["experiments", "idea.assessed", "study.completed"],
  ["writing", "study.completed", "paper.drafted"],
  ["reviewing", "paper.drafted", "paper.decided"],
  ["total", "idea.proposed", "paper.decided"],
];

/** Builds report.json from the run's stream alone: the stream is the record of what happened. */
export function buildReport(stored: StoredEnvelope[], meta: { run: string; template: string; policy: string; startedAt: string; endedAt: string }): RunReport {
  const envelopes = stored.map((s) => s.envelope).filter((e): e is Envelope => e !== null);
  const ideas = new Map<string, RunReport["ideas"][number]>();
  const papers: RunReport["papers"] = [];
  const times = new Map<string, Map<string, number>>();
  const counts: Record<string, number> = {};
  let completion: Payload<"run.completed"> | null = null;
  const deadLetters: RunReport["deadLetters"] = [];
  for (const e of envelopes) {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    const p = e.payload as Record<string, unknown>;
    const ideaId = typeof p.ideaId === "string" ? p.ideaId : null;
    if (ideaId) {
      const t = times.get(ideaId) ?? new Map<string, number>();
      if (!t.has(e.type)) t.set(e.type, Date.parse(e.at));
      times.set(ideaId, t);
    }
    if (e.type === "idea.proposed") {
      const x = e.payload as Payload<"idea.proposed">;
      ideas.set(x.ideaId, { id: x.ideaId, name: x.idea.Name, title: x.idea.Title, novel: null, status: "proposed", reason: null, params: x.params });
    } else if (e.type === "idea.assessed") {
      const x = e.payload as Payload<"idea.assessed">;
      const idea = ideas.get(x.ideaId);
      if (idea) Object.assign(idea, { novel: x.novel, status: x.novel ? "running" : "not-novel", reason: x.novel ? null : x.reason });
    } else if (e.type === "idea.failed") {
      const x = e.payload as Payload<"idea.failed">;
      const idea = ideas.get(x.ideaId);
      if (idea) Object.assign(idea, { status: "failed", reason: `${x.stage}: ${x.reason}` });
    } else if (e.type === "paper.drafted") {
      const idea = ideas.get((e.payload as Payload<"paper.drafted">).ideaId);
      if (idea) idea.status = "reviewing";
    } else if (e.type === "paper.decided") {
      const x = e.payload as Payload<"paper.decided">;
      const idea = ideas.get(x.ideaId);
      if (idea) idea.status = "decided";
      papers.push({ id: x.paperId, idea: x.ideaId, path: x.path, decision: x.decision, overall: x.overall, scores: x.scores, metaReview: x.metaReview, reviews: x.reviews.map((r) => r.review) });
    } else if (e.type === "run.completed") {
      completion = e.payload as Payload<"run.completed">;
    } else if (e.type === "message.deadlettered") {
      const x = e.payload as Payload<"message.deadlettered">;
      deadLetters.push({ subject: x.subject, reason: x.reason });
    }
  }
  const stages: RunReport["stages"] = {};
  for (const [name, from, to] of STAGES) {
    const spans = [...times.values()].filter((t) => t.has(from) && t.has(to)).map((t) => (t.get(to)! - t.get(from)!) / 1000);
    stages[name] = { ideas: spans.length, meanSeconds: spans.length ? Number((spans.reduce((a, b) => a + b, 0) / spans.length).toFixed(3)) : 0 };
  }
  return {
    ...meta,
    messages: stored.length,
    completed: completion !== null,
    reason: completion ? (completion as Payload<"run.completed">).reason : "the run ended before every idea was decided (deadline or interruption)",
    ideas: [...ideas.values()],
    papers,
    stages,
    deadLetters,
    messageCounts: counts,
  };
}
