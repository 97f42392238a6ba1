import { payloadSchemaFor, type Envelope, type Payload, type StoredEnvelope } from "../../bus/index.ts";
import type { LedgerJson, SpendTotals } from "../llm/index.ts";
import type { ReplayStatus } from "./llm-services.ts";

/** Model spend of one slice of the run (a role, a model, an idea). */
export interface CostLine {
  calls: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedReadTokens: number;
  cacheWriteTokens: number;
  usd: number;
}

export interface RunCosts {
  total: CostLine;
  byRole: Record<string, CostLine>;
  byModel: Record<string, CostLine>;
  byIdea: Record<string, CostLine>;
}

function costLine(t: SpendTotals): CostLine {
  return {
    calls: t.calls,
    tokens: t.inputTokens + t.outputTokens + t.cachedReadTokens + t.cacheWriteTokens,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cachedReadTokens: t.cachedReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
    usd: Number(t.usd.toFixed(6)),
  };
}

/** report.json's `costs`, from the run's ledger (llm runs only). */
export function costsOf(ledger: LedgerJson): RunCosts {
  const map = (m: Record<string, SpendTotals>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, costLine(v)]));
  return {
    total: costLine(ledger.total),
    byRole: map(ledger.byRole),
    byModel: map(ledger.byModel),
    byIdea: map(ledger.byIdea),
  };
}

export interface RunReport {
  run: string;
  template: string;
  policy: string;
  startedAt: string;
  endedAt: string;
  messages: number;
  completed: boolean;
  reason: string;
  ideas: {
    id: string;
    name: string;
    title: string;
    novel: boolean | null;
    status: string;
    reason: string | null;
    params: Record<string, unknown>;
  }[];
  /** The operator's interventions (control.* from `scientist steer` or the page), in stream order. */
  interventions?: { at: string; type: string; payload: unknown; from: string }[];
  papers: {
    id: string;
    idea: string;
    path: string;
    /** The compiled PDF (relative to the run folder), or null when the LaTeX did not compile. */
    pdf: string | null;
    /** "ok", or why the paper has no PDF. */
    latexStatus: string;
    decision: "Accept" | "Reject";
    overall: number;
    scores: Record<string, number>;
    metaReview: string;
    reviews: Payload<"paper.decided">["reviews"][number]["review"][];
    /** The claim check of the paper: claims checked, supported, unsupported (null: not checked). */
    provenance: { checked: number; supported: number; unsupported: number; artifact: string | null } | null;
    /** Why the area chair did not accept a paper its scores would accept (unsupported claims), else null. */
    overruled: string | null;
    /** Review seats that failed; the decision rests on the others. */
    failedSeats: Payload<"paper.decided">["failedSeats"];
  }[];
  /** Seconds per stage, from the stream's timestamps (mean over ideas that reached the stage). */
  stages: Record<string, { ideas: number; meanSeconds: number }>;
  deadLetters: { subject: string; reason: string }[];
  messageCounts: Record<string, number>;
  /** Model spend (llm runs): per role, model and idea. */
  costs?: RunCosts;
  /** `budget.exhausted`, when the run hit its model budget. */
  budgetExhausted?: Payload<"budget.exhausted">;
  /** `--replay` runs: calls answered from the recording and the first request that was not in it. */
  replay?: ReplayStatus;
  /** What the model layer warned about (structured-output fallback, truncation, repair rounds), by role (llm runs). */
  modelWarnings?: ModelWarning[];
  /** Faults the run owner saw: the local server restarted or given up on, a role that stalled, a resume. */
  warnings?: { code: string; message: string; at: string }[];
}

export interface ModelWarning {
  role: string;
  model: string;
  warning: string;
  count: number;
}

const STAGES: Array<[string, string, string]> = [
  ["novelty", "idea.proposed", "idea.assessed"],
  ["experiments", "idea.assessed", "study.completed"],
  ["writing", "study.completed", "paper.drafted"],
  ["reviewing", "paper.drafted", "paper.decided"],
  ["total", "idea.proposed", "paper.decided"],
];

const READ_TYPES = new Set([
  "idea.proposed",
  "idea.assessed",
  "idea.failed",
  "paper.drafted",
  "paper.decided",
  "run.completed",
  "budget.exhausted",
  "message.deadlettered",
]);

/**
 * A message the report reads must match its payload schema (parsed, so defaults apply): a wrong payload ({foo:1}
 * under idea.proposed, dead-lettered by the consumers) is left out instead of crashing the report.
 */
function readable(e: Envelope): Envelope | null {
  if (!READ_TYPES.has(e.type)) return e;
  const parsed = payloadSchemaFor(e.type)?.safeParse(e.payload);
  if (!parsed) return e;
  return parsed.success ? { ...e, payload: parsed.data } : null;
}

