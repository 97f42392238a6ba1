import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { WriterConfig } from "./config.ts";
import { renderLatexPaper, type LatexPaper } from "./latex-paper.ts";
import { checkLatexTableNumbers } from "./latex-table.ts";
import { TABLE_BEGIN, TABLE_END } from "./number-check.ts";
import { loadFinalInfos } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;

/**
 * Renders paper.tex (and references.bib) from the template's latex/template.tex, checks every number of its
 * tabular against run_<i>/final_info.json, and stores both in the idea's folder. No LaTeX runs here: the
 * compile is requested from the experimenter, which runs it in the sandbox's latex image.
 */
export function renderLatexActor(context: RoleContext<WriterConfig>) {
  const { artifacts, template } = context.services;
  return fromPromise<LatexPaper, { study: Study; draft: Draft }>(async ({ input }) => {
    const skeleton = template.files["latex/template.tex"];
    if (!skeleton) throw new Error(`the template ${template.name} has no latex/template.tex`);
    const paper = renderLatexPaper(skeleton, { ...input, tableMarkers: [TABLE_BEGIN, TABLE_END] });
    checkLatexTableNumbers(paper.tex, await loadFinalInfos(artifacts, input.study));
    await artifacts.put(`${input.study.ideaId}/paper.tex`, paper.tex);
    if (paper.bib !== null) await artifacts.put(`${input.study.ideaId}/references.bib`, paper.bib);
    return paper;
  });
}

/** A fixed paper.tex (from the llm policy) is checked like the first one before it is stored and compiled. */
export function storeFixedLatexActor(context: RoleContext<WriterConfig>) {
  const { artifacts } = context.services;
  return fromPromise<LatexPaper, { study: Study; paper: LatexPaper; tex: string }>(async ({ input }) => {
    checkLatexTableNumbers(input.tex, await loadFinalInfos(artifacts, input.study));
    await artifacts.put(`${input.study.ideaId}/paper.tex`, input.tex);
    return { ...input.paper, tex: input.tex };
  });
}
