import type { Envelope } from "../../bus/index.ts";
import type { RegistryLike } from "./registry-like.ts";
import { senderProblem } from "./sender-check.ts";

/** Types about the run or the runtime, not about one idea of it: never checked against the proposed ideas. */
const notAboutAnIdea = new Set([
  "run.started",
  "run.completed",
  "actor.transitioned",
  "message.deadlettered",
  "budget.exhausted",
]);

const unknownIdea = (envelope: Envelope, ideaId: string) =>
  `[RUNTIME_UNKNOWN_IDEA] ${envelope.type} from ${envelope.from} for ${ideaId}, an idea this run never proposed`;

/**
 * What the run owner knows from reading its run's stream in order, and a role holding valid credentials may still
 * lie about: a review for a seat nobody requested (a 6th of 5), a second decision of one paper, a review or decision
 * of an idea this run never proposed (or any other message about such an idea: an experiment, an assessment, a
 * failure). The roles already ignore these (area chair: seats it requested; ideator and
 * archive: the first decision); this names them, so they are dead-lettered with a reason and listed in the report.
 */
export class RunGuard {
  private readonly ideas = new Set<string>();
  private readonly requested = new Set<string>();
  private readonly decided = new Map<string, string>();

  constructor(private readonly registry: RegistryLike) {}

  /** Why this message is a forgery, or null; call it for every message of the run in stream order. */
  check(envelope: Envelope): string | null {
    // A sender that may not send this type is dead-lettered by the consumer that reads it (sender-check.ts).
    if (senderProblem(envelope, this.registry) !== null) return null;
    const p = (envelope.payload ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof p[key] === "string" ? (p[key] as string) : null);
    const ideaId = text("ideaId");
    const paperId = text("paperId");
    if (envelope.type === "idea.proposed" && ideaId) {
      this.ideas.add(ideaId);
      return null;
    }
    // Any other message about an idea (an assessment, an experiment, a failure, a draft) names one this run proposed.
    const aboutAnIdea = !notAboutAnIdea.has(envelope.type) && !envelope.type.startsWith("control.");
    if (aboutAnIdea && ideaId && !this.ideas.has(ideaId)) return unknownIdea(envelope, ideaId);
    if (envelope.type === "review.requested" && paperId) {
      this.requested.add(`${paperId}#${String(p.seat)}`);
    } else if (envelope.type === "review.submitted" && paperId && ideaId) {
      if (!this.requested.has(`${paperId}#${String(p.seat)}`)) {
        const what = `paper ${paperId} seat ${String(p.seat)}`;
        return `[RUNTIME_UNREQUESTED_SEAT] review.submitted from ${envelope.from} for ${what}: never requested`;
      }
    } else if (envelope.type === "paper.decided" && paperId && ideaId) {
      const first = this.decided.get(paperId) ?? this.decided.get(`idea:${ideaId}`);
      if (first !== undefined) {
        const what = `${paperId} (${ideaId})`;
        const why = `already decided by ${first}; the first decision stands`;
        return `[RUNTIME_DUPLICATE_DECISION] paper.decided from ${envelope.from} for ${what}: ${why}`;
      }
      this.decided.set(paperId, envelope.id).set(`idea:${ideaId}`, envelope.id);
    }
    return null;
  }
}
