import { fromPromise } from "xstate";
import { finalInfoSchema, type FinalInfo, type Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { WriterConfig } from "./config.ts";
import { measureEvidence } from "./evidence.ts";
import { checkTableNumbers } from "./number-check.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;
type Drafted = Payload<"paper.drafted">;

/** Stores paper.md in the idea's folder after checking every table number against run_<i>/final_info.json. */
export function publishPaperActor(context: RoleContext<WriterConfig>) {
  const { artifacts, template } = context.services;
  return fromPromise<Drafted, { study: Study; draft: Draft }>(async ({ input }) => {
    const { study, draft } = input;
    const finalInfos: Record<number, FinalInfo> = {};
    for (const run of study.runs.filter((r) => r.status === "ok")) {
      const text = await artifacts.getText(`${study.ideaId}/run_${run.runIndex}/final_info.json`);
      finalInfos[run.runIndex] = finalInfoSchema.parse(JSON.parse(text));
    }
    const checkedNumbers = checkTableNumbers(draft.markdown, study, finalInfos);
    const path = `${study.ideaId}/paper.md`;
    await artifacts.put(path, draft.markdown);
    return {
      ideaId: study.ideaId,
      paperId: `paper-${study.ideaId}`,
      title: draft.title,
      abstract: draft.abstract,
      artifact: path,
      path,
      evidence: { ...measureEvidence(study, template.metrics.primary, template.metrics.higherIsBetter), checkedNumbers },
    };
  });
}
