// The provenance check as the writer's effects: the Markdown paper's claims against the run artifacts (before it
// is stored), and provenance.json beside the paper: every claim with its location and verdict, with what it rests
// on or why it is unsupported; the LaTeX paper's check is added to it when paper.tex is rendered or fixed.
import { fromPromise } from "xstate";
import type { FinalInfo, Payload } from "../../../bus/index.ts";
import {
  checkMarkdownPaper,
  feedbackFor,
  type ProvenanceReport,
  type ProvenanceSources,
} from "../../provenance/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { bibliographyOf, type RecordedCitation } from "./bibliography.ts";
import { claimSources, provenanceArtifact } from "./claim-sources.ts";
import type { WriterConfig } from "./config.ts";
import type { ClaimCheck } from "./machine.ts";
import { loadFinalInfos } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;

/** The sources of a paper's claims, given its bibliography. */
export function sourcesFor(
  context: RoleContext<WriterConfig>,
  study: Study,
  finalInfos: Record<number, FinalInfo>,
  bib: string | null,
  recorded: RecordedCitation[],
): ProvenanceSources {
  const s = context.swarm.sandbox;
  return claimSources({
    study,
    template: context.services.template,
    finalInfos,
    bib,
    recordedCitations: recorded,
    limits: { timeoutSeconds: s.timeoutMs / 1000, memoryMb: s.memoryMb, cpus: s.cpus },
  });
}

/** The Markdown paper's sources: its references' entries, each recorded from the literature answer it came from. */
export async function markdownSources(
  context: RoleContext<WriterConfig>,
  study: Study,
  draft: Draft,
): Promise<ProvenanceSources> {
  const bibliography = bibliographyOf(draft.references ?? []);
  return sourcesFor(
    context,
    study,
    await loadFinalInfos(context.services.artifacts, study),
    bibliography.bibtex || null,
    bibliography.recorded,
  );
}

export function checkClaimsActor(context: RoleContext<WriterConfig>) {
  return fromPromise<ClaimCheck, { study: Study; draft: Draft }>(async ({ input }) => {
    const report = checkMarkdownPaper(input.draft.markdown, await markdownSources(context, input.study, input.draft));
    return { report, feedback: report.unsupported > 0 ? feedbackFor(report) : "" };
  });
}

/** The LaTeX check's part of provenance.json: counts and the claims it could not trace. */
export function latexPart(artifact: string, report: ProvenanceReport) {
  return {
    artifact,
    checked: report.checked,
    supported: report.supported,
    unsupported: report.unsupported,
    claims: report.claims.filter((c) => c.verdict === "unsupported"),
  };
}

/** provenance.json with the LaTeX paper's check added (or replaced). */
export async function recordLatexCheck(
  context: RoleContext<WriterConfig>,
  ideaId: string,
  part: ReturnType<typeof latexPart>,
): Promise<void> {
  const { artifacts } = context.services;
  // The Markdown paper's record is written first; without it the LaTeX check stands alone. A bus fault propagates.
  const text = await artifacts.getTextOr(provenanceArtifact(ideaId), "{}");
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    record = {}; // an unreadable record is replaced by this check
  }
  await artifacts.put(provenanceArtifact(ideaId), `${JSON.stringify({ ...record, latex: part }, null, 2)}\n`);
}
