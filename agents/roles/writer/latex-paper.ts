// paper.tex from the template's latex/template.tex (the seed's skeleton): the checked Markdown paper's title,
// abstract and sections go into the template's placeholders with all prose escaped, the results table is the
// same checked numbers as a tabular, the figures are the plot step's, and references.bib comes from the works
// the paper cites (toBibliography).
import type { Payload } from "../../../bus/index.ts";
import { toBibliography, type Paper } from "../../literature/index.ts";
import { blockLatex, escapeLatex } from "./latex-text.ts";
import { latexResultsTable } from "./latex-table.ts";
import type { Draft, Reference } from "./rules-paper.ts";

type Study = Payload<"study.completed">;

/** Where each Markdown section goes in the seed's template. */
const PLACEHOLDERS: Record<string, string> = {
  Introduction: "INTRO HERE",
  "Related Work": "RELATED WORK HERE",
  Background: "BACKGROUND HERE",
  Method: "METHOD HERE",
  "Experimental Setup": "EXPERIMENTAL SETUP HERE",
  Results: "RESULTS HERE",
  Conclusion: "CONCLUSIONS HERE",
};

/** Figures pdflatex can include, under names that are safe as file names in the sandbox's work dir. */
export const FIGURE_NAME = /^[A-Za-z0-9_.-]+\.(png|jpe?g|pdf)$/i;

export interface LatexPaper {
  tex: string;
  /** references.bib, or null when the paper cites nothing (bibtex fails on an empty citation list). */
  bib: string | null;
  /** Plot artifacts to copy into the work dir: artifact name -> file name there. */
  inputs: Record<string, string>;
}

/** The Markdown paper's preface (quotes above the first section) and its sections' bodies, by heading. */
function splitMarkdown(markdown: string): { preface: string; sections: Map<string, string> } {
  const sections = new Map<string, string[]>();
  const preface: string[] = [];
  let current: string[] | null = null;
  for (const line of markdown.split("\n")) {
    const heading = /^## (?:\d+ )?(.+)$/.exec(line);
    if (heading) sections.set(heading[1]!.trim(), (current = []));
    else if (current) current.push(line);
    else if (line.startsWith("> ")) preface.push(line);
  }
  return { preface: preface.join("\n"), sections: new Map([...sections].map(([name, lines]) => [name, lines.join("\n")])) };
}

/** Drops the Markdown results table (the tabular replaces it) from a section body. */
function withoutTable(body: string, begin: string, end: string): string {
  const start = body.indexOf(begin);
  const stop = body.indexOf(end);
  return start >= 0 && stop > start ? body.slice(0, start) + body.slice(stop + end.length) : body;
}

function figureBlock(name: string): string {
  const label = name.replace(/\.[a-z]+$/i, "");
  return [
    "\\begin{figure}[htbp]",
    "\\centering",
    `\\includegraphics[width=0.8\\linewidth]{${name}}`,
    `\\caption{${escapeLatex(label.replace(/[_-]+/g, " "))}, from the plot step (\\texttt{${escapeLatex(name)}}).}`,
    `\\label{fig:${label.replace(/[^A-Za-z0-9]/g, "")}}`,
    "\\end{figure}",
  ].join("\n");
}

/** Replaces `marker` once, as a function so that `$` in the LaTeX is never read as a replacement pattern. */
function fill(tex: string, marker: string, text: string): string {
  if (!tex.includes(marker)) throw new Error(`latex/template.tex has no "${marker}" placeholder`);
  return tex.replace(marker, () => text);
}

export interface LatexInput {
  study: Study;
  draft: Draft;
  /** The Markdown table's markers, so its rows are not repeated as prose. */
  tableMarkers: [string, string];
}

export function renderLatexPaper(template: string, { study, draft, tableMarkers }: LatexInput): LatexPaper {
  const references: Reference[] = draft.references ?? [];
  const papers: Paper[] = references.map((r) => ({ id: r.id, title: r.title, abstract: "", authors: r.authors, venue: r.venue, year: r.year, citations: null, source: "writer", score: 0 }));
  const { keys, bibtex } = toBibliography(papers);
  const cite = (n: number) => (references[n - 1] ? keys.get(references[n - 1]!.id) ?? null : null);
  const { preface, sections } = splitMarkdown(draft.markdown);
  const figures = Object.keys(study.plots).filter((f) => FIGURE_NAME.test(f) && f !== "paper.pdf");
  let tex = template;
  tex = fill(tex, "TITLE HERE", escapeLatex(draft.title));
  tex = fill(tex, "ABSTRACT HERE", [escapeLatex(draft.abstract), blockLatex(preface, cite)].filter(Boolean).join("\n\n"));
  for (const [section, marker] of Object.entries(PLACEHOLDERS)) {
    let body = blockLatex(withoutTable(sections.get(section) ?? "", ...tableMarkers), cite);
    if (section === "Results") {
      const figureText = figures.length ? figures.map(figureBlock).join("\n\n") : "No figures: the plot step produced none.";
      body = [latexResultsTable(study), body, figureText].join("\n\n");
    }
    tex = fill(tex, marker, body || "No content.");
  }
  // The example figure of the seed's template names a file the plot step may not have made.
  tex = tex.replace(/% EXAMPLE FIGURE[^\n]*\n\\begin\{figure\}[\s\S]*?\\end\{figure\}\n?/, "");
  // references.bib travels as its own file; the template's inline copy would only shadow it.
  tex = tex.replace(/\\begin\{filecontents\}\{references\.bib\}[\s\S]*?\\end\{filecontents\}\n?/, "");
  // Figures sit beside paper.tex in the sandbox's work dir, not one folder up as in the seed's layout.
  tex = tex.replace(/\\graphicspath\{\{\.\.\/\}\}/, () => "\\graphicspath{{./}}");
  // Runs of unbreakable \texttt settings (`width=32`, ...) would otherwise overrun the margin.
  tex = tex.replace(/\\begin\{document\}/, () => "\\setlength{\\emergencystretch}{3em}\n\\begin{document}");
  // No references: no bibliography (bibtex stops on a paper without citations). Otherwise every work the paper
  // rests on is listed, cited in the prose or not, as in the Markdown paper's reference list.
  if (!references.length) tex = tex.replace(/^\\bibliographystyle\{[^}]*\}\n?|^\\bibliography\{[^}]*\}\n?/gm, "");
  else tex = tex.replace(/^\\bibliographystyle\{/m, () => "\\nocite{*}\n\\bibliographystyle{");
  return {
    tex,
    bib: references.length ? bibtex : null,
    inputs: Object.fromEntries(figures.map((f) => [study.plots[f]!, f])),
  };
}