/** Builds report.json from the run's stream alone: the stream is the record of what happened. */
export function buildReport(
  stored: StoredEnvelope[],
  meta: { run: string; template: string; policy: string; startedAt: string; endedAt: string },
  /**
   * Why an envelope's sender may not send it (sender-check.ts): such forged envelopes are left out (they are
   * dead-lettered).
   */
  forged: (e: Envelope) => string | null = () => null,
): RunReport {
  const envelopes = stored
    .map((s) => s.envelope)
    .filter((e): e is Envelope => e !== null && (e.type === "message.deadlettered" || forged(e) === null))
    .map(readable)
    .filter((e): e is Envelope => e !== null);
  const decidedPapers = new Set<string>();
  const ideas = new Map<string, RunReport["ideas"][number]>();
  const papers: RunReport["papers"] = [];
  const times = new Map<string, Map<string, number>>();
  const counts: Record<string, number> = {};
  let completion: Payload<"run.completed"> | null = null;
  const deadLetters: RunReport["deadLetters"] = [];
  let budgetExhausted: Payload<"budget.exhausted"> | undefined;
  const drafts = new Map<string, Payload<"paper.drafted">>();
  const interventions: NonNullable<RunReport["interventions"]> = [];
  const stopped = new Set<string>();
  for (const e of envelopes) {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    const p = e.payload as Record<string, unknown>;
    const ideaId = typeof p.ideaId === "string" ? p.ideaId : null;
    if (ideaId) {
      const t = times.get(ideaId) ?? new Map<string, number>();
      if (!t.has(e.type)) t.set(e.type, Date.parse(e.at));
      times.set(ideaId, t);
    }
    if (e.type.startsWith("control.")) {
      interventions.push({ at: e.at, type: e.type, payload: e.payload, from: e.from });
      const idea = e.type === "control.idea-stopped" && ideaId ? ideas.get(ideaId) : undefined;
      // An idea already decided, failed or judged keeps its outcome (the ideator ignores such a stop too).
      if (idea && !["decided", "failed", "not-novel"].includes(idea.status)) {
        Object.assign(idea, { status: "stopped", reason: `stopped by the operator: ${String(p.reason)}` });
        stopped.add(idea.id);
      }
      continue;
    }
    // The runtime no longer handles a stopped idea's messages; one already under way changes nothing here.
    if (ideaId && stopped.has(ideaId)) continue;
    if (e.type === "idea.proposed") {
      const x = e.payload as Payload<"idea.proposed">;
      ideas.set(x.ideaId, {
        id: x.ideaId,
        name: x.idea.Name,
        title: x.idea.Title,
        novel: null,
        status: "proposed",
        reason: null,
        params: x.params,
      });
    } else if (e.type === "idea.assessed") {
      const x = e.payload as Payload<"idea.assessed">;
      const idea = ideas.get(x.ideaId);
      if (idea)
        Object.assign(idea, {
          novel: x.novel,
          status: x.novel ? "running" : "not-novel",
          reason: x.novel ? null : x.reason,
        });
    } else if (e.type === "idea.failed") {
      const x = e.payload as Payload<"idea.failed">;
      const idea = ideas.get(x.ideaId);
      if (idea) Object.assign(idea, { status: "failed", reason: `${x.stage}: ${x.reason}` });
    } else if (e.type === "paper.drafted") {
      const x = e.payload as Payload<"paper.drafted">;
      drafts.set(x.paperId, x);
      const idea = ideas.get(x.ideaId);
      if (idea) idea.status = "reviewing";
    } else if (e.type === "paper.decided") {
      const x = e.payload as Payload<"paper.decided">;
      // One decision per paper (the first in stream order), and only for an idea this run proposed.
      if (!ideas.has(x.ideaId) || decidedPapers.has(x.paperId) || decidedPapers.has(`idea:${x.ideaId}`)) continue;
      decidedPapers.add(x.paperId).add(`idea:${x.ideaId}`);
      const idea = ideas.get(x.ideaId);
      if (idea) idea.status = "decided";
      const draft = drafts.get(x.paperId);
      const checked = x.provenance ?? draft?.provenance ?? null;
      papers.push({
        id: x.paperId,
        idea: x.ideaId,
        path: x.path,
        pdf: draft?.pdf ?? null,
        latexStatus: draft?.latexStatus ?? "not compiled",
        decision: x.decision,
        overall: x.overall,
        scores: x.scores,
        metaReview: x.metaReview,
        reviews: x.reviews.map((r) => r.review),
        provenance: checked && {
          checked: checked.checked,
          supported: checked.supported,
          unsupported: checked.unsupported,
          artifact: checked.artifact,
        },
        overruled: x.overruled ?? null,
        failedSeats: x.failedSeats ?? [],
      });
    } else if (e.type === "run.completed") {
      completion ??= e.payload as Payload<"run.completed">;
    } else if (e.type === "budget.exhausted") {
      budgetExhausted ??= e.payload as Payload<"budget.exhausted">;
    } else if (e.type === "message.deadlettered") {
      const x = e.payload as Payload<"message.deadlettered">;
      deadLetters.push({ subject: x.subject, reason: x.reason });
    }
  }
  const stages: RunReport["stages"] = {};
  for (const [name, from, to] of STAGES) {
    const spans = [...times.values()]
      .filter((t) => t.has(from) && t.has(to))
      .map((t) => (t.get(to)! - t.get(from)!) / 1000);
    stages[name] = {
      ideas: spans.length,
      meanSeconds: spans.length ? Number((spans.reduce((a, b) => a + b, 0) / spans.length).toFixed(3)) : 0,
    };
  }
  return {
    ...meta,
    messages: stored.length,
    completed: completion !== null,
    reason: completion
      ? (completion as Payload<"run.completed">).reason
      : "the run ended before every idea was decided (deadline or interruption)",
    ideas: [...ideas.values()],
    interventions,
    papers,
    stages,
    deadLetters,
    messageCounts: counts,
    ...(budgetExhausted && { budgetExhausted }),
  };
}
