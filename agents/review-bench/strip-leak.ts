// The ICLR 2022 texts leak their decisions: accepted papers are camera-ready (authors, affiliations, e-mails,
// acknowledgements, "Published as a conference paper") while rejected ones are the anonymous submission ("Anonymous
// authors", "Paper under double-blind review"). A reviewer must see neither, so the header block goes and the
// tell-tale lines, e-mail addresses and acknowledgement sections go wherever they appear.
import { ReviewBenchError } from "./errors.ts";

export interface StrippedPaper {
  title: string;
  abstract: string;
  /** What a reviewer reads: title, abstract and body, with every leak below removed. */
  text: string;
  removed: {
    headerChars: number;
    leakPhrases: number;
    emails: number;
    authorNotes: number;
    links: number;
    acknowledgements: number;
    abstractBlocks: number;
  };
}

/** Venue lines of the submission and the camera-ready: the decision in one phrase. */
const LEAK_PHRASES: RegExp[] = [
  /(?:Published as|Under review as) a conference paper at ICLR \d{4}/gi,
  /Anonymous authors?/gi,
  /Paper under double-blind review/gi,
];
/** Camera-ready footnotes about the authors (the submission has none). */
const AUTHOR_NOTE =
  /^[\s_*∗†‡§¶\d[\]]*(?:equal contributions?|these authors contributed equally|corresponding authors?|correspondence to|work (?:was )?done|this work was done|work performed|now at|also affiliated)(?![a-z]).*$/gim;
/**
 * Links: camera-ready papers point at their authors' repositories ("github.com/<lab>/<project>"), submissions at
 * anonymised ones or none ("contains github.com" alone predicts the decision at 0.68 balanced accuracy).
 */
