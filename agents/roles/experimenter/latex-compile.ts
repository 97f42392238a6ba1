// What is special about compiling a paper: the one command (never shell escape: \write18 stays off, no rc file is
// read, and the compile runs in the sandbox's latex image anyway), what may be sent in, what comes back, and the
// part of the log a reader (or a model fixing the .tex) needs.

/**
 * The fixed compile script, as the seed's generate_latex: chktex first (the seed's filter of trivial warnings,
 * `-n2 -n24 -n13 -n1`; its warnings are kept in chktex.log for the fix round, they never stop the compile), then
 * latexmk (pdflatex + bibtex as often as needed), then the text of the PDF for readers (pdftotext, when the PDF was
 * made). The exit status is latexmk's. `-norc` keeps latexmk from reading any rc file, `-no-shell-escape` keeps
 * pdflatex's \write18 off whatever texmf.cnf says.
 */
export const LATEX_SCRIPT = [
  "chktex -q -n2 -n24 -n13 -n1 paper.tex > chktex.log 2>&1",
  "latexmk -norc -pdf -no-shell-escape -interaction=nonstopmode -halt-on-error paper.tex",
  "status=$?",
  "if [ $status -eq 0 ] && [ -f paper.pdf ]; then pdftotext -enc UTF-8 paper.pdf paper.txt || echo 'pdftotext failed: paper.txt not written' >&2; fi",
  "exit $status",
].join("; ");

/** The compile command; the experimenter runs exactly this for kind "latex", whatever the request says. */
export const LATEX_COMMAND = ["sh", "-c", LATEX_SCRIPT] as const;

/**
 * The compile's outputs worth keeping: the paper, its log, chktex's warnings and the PDF's text (aux, bbl, fls ... are
 * build litter).
 */
export const LATEX_OUTPUTS = new Set(["paper.pdf", "paper.log", "chktex.log", "paper.txt"]);

// Sources a template's latex/ folder may ship beside template.tex (the seed's iclr2024_conference.sty/.bst,
// natbib.sty, fancyhdr.sty): plain names, no folders, never an rc file.
const SENDABLE_FILE = /^[A-Za-z0-9_-]+\.(tex|bib|sty|bst|cls)$/;
const SENDABLE_INPUT = /^[A-Za-z0-9_.-]+\.(png|jpe?g|pdf)$/i;

/**
 * Why a latex request may not run, or null. Only TeX sources (.tex, .bib, and the template's .sty/.bst/.cls) and
 * figures go in: a latexmkrc (which latexmk would read from the work dir without -norc) or any other file could
 * otherwise swap the command, for example to turn shell escape on.
 */
export function latexRequestProblem(files: Record<string, string>, inputs: Record<string, string>): string | null {
  if (!("paper.tex" in files)) return "a latex request must send paper.tex";
  const bad = [
    ...Object.keys(files).filter((f) => !SENDABLE_FILE.test(f)),
    ...Object.values(inputs).filter((p) => !SENDABLE_INPUT.test(p)),
  ];
  return bad.length
    ? `a latex request may send only .tex/.bib/.sty/.bst/.cls files and figures (png, jpg, pdf), not ${bad.join(", ")}`
    : null;
}

/**
 * The first TeX error of a log with the line that locates it: "! Undefined control sequence. (l.42 \badmacro)".
 * null when the log holds no "! " line (bibtex, a timeout, a missing PDF).
 */
export function firstTexError(log: string): string | null {
  const lines = log.split(/\r?\n/);
  const first = lines.findIndex((l) => l.startsWith("! "));
  if (first < 0) return null;
  const where = lines.slice(first + 1, first + 30).find((l) => /^l\.\d+/.test(l));
  return where ? `${lines[first]!.trim()} (${where.trim()})` : lines[first]!.trim();
}

/**
 * The useful end of a failed compile's log, at most `max` characters: from the first TeX error ("! ...", with
 * the "l.<n>" line that locates it) on; the plain tail when the log holds no error line (bibtex, a timeout).
 */
export function latexLogTail(log: string, max = 1500): string {
  const lines = log.split(/\r?\n/);
  const first = lines.findIndex((l) => l.startsWith("! "));
  if (first < 0) return log.slice(-max);
  return lines.slice(first).join("\n").slice(0, max);
}
