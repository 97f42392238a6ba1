// paper.tex from the template's latex/template.tex (the seed's skeleton), filled the way the seed fills it: the
// checked Markdown paper's title, abstract and sections go into the template's placeholders (prose escaped, math
// kept), the results table is the same checked numbers as a tabular, the figures are the plot step's, and the
// cited works' BibTeX is appended to the template's own filecontents block for references.bib (or, for a template
// without one, sent as references.bib). The template's .sty/.bst/.cls files travel with it.
import type { Payload } from "../../../bus/index.ts";
import { bibKeys, bibliographyOf, filecontentsBib, withoutEntries } from "./bibliography.ts";
import { blockLatex, escapeLatex, inlineLatex } from "./latex-text.ts";
import { latexResultsTable } from "./latex-table.ts";
import type { Draft, Reference } from "./rules-paper.ts";
import { RoleError } from "../errors.ts";

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
  /**
   * references.bib to send beside paper.tex, or null: the bib lives in paper.tex's filecontents block, or the paper
   * cites nothing.
   */
  bib: string | null;
  /** The bibliography as compiled (template entries and the cited works'), "" when there is none. */
  bibliography: string;
  /** Plot artifacts to copy into the work dir: artifact name -> file name there. */
  inputs: Record<string, string>;
  /** The template's own style files (latex/*.sty, .bst, .cls) by file name. */
  files: Record<string, string>;
  /** The provenance check's unsupported claims in this .tex ("kind:text"), so a fix cannot add any. */
  unsupported: string[];
}

/** The template's latex/ support files a compile needs beside paper.tex. */
export function templateSupportFiles(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    const m = /^latex\/([A-Za-z0-9_-]+\.(sty|bst|cls))$/.exec(path);
    if (m) out[m[1]!] = text;
  }
  return out;
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
  return {
    preface: preface.join("\n"),
    sections: new Map([...sections].map(([name, lines]) => [name, lines.join("\n")])),
  };
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
  if (!tex.includes(marker))
    throw new RoleError("WRITER_TEMPLATE_PLACEHOLDER", `latex/template.tex has no "${marker}" placeholder`);
  return tex.replace(marker, () => text);
}

export interface LatexInput {
  study: Study;
  draft: Draft;
  /** The Markdown table's markers, so its rows are not repeated as prose. */
  tableMarkers: [string, string];
}

const FILECONTENTS_END = /\\end\{filecontents\*?\}/;

export function renderLatexPaper(
  template: string,
  { study, draft, tableMarkers }: LatexInput,
  files: Record<string, string> = {},
): LatexPaper {
  const references: Reference[] = draft.references ?? [];
  const { keys, bibtex } = bibliographyOf(references);
  const cite = (n: number) => (references[n - 1] ? (keys.get(references[n - 1]!.id) ?? null) : null);
  const { preface, sections } = splitMarkdown(draft.markdown);
  const figures = Object.keys(study.plots).filter((f) => FIGURE_NAME.test(f) && f !== "paper.pdf");
  let tex = template;
  tex = fill(tex, "TITLE HERE", inlineLatex(draft.title, cite));
  tex = fill(
    tex,
    "ABSTRACT HERE",
    [inlineLatex(draft.abstract, cite), blockLatex(preface, cite)].filter(Boolean).join("\n\n"),
  );
  for (const [section, marker] of Object.entries(PLACEHOLDERS)) {
    let body = blockLatex(withoutTable(sections.get(section) ?? "", ...tableMarkers), cite);
    if (section === "Results") {
      const figureText = figures.length
        ? figures.map(figureBlock).join("\n\n")
        : "No figures: the plot step produced none.";
      body = [latexResultsTable(study), body, figureText].join("\n\n");
    }
    tex = fill(tex, marker, body || "No content.");
  }
  // The example figure of the seed's template names a file the plot step may not have made.
  tex = tex.replace(/% EXAMPLE FIGURE[^\n]*\n\\begin\{figure\}[\s\S]*?\\end\{figure\}\n?/, "");
  // Figures sit beside paper.tex in the sandbox's work dir, not one folder up as in the seed's layout.
  tex = tex.replace(/\\graphicspath\{\{\.\.\/\}\}/, () => "\\graphicspath{{./}}");
  // Runs of unbreakable \texttt settings (`width=32`, ...) would otherwise overrun the margin.
  tex = tex.replace(/\\begin\{document\}/, () => "\\setlength{\\emergencystretch}{3em}\n\\begin{document}");
  // As the seed: the cited works' entries go at the end of the template's filecontents block for references.bib.
  let bib: string | null = null;
  let bibliography = bibtex;
  const block = filecontentsBib(tex);
  if (block !== null) {
    // A cited work the template already lists (same key) keeps the template's entry: a second one stops bibtex.
    const added = withoutEntries(bibtex, new Set(bibKeys(block)));
    if (added.trim()) tex = tex.replace(FILECONTENTS_END, (end) => `${added}${end}`);
    bibliography = filecontentsBib(tex)!;
  } else if (bibtex) {
    bib = bibtex;
  }
  // Nothing cited: no bibliography (bibtex stops on a paper without citations).
  if (!/\\(no)?cite[a-z]*\*?(\[[^\]]*\])*\{/.test(tex.replace(/^%.*$/gm, "")))
    tex = tex.replace(/^\\bibliographystyle\{[^}]*\}\n?|^\\bibliography\{[^}]*\}\n?/gm, "");
  return {
    tex,
    bib,
    bibliography: bibliography.trim() ? bibliography : "",
    inputs: Object.fromEntries(figures.map((f) => [study.plots[f]!, f])),
    files,
    unsupported: [],
  };
}