const URL = /\b(?:https?:\/\/|www\.|github\.com\/)[^\s)\]>"]+/gi;
/** The domain side of an address; the local side ("name" or "{a, b}") is found walking back from the "@". */
const EMAIL_DOMAIN = /\s?@\s?[\w-]+(?:\.[\w-]+)+/g;
const ABSTRACT_HEADING = /^[#*_\s]*A\s?B\s?S\s?T\s?R\s?A\s?C\s?T\b[*_:.\s—–-]*/i;
const ACK_HEADING = /^[#*_\s]*(?:\d+(?:\.\d+)*\.?\s*)?ACKNOWLEDG(?:E)?MENTS?\b/i;

/** Headings that stand alone as one upper-case word; other one-word capitals ("KAUST", "UCLA") are affiliations. */
const ONE_WORD_HEADINGS =
  /^(?:REFERENCES|APPENDIX|APPENDICES|INTRODUCTION|CONCLUSIONS?|ACKNOWLEDG(?:E)?MENTS?|DISCUSSION|BACKGROUND|EXPERIMENTS|SUPPLEMENTARY)$/;

/**
 * A section heading: a Markdown heading, a numbered or multi-word upper-case line ("4 EXPERIMENTS"), or "1
 * Introduction".
 */
export function isHeading(line: string): boolean {
  const t = line
    .trim()
    .replace(/^[*_]+|[*_]+$/g, "")
    .trim();
  if (!t || t.length > 90) return false;
  if (/^#{1,6}\s+\S/.test(t)) return true;
  if (/^(?:\d+(?:\.\d+)*\.?\s+)?(?:Introduction|References|Related Work|Conclusions?)\b/i.test(t) && t.length < 60)
    return true;
  const letters = t.replace(/[^A-Za-z]/g, "");
  if (letters.length < 4 || letters !== letters.toUpperCase()) return false;
  // "4 EXPERIMENTS", and appendix sections "A TECHNICAL DETAILS", "B.2 PROOFS".
  if (/^(?:\d+|[A-Z])(?:\.\d+)*\.?\s+[A-Z]/.test(t) && /\s/.test(t)) return true;
  return (
    ONE_WORD_HEADINGS.test(t) ||
    (/^[A-Z][A-Z-]+(?:\s+[A-Z&:,'’()-]+){1,9}$/.test(t) &&
      !/\b(?:INC|LTD|LLC|GMBH|UNIVERSITY|INSTITUTE|LAB|LABS|RESEARCH|AI|USA|UK)\b\.?/.test(t))
  );
}

/**
 * Where the abstract ends: a Markdown heading, "Introduction", or a short numbered heading in capitals; a
 * line-numbered submission ("11 1 INTRODUCTION") keeps its line number in front, and its numbered prose lines
 * ("1 Attention mechanism has been …") are neither short nor in capitals.
 */
function isSectionStart(line: string): boolean {
  const t = line
    .trim()
    .replace(/^[*_]+|[*_]+$/g, "")
    .trim();
  if (/^#{1,6}\s+\S/.test(t)) return t.length <= 90;
  if (t.length > 60) return false;
  return [t, t.replace(/^\d+\s+/, "")].some((h) => {
    if (/^(?:\d+(?:\.\d+)*\.?\s+)?(?:Introduction|INTRODUCTION|References|REFERENCES)\b/.test(h)) return true;
    if (!/^\d+(?:\.\d+)*\.?\s+[A-Z]/.test(h)) return false;
    const letters = h.replace(/[^A-Za-z]/g, "");
    return letters.length >= 4 && letters.replace(/[^A-Z]/g, "").length >= 0.8 * letters.length;
  });
}

/**
 * Removes e-mail addresses, including grouped ones ("{ann, bob}@cs.cmu.edu"). Anchored at each "@": a regex that
 * tries every word as a possible local part backtracks badly on 34 MB of text.
 */
export function removeEmails(text: string): { text: string; count: number } {
  let out = "";
  let last = 0;
  let count = 0;
  for (const m of text.matchAll(EMAIL_DOMAIN)) {
    const at = m.index!;
    let start = at;
    if (text[at - 1] === "}") {
      const open = text.lastIndexOf("{", at - 1);
      if (open >= 0 && at - open <= 300 && !text.slice(open, at).includes("\n")) start = open;
    } else {
      while (start > last && /[\w.+-]/.test(text[start - 1]!)) start--;
    }
    if (start === at) continue; // "@" with no local part: a decorator or a handle, not an address
    out += text.slice(last, start);
    last = at + m[0].length;
    count++;
  }
  return { text: out + text.slice(last), count };
}

function removeAll(text: string, pattern: RegExp): { text: string; count: number } {
  let count = 0;
  const out = text.replace(pattern, () => {
    count++;
    return "";
  });
  return { text: out, count };
}

/** Acknowledgements are a paragraph or two; a section that seems longer lost its next heading to the converter. */
const ACK_MAX_CHARS = 3000;

/**
 * Drops each acknowledgement section: its heading and the paragraphs up to the next heading (or a bold run-in
 * heading, "**Appendix Outline**"), at most ACK_MAX_CHARS of them.
 */
function dropAcknowledgements(lines: string[]): { lines: string[]; count: number } {
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ACK_HEADING.test(line) && line.trim().length < 80) {
      count++;
      let j = i + 1;
      let chars = 0;
      while (j < lines.length && !isHeading(lines[j]!) && !/^\*\*[^*]+\*\*/.test(lines[j]!.trim())) {
        chars += lines[j]!.length + 1;
        if (chars > ACK_MAX_CHARS && !lines[j]!.trim()) break;
        j++;
      }
      i = j - 1;
      continue;
    }
    out.push(line);
  }
  return { lines: out, count };
}

/** The title: the first Markdown heading (with the converter's split "## " continuations), else the first line. */
function titleOf(header: string[]): string {
  const start = header.findIndex((l) => /^#{1,6}\s/.test(l.trim()));
  let parts: string[];
  if (start >= 0) {
    parts = [header[start]!];
    for (let i = start + 1; i < header.length && /^#{1,6}\s/.test(header[i]!.trim()); i++) parts.push(header[i]!);
  } else {
    parts = header.filter((l) => l.trim()).slice(0, 1);
  }
  return parts
    .join(" ")
    .replace(/#{1,6}\s*/g, "") // "UNSU## PERVISED": the converter splits long titles into headings mid-word
    .replace(/\[[^\]]{0,6}\]/g, "")
    .replace(/[*_]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Abstract paragraphs are prose; author names, affiliations and footnotes that the converter put there are not. */
function isProse(paragraph: string): boolean {
  const lines = paragraph
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const chars = lines.join(" ").length;
  if (chars < 120 || /@/.test(paragraph)) return false;
  if (lines.every((l) => l.length < 60)) return false;
  return !/^\*\*[^*]+\*\*$/.test(lines[0]!);
}

/** Removes the title/author/header block and every decision tell-tale from one ICLR 2022 text. */
export function stripLeak(raw: string, id = "paper"): StrippedPaper {
  const clean = raw.replace(/\r/g, "").replace(/\u0000/g, "");
  const lines = clean.split("\n");
  const at = lines.findIndex((l) => ABSTRACT_HEADING.test(l));
  if (at < 0)
    throw new ReviewBenchError(
      "BENCH_NO_ABSTRACT",
      `${id}: no abstract heading, so the title/author block cannot be told from the paper`,
    );
  const header = lines.slice(0, at);
  const title =
    titleOf(header.filter((l) => !LEAK_PHRASES.some((p) => new RegExp(p.source, "i").test(l)))) || "(untitled)";
  // The abstract runs to the first section heading (most often "1 INTRODUCTION").
  let end = at + 1;
  while (end < lines.length && !isSectionStart(lines[end]!)) end++;
  const inline = lines[at]!.replace(ABSTRACT_HEADING, "").trim();
  const region = [inline, ...lines.slice(at + 1, end)].join("\n");
  const paragraphs = region
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  // A text whose converter put every line in its own paragraph (line-numbered submissions) keeps all but e-mails.
  const prose = paragraphs.filter(isProse);
  const kept = prose.length > 0 ? prose : paragraphs.filter((p) => !p.includes("@"));
  // Figure captions that sat above the abstract belong to the paper, not to its authors.
  const captions = header
    .join("\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => /^(?:Figure|Fig\.)\s*\d+[:.]/.test(p));
  let abstract = kept.join("\n\n");
  const acks = dropAcknowledgements(lines.slice(end));
  let body = [...captions, ...acks.lines].join("\n");
  const counts = { leakPhrases: 0, emails: 0 };
  for (const pattern of LEAK_PHRASES) {
    const a = removeAll(abstract, pattern);
    const b = removeAll(body, pattern);
    abstract = a.text;
    body = b.text;
    counts.leakPhrases += a.count + b.count;
  }
  const notes = removeAll(body, AUTHOR_NOTE);
  const links = [removeAll(abstract, URL), removeAll(notes.text, URL)];
  abstract = links[0]!.text.replace(/\]\(\s*\)/g, "]");
  body = links[1]!.text.replace(/\]\(\s*\)/g, "]");
  const ea = removeEmails(abstract);
  const eb = removeEmails(body);
  abstract = ea.text;
  body = eb.text
    .split("\n")
    .filter((l, i, all) => !(/^[\s*_]*$/.test(l) && /^[\s*_]*$/.test(all[i - 1] ?? "")))
    .join("\n");
  counts.emails = ea.count + eb.count;
  const text = `# ${title}\n\nABSTRACT\n\n${abstract}\n\n${body.trim()}\n`;
  return {
    title,
    abstract,
    text,
    removed: {
      headerChars: header.join("\n").length,
      leakPhrases: counts.leakPhrases,
      emails: counts.emails,
      authorNotes: notes.count,
      links: links[0]!.count + links[1]!.count,
      acknowledgements: acks.count,
      abstractBlocks: paragraphs.length - kept.length,
    },
  };
}
