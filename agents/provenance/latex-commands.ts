// The LaTeX commands the prose reader knows: which arguments are names or layout (dropped), which take none,
// which are symbols, and which environments hold math or verbatim text.

/** Commands whose brace arguments are names or layout, not prose: name -> how many to drop. */
export const SKIP: Record<string, number> = {
  label: 1,
  ref: 1,
  eqref: 1,
  cref: 1,
  Cref: 1,
  autoref: 1,
  pageref: 1,
  nameref: 1,
  url: 1,
  bibliography: 1,
  bibliographystyle: 1,
  usepackage: 1,
  graphicspath: 1,
  setlength: 2,
  addtolength: 2,
  setcounter: 2,
  addtocounter: 2,
  vspace: 1,
  hspace: 1,
  input: 1,
  include: 1,
  newcommand: 2,
  renewcommand: 2,
  providecommand: 2,
  DeclareMathOperator: 2,
  definecolor: 3,
  color: 1,
  hypersetup: 1,
  captionsetup: 1,
  fontsize: 2,
  addcontentsline: 3,
  bibitem: 1,
  resizebox: 2,
  scalebox: 1,
  rule: 2,
  documentclass: 1,
  pagestyle: 1,
  thispagestyle: 1,
  newtheorem: 2,
  theoremstyle: 1,
  crefname: 3,
  Crefname: 3,
  cline: 1,
  cmidrule: 1,
  multicolumn: 2,
  multirow: 2,
  textcolor: 1,
  colorbox: 1,
  author: 1,
  date: 1,
  linespread: 1,
  hyperref: 0,
  includegraphics: 1,
};

/** Commands that take no argument: a brace group after them is ordinary text. */
export const NO_ARGS = new Set(
  (
    "centering small footnotesize scriptsize tiny large Large LARGE huge Huge normalsize raggedright raggedleft " +
    "noindent newline newpage clearpage maketitle toprule midrule bottomrule hline tableofcontents appendix par " +
    "bigskip medskip smallskip indent quad qquad linebreak pagebreak bf it em rm tt sc sf hfill vfill displaystyle " +
    "protect relax phantomsection and today makeatletter makeatother"
  ).split(" "),
);

export const SYMBOLS: Record<string, string> = {
  textbackslash: "\\",
  textasciitilde: "~",
  textasciicircum: "^",
  textless: "<",
  textgreater: ">",
  textbar: "|",
  ldots: "…",
  dots: "…",
  textellipsis: "…",
  cdots: "…",
  pm: "±",
  times: "×",
  cdot: "·",
  approx: "≈",
  leq: "≤",
  le: "≤",
  geq: "≥",
  ge: "≥",
  S: "§",
  textendash: "–",
  textemdash: "—",
  textpm: "±",
  texttimes: "×",
  percent: "%",
  sim: "~",
  neq: "≠",
  ne: "≠",
  to: "→",
  rightarrow: "→",
  infty: "∞",
  textdegree: "°",
  lt: "<",
  gt: ">",
};

export const CITE =
  /^(?:cite|citep|citet|citealp|citealt|citeauthor|citeyear|citeyearpar|parencite|textcite|autocite|footcite|Citet|Citep|Citealp|nocite)$/;
export const SECTION = /^(?:part|chapter|section|subsection|subsubsection|paragraph|subparagraph)$/;
export const MATH_ENV = /^(?:equation|align|gather|multline|eqnarray|displaymath|math|flalign|alignat|split)\*?$/;
export const VERBATIM_ENV = /verbatim|lstlisting|minted|comment/;
export const MATH_TEXT =
  /^(?:mathrm|text|textrm|mathbf|mathit|operatorname|mathcal|boldsymbol|textit|textbf|emph|mathsf|mathtt|mathbb|bm|hat|bar|tilde|vec|overline|underline|widehat|mbox|textnormal|texttt)$/;
