// Prose into LaTeX: every special character escaped, so no sentence of a paper (the rules policy's, a model's,
// an idea's title) can run a macro, open math mode or break the compile. The little Markdown our papers use
// (paragraphs, "- " lists, `code`, **bold**, [n] citations, > quotes) is carried over.

const SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "{": "\\{",
  "}": "\\}",
  $: "\\$",
  "&": "\\&",
  "%": "\\%",
  "#": "\\#",
  _: "\\_",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "<": "\\textless{}",
  ">": "\\textgreater{}",
  "|": "\\textbar{}",
};

// Characters a model or a rules sentence uses that pdflatex's utf8 input does not know out of the box.
const UNICODE: Record<string, string> = {
  "—": "---",
  "–": "--",
  "“": "``",
  "”": "''",
  "‘": "`",
  "’": "'",
  "…": "\\ldots{}",
  "×": "$\\times$",
  "≥": "$\\geq$",
  "≤": "$\\leq$",
  "±": "$\\pm$",
  "→": "$\\rightarrow$",
  "≈": "$\\approx$",
  "\u00a0": "~",
};

/** Plain text as LaTeX: specials escaped, common Unicode punctuation mapped, other non-Latin-1 characters shown as "?". */
export function escapeLatex(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch in SPECIALS) out += SPECIALS[ch];
    else if (ch in UNICODE) out += UNICODE[ch];
    // Latin-1 letters compile with utf8 + T1; anything else (CJK, emoji, Greek) would stop pdflatex.
    else if (ch.codePointAt(0)! > 0xff) out += "?";
    else out += ch;
  }
  return out;
}

/** One line of Markdown prose: `code`, **bold** and [n] citations kept, everything else escaped. */
export function inlineLatex(line: string, cite: (n: number) => string | null): string {
  const parts = line.split(/(`[^`]+`|\*\*[^*]+\*\*|\[\d+(?:\s*,\s*\d+)*\])/);
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeLatex(part);
      if (part.startsWith("`")) return `\\texttt{${escapeLatex(part.slice(1, -1))}}`;
      if (part.startsWith("**")) return `\\textbf{${escapeLatex(part.slice(2, -2))}}`;
      const keys = part.slice(1, -1).split(",").map((n) => cite(Number(n.trim())));
      return keys.every((k) => k !== null) ? `\\cite{${keys.join(",")}}` : escapeLatex(part);
    })
    .join("");
}

/** A section body of Markdown as LaTeX: paragraphs, itemize lists and quotes; images and tables are left out (code places them). */
export function blockLatex(markdown: string, cite: (n: number) => string | null): string {
  const out: string[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(paragraph.map((l) => inlineLatex(l, cite)).join("\n"));
    if (list.length) out.push(["\\begin{itemize}", ...list.map((l) => `  \\item ${inlineLatex(l, cite)}`), "\\end{itemize}"].join("\n"));
    paragraph = [];
    list = [];
  };
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    if (line === "" || /^!\[[^\]]*\]\([^)]*\)$/.test(line)) {
      flush();
    } else if (/^[-*] /.test(line)) {
      if (paragraph.length) flush();
      list.push(line.slice(2));
    } else if (line.startsWith("> ")) {
      flush();
      out.push(`\\begin{quote}\\emph{${inlineLatex(line.slice(2), cite)}}\\end{quote}`);
    } else if (/^#{3,} /.test(line)) {
      flush();
      out.push(`\\subsection*{${inlineLatex(line.replace(/^#+ /, ""), cite)}}`);
    } else {
      if (list.length) flush();
      paragraph.push(line);
    }
  }
  flush();
  return out.join("\n\n");
}
