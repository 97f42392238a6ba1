import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import { checkLatexPaper, type Claim, type ProvenanceReport } from "../../provenance/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { bibliographyOf, filecontentsBib, templateCitations } from "./bibliography.ts";
import { latexPart, recordLatexCheck, sourcesFor } from "./claim-effects.ts";
import type { WriterConfig } from "./config.ts";
import { renderLatexPaper, templateSupportFiles, type LatexPaper } from "./latex-paper.ts";
import { checkLatexTableNumbers } from "./latex-table.ts";
import { TABLE_BEGIN, TABLE_END } from "./number-check.ts";
import { loadFinalInfos } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";
import { RoleError } from "../errors.ts";

type Study = Payload<"study.completed">;

const claimKey = (c: Pick<Claim, "kind" | "text">) => `${c.kind}:${c.text}`;
const unsupportedKeys = (report: ProvenanceReport) =>
  report.claims.filter((c) => c.verdict === "unsupported").map(claimKey);
const figuresOf = (tex: string) =>
  [...tex.replace(/^%.*$/gm, "").matchAll(/\\includegraphics(?:\[[^\]]*\])?\{([^}]*)\}/g)].map((m) => m[1]!.trim());

/**
 * The provenance check of a .tex: every claim against the run artifacts, the bibliography being the one the .tex
 * compiles with (its filecontents block, else references.bib), each entry recorded from a literature answer (the
 * works the Markdown paper cites) or from the template's own block.
 */
async function checkTex(
  context: RoleContext<WriterConfig>,
  study: Study,
  draft: Pick<Draft, "references">,
  tex: string,
  bibFile: string | null,
): Promise<ProvenanceReport> {
  const skeleton = context.services.template.files["latex/template.tex"] ?? "";
  const recorded = [...templateCitations(skeleton), ...bibliographyOf(draft.references ?? []).recorded];
  const bib = filecontentsBib(tex) ?? bibFile;
  return checkLatexPaper(
    tex,
    sourcesFor(context, study, await loadFinalInfos(context.services.artifacts, study), bib, recorded),
  );
}

/**
 * Renders paper.tex (and references.bib) from the template's latex/template.tex, checks every number of its
 * tabular against run_<i>/final_info.json and every claim with the provenance check (recorded in
 * provenance.json), and stores both in the idea's folder. No LaTeX runs here: the compile is requested from the
 * experimenter, which runs it in the sandbox's latex image.
 */
export function renderLatexActor(context: RoleContext<WriterConfig>) {
  const { artifacts, template } = context.services;
  return fromPromise<LatexPaper, { study: Study; draft: Draft }>(async ({ input }) => {
    const skeleton = template.files["latex/template.tex"];
    if (!skeleton)
      throw new RoleError("WRITER_NO_LATEX_TEMPLATE", `the template ${template.name} has no latex/template.tex`);
    const paper = renderLatexPaper(
      skeleton,
      { ...input, tableMarkers: [TABLE_BEGIN, TABLE_END] },
      templateSupportFiles(template.files),
    );
    checkLatexTableNumbers(paper.tex, await loadFinalInfos(artifacts, input.study));
    const report = await checkTex(context, input.study, input.draft, paper.tex, paper.bib);
    const texArtifact = await artifacts.put(`${input.study.ideaId}/paper.tex`, paper.tex);
    if (paper.bibliography) await artifacts.put(`${input.study.ideaId}/references.bib`, paper.bibliography);
    await recordLatexCheck(context, input.study.ideaId, latexPart(texArtifact, report));
    return { ...paper, unsupported: unsupportedKeys(report) };
  });
}

/**
 * A fixed paper.tex (from the llm policy) is checked like the first one before it is stored and compiled: the
 * table's numbers against final_info.json, no figure of the checked paper dropped, and no claim the provenance
 * check cannot trace beyond those the checked paper already had (a fix may not slip in "a new state of the art").
 */
export function storeFixedLatexActor(context: RoleContext<WriterConfig>) {
  const { artifacts } = context.services;
  return fromPromise<LatexPaper, { study: Study; paper: LatexPaper; tex: string; draft?: Pick<Draft, "references"> }>(
    async ({ input }) => {
      checkLatexTableNumbers(input.tex, await loadFinalInfos(artifacts, input.study));
      const kept = new Set(figuresOf(input.tex));
      const dropped = [...new Set(figuresOf(input.paper.tex))].filter((f) => !kept.has(f));
      if (dropped.length)
        throw new RoleError(
          "WRITER_FIX_DROPS_FIGURES",
          `the fix drops figure(s) ${dropped.join(", ")} of the checked paper`,
        );
      const report = await checkTex(context, input.study, input.draft ?? {}, input.tex, input.paper.bib);
      const allowed = new Map<string, number>();
      for (const key of input.paper.unsupported) allowed.set(key, (allowed.get(key) ?? 0) + 1);
      const added: Claim[] = [];
      for (const claim of report.claims.filter((c) => c.verdict === "unsupported")) {
        const left = allowed.get(claimKey(claim)) ?? 0;
        if (left > 0) allowed.set(claimKey(claim), left - 1);
        else added.push(claim);
      }
      if (added.length) {
        const list = added
          .slice(0, 5)
          .map((c) => `"${c.text}" in "${c.sentence.slice(0, 120)}" (${c.reason ?? "unsupported"})`)
          .join("; ");
        throw new RoleError(
          "WRITER_FIX_UNSUPPORTED_CLAIMS",
          `the fix adds ${added.length} claim(s) the run artifacts do not support: ${list}`,
        );
      }
      const texArtifact = await artifacts.put(`${input.study.ideaId}/paper.tex`, input.tex);
      await recordLatexCheck(context, input.study.ideaId, latexPart(texArtifact, report));
      return { ...input.paper, tex: input.tex, unsupported: unsupportedKeys(report) };
    },
  );
}
