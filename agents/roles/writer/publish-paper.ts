import { fromPromise } from "xstate";
import { finalInfoSchema, type FinalInfo, type Payload } from "../../../bus/index.ts";
import type { ArtifactStore } from "../../../bus/index.ts";
import { summarize, type ProvenanceReport } from "../../provenance/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { provenanceArtifact } from "./claim-sources.ts";
import type { WriterConfig } from "./config.ts";
import { measureEvidence, metricDirection } from "./evidence.ts";
import { checkTableNumbers } from "./number-check.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;
/** paper.drafted before the LaTeX step adds what became of the PDF. */
export type CheckedPaper = Omit<Payload<"paper.drafted">, "pdf" | "latexStatus" | "textArtifact">;

/** Every successful run's stored final_info.json: the truth each printed number is checked against. */
export async function loadFinalInfos(
  artifacts: Pick<ArtifactStore, "getText">,
  study: Study,
): Promise<Record<number, FinalInfo>> {
  const finalInfos: Record<number, FinalInfo> = {};
  for (const run of study.runs.filter((r) => r.status === "ok")) {
    const text = await artifacts.getText(`${study.ideaId}/run_${run.runIndex}/final_info.json`);
    finalInfos[run.runIndex] = finalInfoSchema.parse(JSON.parse(text));
  }
  return finalInfos;
}

/**
 * Stores paper.md in the idea's folder after checking every table number against run_<i>/final_info.json, and
 * provenance.json beside it: the provenance check's every claim (what remains unsupported after the fix rounds).
 */
export function publishPaperActor(context: RoleContext<WriterConfig>) {
  const { artifacts, template } = context.services;
  return fromPromise<CheckedPaper, { study: Study; draft: Draft; report: ProvenanceReport | null }>(
    async ({ input }) => {
      const { study, draft, report } = input;
      const finalInfos = await loadFinalInfos(artifacts, study);
      const checkedNumbers = checkTableNumbers(draft.markdown, study, finalInfos);
      const path = `${study.ideaId}/paper.md`;
      await artifacts.put(path, draft.markdown);
      let provenance: CheckedPaper["provenance"] = null;
      if (report) {
        const artifact = await artifacts.put(
          provenanceArtifact(study.ideaId),
          `${JSON.stringify({ paper: path, ...report }, null, 2)}\n`,
        );
        provenance = summarize(report, artifact);
      }
      return {
        ideaId: study.ideaId,
        paperId: `paper-${study.ideaId}`,
        title: draft.title,
        abstract: draft.abstract,
        artifact: path,
        path,
        evidence: {
          ...measureEvidence(study, template.metrics.primary, metricDirection(template).higherIsBetter),
          checkedNumbers,
        },
        provenance,
      };
    },
  );
}
