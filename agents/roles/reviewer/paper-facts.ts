// What a reviewer (and the area chair) reads besides the form: the paper as written, and the facts the swarm
// measured about it (the provenance check of its claims, the idea's measured effects). Both are passed to the
// model as facts to weigh, not as the authors' claims.
import type { Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ReviewerError } from "./errors.ts";

type Drafted = Payload<"paper.drafted">;

export interface PaperText {
  text: string;
  /** The artifact the text came from. */
  artifact: string;
  /** Characters of the whole text (before any cap). */
  chars: number;
  truncated: boolean;
}

interface TextSource {
  getText(name: string): Promise<string>;
}

/**
 * The paper as written: `textArtifact` (text extracted from the compiled PDF, or the LaTeX source), else the
 * Markdown paper with a warning. Kept whole, as the seed does, up to `maxChars`; a cut is said in the text itself.
 */
export async function readPaperText(
  artifacts: TextSource,
  paper: Drafted,
  maxChars: number,
  logger: RoleContext["logger"],
): Promise<PaperText> {
  const artifact = paper.textArtifact ?? paper.artifact;
  if (!paper.textArtifact) {
    logger.warn(
      { paperId: paper.paperId, artifact },
      "the paper has no textArtifact (no compiled PDF text or LaTeX source): reviewing its Markdown artifact instead",
    );
  }
  let whole: string;
  try {
    whole = await artifacts.getText(artifact);
  } catch (error) {
    throw new ReviewerError(
      "REVIEWER_PAPER_UNREADABLE",
      `cannot read the text of paper ${paper.paperId} from artifact ${artifact}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!whole.trim())
    throw new ReviewerError(
      "REVIEWER_PAPER_UNREADABLE",
      `the text of paper ${paper.paperId} (artifact ${artifact}) is empty`,
    );
  if (whole.length <= maxChars) return { text: whole, artifact, chars: whole.length, truncated: false };
  logger.warn({ paperId: paper.paperId, artifact, chars: whole.length, maxChars }, "paper text truncated for review");
  const text = `${whole.slice(0, maxChars)}\n\n[Truncated: the paper has ${whole.length} characters; only the first ${maxChars} are shown.]`;
  return { text, artifact, chars: whole.length, truncated: true };
}

const num = (x: number) => String(Number(x.toPrecision(6)));
const signed = (x: number) => (x > 0 ? `+${num(x)}` : num(x));

type Effect = Drafted["evidence"]["effects"][number];

/** Whether an effect has a seed spread that can carry significance: a single seed reports none, or seeds agree (0). */
export const hasSpread = (e: Pick<Effect, "spread"> & { spreadKnown?: boolean }) =>
  e.spreadKnown !== false && Number.isFinite(e.spread) && e.spread > 0;

export function unsupportedClaims(paper: Drafted): number {
  return paper.provenance?.unsupported ?? 0;
}

/** `3 unsupported claims: "…" (abstract); …`: the claims a reader must know about, briefly. */
export function describeUnsupported(paper: Drafted, max = 5): string | null {
  const p = paper.provenance;
  if (!p || p.unsupported === 0) return null;
  const shown = p.claims.slice(0, max).map((c) => `"${c.claim}" (${c.location}: ${c.reason})`);
  const more = p.unsupported - shown.length;
  return `${p.unsupported} unsupported claim${p.unsupported === 1 ? "" : "s"}: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}

/** The facts the swarm measured about the paper, as prompt text; null when there are none (review-bench papers). */
export function paperFacts(paper: Drafted): string | null {
  const parts: string[] = [];
  const p = paper.provenance;
  if (p) {
    const lines = [
      `Provenance check of the paper's claims (made by the system that ran the experiments, not by the authors): of ${p.checked} checked claims, ${p.supported} were traced to a run artifact, a setting or the bibliography, and ${p.unsupported} could not be traced.`,
    ];
    if (p.unsupported > 0) {
      lines.push(
        "An unsupported claim is a soundness problem: the paper states something its own runs, settings and references do not back. The unsupported claims:",
      );
      for (const c of p.claims) lines.push(`- "${c.claim}" (${c.location}): ${c.reason}`);
      if (p.claims.length < p.unsupported) lines.push(`- (${p.unsupported - p.claims.length} more not listed)`);
    } else {
      lines.push("Every checked claim is supported.");
    }
    parts.push(lines.join("\n"));
  }
  const ev = paper.evidence;
  if (ev.effects.length > 0) {
    const direction = ev.higherIsBetter ? "higher is better" : "lower is better";
    const lines = [
      `Measured effects of the idea's own run on ${ev.primaryMetric} (${direction}), read from the run artifacts:`,
    ];
    for (const e of ev.effects) {
      const gain = (ev.higherIsBetter ? 1 : -1) * e.delta;
      const verdict = gain > 0 ? "an improvement" : gain < 0 ? "a deterioration" : "no change";
      const spread = hasSpread(e)
        ? `seed spread ${num(e.spread)}, so the change is ${num(Math.abs(e.delta) / e.spread)} spreads`
        : `${e.spreadKnown === false ? "no seed spread recorded" : "seed spread 0"}: a single-seed or zero-spread comparison cannot establish that the change is significant`;
      lines.push(
        `- ${e.dataset}: baseline ${num(e.baseline)}, the idea's run (run_${e.runIndex}) ${num(e.best)}, change ${signed(e.delta)} (${verdict}); ${spread}.`,
      );
    }
    lines.push(
      `Runs after the baseline: ${ev.runsAttempted} attempted, ${ev.runsFailed} of them failed. The novelty search found ${ev.noveltyHits} closely related papers.`,
    );
    parts.push(lines.join("\n"));
  }
  return parts.length ? parts.join("\n\n") : null;
}
