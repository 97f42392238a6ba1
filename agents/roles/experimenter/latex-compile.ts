// What is special about compiling a paper: the one command (never -shell-escape: \write18 stays off, and the
// compile runs in the sandbox's latex image anyway), what may be sent in, what comes back, and the part of the
// log a reader (or a model fixing the .tex) needs.

/** The compile command; the experimenter runs exactly this for kind "latex", whatever the request says. */
export const LATEX_COMMAND = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"] as const;

/** The compile's outputs worth keeping: the paper and its log (aux, bbl, fls ... are build litter). */
export const LATEX_OUTPUTS = new Set(["paper.pdf", "paper.log"]);

const SENDABLE_FILE = /^[A-Za-z0-9_-]+\.(tex|bib)$/;
const SENDABLE_INPUT = /^[A-Za-z0-9_.-]+\.(png|jpe?g|pdf)$/i;

/**
 * Why a latex request may not run, or null. Only .tex/.bib sources and figures go in: a latexmkrc (which latexmk
 * reads from the work dir) could otherwise swap the command, for example to turn shell escape on.
 */
export function latexRequestProblem(files: Record<string, string>, inputs: Record<string, string>): string | null {
  if (!("paper.tex" in files)) return "a latex request must send paper.tex";
  const bad = [...Object.keys(files).filter((f) => !SENDABLE_FILE.test(f)), ...Object.values(inputs).filter((p) => !SENDABLE_INPUT.test(p))];
  return bad.length ? `a latex request may send only .tex/.bib files and figures (png, jpg, pdf), not ${bad.join(", ")}` : null;
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
