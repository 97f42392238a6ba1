// Prose into LaTeX: every special character escaped outside math, so no sentence of a paper (the rules policy's, a
// model's, an idea's title) can run a macro by accident or break the compile; math ($…$, \(…\), \[…\], $$…$$ and
// equation environments) passes through as written, as a paper needs it. The little Markdown our papers use
// (paragraphs, "- " lists, `code`, **bold**, [n] and [@key] citations, > quotes) is carried over. Math can hold
// any macro, but the compile runs in the sandbox with shell escape off, so that is a compile error at worst.

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

const GREEK =
  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon phi chi psi omega".split(
    " ",
  );

// Characters a model or a rules sentence uses that need a LaTeX form: punctuation, math signs, Greek.
const UNICODE: Record<string, string> = {
  "—": "---",
  "–": "--",
  "−": "$-$",
  "“": "``",
  "”": "''",
  "„": ",,",
  "‘": "`",
  "’": "'",
  "…": "\\ldots{}",
  "•": "\\textbullet{}",
  "×": "$\\times$",
  "÷": "$\\div$",
  "≥": "$\\geq$",
  "≤": "$\\leq$",
  "≠": "$\\neq$",
  "±": "$\\pm$",
  "∓": "$\\mp$",
  "→": "$\\rightarrow$",
  "←": "$\\leftarrow$",
  "↔": "$\\leftrightarrow$",
  "⇒": "$\\Rightarrow$",
  "≈": "$\\approx$",
  "∼": "$\\sim$",
  "∝": "$\\propto$",
  "∞": "$\\infty$",
  "∈": "$\\in$",
  "∑": "$\\sum$",
  "∏": "$\\prod$",
  "√": "$\\surd$",
  "∂": "$\\partial$",
  "∇": "$\\nabla$",
  "·": "$\\cdot$",
  "°": "\\textdegree{}",
  µ: "$\\mu$",
  "²": "\\textsuperscript{2}",
  "³": "\\textsuperscript{3}",
  "¹": "\\textsuperscript{1}",
  "½": "\\textonehalf{}",
  "€": "EUR",
  "™": "\\texttrademark{}",
  "\u00a0": "~",
  "\u2009": "\\,",
  "\u200b": "",
};
// Greek by code point (U+03B1 alpha ... U+03C9 omega; U+0391 ... U+03A9 for capitals): capitals LaTeX has no macro
// for look like Latin capitals, and omicron like o.
GREEK.forEach((name, i) => {
  UNICODE[String.fromCodePoint(0x3b1 + i)] = name === "omicron" ? "o" : `$\\${name}$`;
  const capital = name[0]!.toUpperCase() + name.slice(1);
  const latin: Record<string, string> = {
    Alpha: "A",
    Beta: "B",
    Epsilon: "E",
    Zeta: "Z",
    Eta: "H",
    Iota: "I",
    Kappa: "K",
    Mu: "M",
    Nu: "N",
    Omicron: "O",
    Rho: "P",
    Tau: "T",
    Chi: "X",
  };
  if (name !== "varsigma") UNICODE[String.fromCodePoint(0x391 + i)] = latin[capital] ?? `$\\${capital}$`;
});

/**
 * Plain text as LaTeX: specials escaped, common Unicode mapped. Latin letters with accents (Latin-1 and Latin
 * Extended-A: é, ü, ł, š ...) stay as they are: pdflatex reads them as UTF-8 with T1 fonts (the seed's template
 * loads inputenc utf8 and fontenc T1). Characters it has no glyph for (CJK, emoji) would stop the compile: "?".
 */
export function escapeLatex(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    if (ch in SPECIALS) out += SPECIALS[ch];
    else if (ch in UNICODE) out += UNICODE[ch];
    else if (ch.codePointAt(0)! > 0x17f) out += "?";
    else out += ch;
  }
  return out;
}

// Math spans, first match wins: $$…$$, \[…\], \(…\), then $…$ by pandoc's rule (no space inside either dollar, the
// closing one not followed by a digit), so "costs $5 and $10" stays text.
const MATH =
  /\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|\$(?=[^\s$])(?:\\\$|[^$\n])*?[^\s\\$]\$(?!\d)|\$[^\s$\\]\$(?!\d)/g;

/** Text that may hold math: math spans kept verbatim, everything else escaped. */
export function proseLatex(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(MATH)) {
    out += escapeLatex(text.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeLatex(text.slice(last));
}

/** One line of Markdown prose: `code`, **bold**, math, and [n] / [@key] citations kept, everything else escaped. */
export function inlineLatex(line: string, cite: (n: number) => string | null): string {
  const parts = line.split(
    /(`[^`]+`|\*\*[^*]+\*\*|\[\d+(?:\s*,\s*\d+)*\]|\[@[A-Za-z0-9_:.-]+(?:\s*[;,]\s*@[A-Za-z0-9_:.-]+)*\])/,
  );
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return proseLatex(part);
      if (part.startsWith("`")) return `\\texttt{${escapeLatex(part.slice(1, -1))}}`;
      if (part.startsWith("**")) return `\\textbf{${proseLatex(part.slice(2, -2))}}`;
      if (part.startsWith("[@")) {
        // A key the bibliography lacks is still written as a \cite: the provenance check names it, and LaTeX prints
        // "?".
        const named = part
          .slice(1, -1)
          .split(/[;,]/)
          .map((k) => k.trim().replace(/^@/, ""));
        return `\\cite{${named.join(",")}}`;
      }
      const found = part
        .slice(1, -1)
        .split(",")
        .map((n) => cite(Number(n.trim())));
      return found.every((k) => k !== null) ? `\\cite{${found.join(",")}}` : escapeLatex(part);
    })
    .join("");
}

const MATH_ENV = /^\\begin\{(equation|align|gather|multline|eqnarray|displaymath|math)\*?\}/;

/**
 * A section body of Markdown as LaTeX: paragraphs, itemize lists, quotes and display math; images and tables are left
 * out (code places them).
 */
export function blockLatex(markdown: string, cite: (n: number) => string | null): string {
  const out: string[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  let env: { name: string; lines: string[] } | null = null;
  const flush = () => {
    if (paragraph.length) out.push(paragraph.map((l) => inlineLatex(l, cite)).join("\n"));
    if (list.length)
      out.push(
        ["\\begin{itemize}", ...list.map((l) => `  \\item ${inlineLatex(l, cite)}`), "\\end{itemize}"].join("\n"),
      );
    paragraph = [];
    list = [];
  };
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    if (env) {
      env.lines.push(raw);
      if (line.startsWith(`\\end{${env.name}`)) {
        out.push(env.lines.join("\n"));
        env = null;
      }
      continue;
    }
    const math = MATH_ENV.exec(line);
    if (math) {
      flush();
      env = { name: math[1]!, lines: [raw] };
      if (line.includes(`\\end{${math[1]}`)) {
        out.push(raw);
        env = null;
      }
    } else if (line === "" || /^!\[[^\]]*\]\([^)]*\)$/.test(line)) {
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
  // An environment the text never closed is kept as text, escaped: a lone \begin would break the compile.
  if (env) out.push(env.lines.map((l) => proseLatex(l)).join("\n"));
  return out.join("\n\n");
}
