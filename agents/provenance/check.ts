// The checker over prose of either format: every sentence's numbers, dataset names and run indices, every
// citation, figure reference and results-table cell, and every bibliography entry become claims with a verdict.
import { parseBib } from "./bibliography.ts";
import { checkCount, classifyNumber, COUNT_NOUN, nounOf, type Verdict } from "./classify-number.ts";
import { datasetMentions, sameDataset, type DatasetMention } from "./datasets.ts";
import { ProvenanceError } from "./errors.ts";
import type { Filter } from "./match-number.ts";
import { metricMentions } from "./metrics.ts";
import { numberTokens, WORD_NUMBERS, type NumberToken } from "./numbers.ts";
import {
  BREAK,
  displaySentence,
  locationOf,
  sectionOf,
  sentencesOf,
  type CiteMark,
  type Prose,
  type Sentence,
} from "./prose.ts";
import { buildIndex, type RecordIndex } from "./recorded.ts";
import type { Claim, ProvenanceReport, ProvenanceSources } from "./types.ts";

const FILE_NAME =
  /[\w./-]*[\w-]\.(?:png|jpe?g|pdf|svg|eps|py|json|jsonl|txt|tex|bib|md|csv|npy|npz|pt|ckpt|log|ya?ml|sh|html)\b/gi;
const URL = /\b(?:https?:\/\/|www\.)\S+|\b(?:doi|arXiv):\s*\S+/gi;
// "We", "our", "this paper": a sentence about this work's own results, which a citation cannot vouch for.
const FIRST_PERSON = /\b(?:we|our|ours|us|this (?:paper|work|study))\b/i;
// Where a paper reports its own work, a citation in the sentence cannot vouch for what it says.
const OWN_RESULTS = /^(?:title|abstract)$|result|experiment|method|setup|conclusion|evaluation|analysis/i;
const WORD_COUNT = new RegExp(
  `\\b(${Object.keys(WORD_NUMBERS).join("|")})\\s+(?:[A-Za-z-]+\\s+){0,2}?${COUNT_NOUN}\\b`,
  "gi",
);

type Range = [number, number];

/** Ranges over the prose as a per-character table, so that each lookup is O(length of what is looked up). */
class RangeTable {
  private readonly cell: Int32Array;
  constructor(
    length: number,
    private readonly ranges: Range[],
  ) {
    this.cell = new Int32Array(length + 1);
    ranges.forEach(([a, b], i) => this.cell.fill(i + 1, Math.max(0, a), Math.min(length, b)));
  }
  overlaps(s: number, e: number): boolean {
    for (let i = s; i < e; i++) if (this.cell[i]) return true;
    return false;
  }
  at(i: number): Range | null {
    const k = this.cell[i] ?? 0;
    return k ? this.ranges[k - 1]! : null;
  }
}

interface Tables {
  masks: RangeTable;
  codes: RangeTable;
  math: RangeTable;
  scripts: RangeTable;
}

export function validateSources(sources: ProvenanceSources): void {
  const bad = (what: string) => new ProvenanceError("PROVENANCE_BAD_SOURCES", `provenance sources: ${what}`);
  if (!sources || typeof sources !== "object") throw bad("not an object");
  if (!sources.finalInfos || typeof sources.finalInfos !== "object")
    throw bad("finalInfos must be an object of run index -> final_info.json");
  for (const [run, info] of Object.entries(sources.finalInfos)) {
    if (!/^\d+$/.test(run)) throw bad(`finalInfos key "${run}" is not a run index`);
    if (!info || typeof info !== "object") throw bad(`finalInfos[${run}] is not a final_info.json object`);
  }
  if (!Array.isArray(sources.runs)) throw bad("runs must be an array");
  for (const r of sources.runs)
    if (!Number.isInteger(r?.runIndex) || !r.params || typeof r.params !== "object")
      throw bad(`run ${JSON.stringify(r).slice(0, 60)} needs a whole runIndex and params`);
  if (!sources.settings || typeof sources.settings !== "object") throw bad("settings must be an object");
  if (sources.bib !== null && typeof sources.bib !== "string") throw bad("bib must be the references.bib text or null");
  if (!Array.isArray(sources.recordedCitations)) throw bad("recordedCitations must be an array");
}

function report(claims: Claim[]): ProvenanceReport {
  const supported = claims.filter((c) => c.verdict === "supported").length;
  return { claims, checked: claims.length, supported, unsupported: claims.length - supported };
}

function claim(kind: Claim["kind"], text: string, sentence: string, location: string, v: Verdict): Claim {
  const out: Claim = { kind, text, sentence, location, verdict: v.verdict };
  if (v.verdict === "supported") out.source = v.source ?? {};
  else out.reason = v.reason ?? "unsupported";
  return out;
}

/** What is found in the whole prose in one pass each (a pattern run per sentence costs a regex clone per run). */
interface Scan {
  mentions: DatasetMention[];
  runs: RegExpMatchArray[];
  words: RegExpMatchArray[];
  tokens: NumberToken[];
}

/** The items of a list sorted by start that start inside the sentence. */
function startingIn<T>(list: T[], startOf: (t: T) => number, s: Sentence): T[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(list[mid]!) < s.start) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < list.length && startOf(list[i]!) < s.end; i++) out.push(list[i]!);
  return out;
}

const RUN_NAME = /(?<![\w-])run_(\d+)(?!\w)/g;

function sentenceClaims(
  prose: Prose,
  s: Sentence,
  index: RecordIndex,
  tables: Tables,
  resolves: (key: string) => boolean,
  scan: Scan,
  cites: CiteMark[],
  metricContext: Set<string>,
): Array<[number, Claim]> {
  const out: Array<[number, Claim]> = [];
  const shown = (at: number) => displaySentence(prose.text, s, at);
  const add = (at: number, kind: Claim["kind"], text: string, v: Verdict) =>
    out.push([at, claim(kind, text, shown(at), locationOf(prose, at), v)]);
  const masks = tables.masks;
  const own = new Set<number>();
  const ownOverlaps = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (own.has(i)) return true;
    return false;
  };
  const claimOwn = (a: number, b: number) => {
    for (let i = a; i < b; i++) own.add(i);
  };
  const section = sectionOf(prose, s.start) ?? "";
  const attributedTo =
    cites.length && !FIRST_PERSON.test(s.text) && !OWN_RESULTS.test(section) ? cites.flatMap((c) => c.keys) : null;
  const named = new Set<string>();
  for (const m of startingIn(scan.mentions, (x) => x.start, s)) {
    if (m.end > s.end) continue;
    const at = m.start;
    if (masks.overlaps(at, m.end)) continue;
    claimOwn(at, m.end);
    const known = index.datasets.find((d) => sameDataset(m.text, d) || sameDataset(d, m.text));
    if (known) named.add(known);
    if (known) add(at, "dataset", m.text, { verdict: "supported", source: { dataset: known } });
    else if (attributedTo)
      add(at, "dataset", m.text, { verdict: "supported", source: { category: "attributed", citation: attributedTo } });
    else
      add(at, "dataset", m.text, {
        verdict: "unsupported",
        reason: `${m.text} is named as a dataset, but no run produced results on it (datasets with results: ${index.datasets.join(", ") || "none"})`,
      });
  }
  for (const m of startingIn(scan.runs, (x) => x.index!, s)) {
    const at = m.index!;
    if (masks.overlaps(at, at + m[0].length)) continue;
    claimOwn(at, at + m[0].length);
    const run = Number(m[1]);
    add(
      at,
      "number",
      m[0],
      index.runIndexes.has(run)
        ? { verdict: "supported", source: { category: "run-index", run } }
        : {
            verdict: "unsupported",
            reason: `there is no run ${run} (runs: ${[...index.runIndexes].sort((a, b) => a - b).join(", ")})`,
          },
    );
  }
  // Small numbers written as words are claims only as counts of what the sources know ("three datasets").
  for (const m of startingIn(scan.words, (x) => x.index!, s)) {
    const at = m.index!;
    if (masks.overlaps(at, at + m[0].length) || /\bof\s*$/i.test(s.text.slice(0, at - s.start))) continue;
    const v = checkCount(WORD_NUMBERS[m[1]!.toLowerCase()]!, nounOf(m[2]!), index);
    if (v) add(at, "number", m[1]!, v);
  }
  // Tokens of the whole prose, made local to the sentence (copies: units are propagated below).
  const tokens = startingIn(scan.tokens, (t) => t.start, s)
    .filter((t) => t.end <= s.end && !masks.overlaps(t.start, t.end) && !ownOverlaps(t.start, t.end))
    .map((t) => ({ ...t, start: t.start - s.start, end: t.end - s.start }));
  // A unit written once applies to both ends of a range or spread: "91–95%", "97.8 ± 1.2%".
  for (let i = 1; i < tokens.length; i++) {
    const [a, b] = [tokens[i - 1]!, tokens[i]!];
    const between = s.text.slice(a.end, b.start);
    if (!/^\s*(?:±|\+\/-|–|—|-|to|and)\s*$/.test(between)) continue;
    if (b.percent && !a.percent && !a.points) a.percent = true;
    else if (b.points && !a.percent && !a.points) a.points = true;
    else if (a.percent && !b.percent && between.includes("±")) b.percent = true;
  }
  const metrics = metricContext;
  // A mean over datasets fits a sentence that names no dataset, names them all, or says it is a mean.
  const overall = /\b(?:mean|means|average|averaged|across|overall|over all)\b/i.test(s.text);
  const aggregateFits = (c: { datasets?: string[] }) =>
    overall || !named.size || (c.datasets ?? []).every((d) => named.has(d));
  const filter: Filter =
    metrics.size || named.size
      ? (c) =>
          (!c.metric || !metrics.size || metrics.has(c.metric)) &&
          (!c.datasets || !named.size || (c.aggregate ? aggregateFits(c) : c.datasets.every((d) => named.has(d))))
      : null;
  const narrowedTo = filter
    ? [metrics.size ? [...metrics].join("/") : "", named.size ? `on ${[...named].join("/")}` : ""]
        .filter(Boolean)
        .join(" ")
    : null;
  let previous: { category: string | null; end: number; about?: Verdict["about"] } | null = null;
  for (const t of tokens) {
    const at = s.start + t.start;
    const code = tables.codes.at(at);
    const v = classifyNumber(
      t,
      {
        before: s.text.slice(Math.max(0, t.start - 60), t.start),
        after: s.text.slice(t.end, t.end + 80),
        inMath: tables.math.at(at) !== null,
        inScript: tables.scripts.at(at) !== null,
        code: code ? prose.text.slice(code[0], at) : null,
        attributedTo,
        filter,
        narrowedTo,
        previous: previous
          ? { category: previous.category, between: s.text.slice(previous.end, t.start), about: previous.about }
          : null,
      },
      index,
    );
    add(at, "number", t.text, v);
    previous = { category: v.category ?? null, end: t.end, about: v.about };
  }
  return out;
}

function figureName(name: string): string {
  return name
    .trim()
    .replace(/^(?:\.\.?\/)+/, "")
    .split("/")
    .pop()!
    .toLowerCase();
}

export function checkProse(prose: Prose, sources: ProvenanceSources): ProvenanceReport {
  validateSources(sources);
  const index = buildIndex(sources);
  const masks: Range[] = [...prose.masks];
  for (const pattern of [FILE_NAME, URL])
    for (const m of prose.text.matchAll(pattern)) masks.push([m.index!, m.index! + m[0].length]);
  const n = prose.text.length;
  const tables: Tables = {
    masks: new RangeTable(n, masks),
    codes: new RangeTable(n, prose.codes),
    math: new RangeTable(n, prose.math),
    scripts: new RangeTable(n, prose.scripts),
  };
  // references.bib and a filecontents block of the paper both reach bibtex: an entry of either resolves a key.
  const entries = [
    ...parseBib(sources.bib ?? ""),
    ...parseBib(prose.inlineBib ?? "").map((e) => ({ ...e, inline: true })),
  ];
  const keys = new Map<string, (typeof entries)[number]>();
  for (const e of entries) if (!keys.has(e.key)) keys.set(e.key, e);
  const numbered = (n: number) => prose.references.has(n) || (prose.references.size === 0 && n >= 1 && n <= keys.size);
  const resolves = (key: string) => (/^\d+$/.test(key) ? numbered(Number(key)) : keys.has(key));
  const claims: Array<[number, Claim]> = [];
  const sentences = sentencesOf(prose.text);
  const scan: Scan = {
    mentions: datasetMentions(prose.text, index.datasets),
    runs: [...prose.text.matchAll(RUN_NAME)],
    words: [...prose.text.matchAll(WORD_COUNT)],
    tokens: numberTokens(prose.text),
  };
  const resolved = prose.cites.filter((c) => c.keys.some(resolves));
  // The metric a number is read against: the one its sentence names, else those of the previous sentence of its
  // paragraph and the paper's own (named in the title or abstract), else any.
  const named = sentences.map((s) => metricMentions(s.text, index.metrics));
  const main = new Set(
    sentences.flatMap((s, i) => (/^(?:title|abstract)$/.test(sectionOf(prose, s.start) ?? "") ? [...named[i]!] : [])),
  );
  let next = 0;
  for (const [i, s] of sentences.entries()) {
    const previous =
      i > 0 && !prose.text.slice(sentences[i - 1]!.end, s.start).includes(BREAK) ? named[i - 1]! : new Set<string>();
    const metricContext = named[i]!.size ? named[i]! : new Set([...previous, ...main]);
    // Sentences and citations are both in text order: walk them together.
    while (next < resolved.length && resolved[next]!.start < s.start) next++;
    const cites: CiteMark[] = [];
    for (let k = next; k < resolved.length && resolved[k]!.start < s.end; k++)
      if (resolved[k]!.end <= s.end) cites.push(resolved[k]!);
    claims.push(...sentenceClaims(prose, s, index, tables, resolves, scan, cites, metricContext));
  }
  const sentenceAt = (at: number) => {
    let lo = 0;
    let hi = sentences.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sentences[mid]!.end + 1 <= at) lo = mid + 1;
      else hi = mid;
    }
    const s = sentences[lo];
    return s && s.start <= at ? s : undefined;
  };
  const shown = (at: number) => {
    const s = sentenceAt(at);
    return s ? displaySentence(prose.text, s, at) : "";
  };
  for (const c of prose.cites) {
    if (c.definition) continue;
    for (const key of c.keys) {
      const where = locationOf(prose, c.start);
      if (c.numeric) {
        const n = Number(key);
        const listed = numbered(n);
        claims.push([
          c.start,
          claim(
            "citation",
            `[${key}]`,
            shown(c.start),
            where,
            listed
              ? { verdict: "supported", source: { reference: n } }
              : {
                  verdict: "unsupported",
                  reason: `cites [${key}], but the paper lists ${Math.max(prose.references.size, keys.size)} references`,
                },
          ),
        ]);
      } else {
        const entry = keys.get(key);
        claims.push([
          c.start,
          claim(
            "citation",
            key,
            shown(c.start),
            where,
            entry
              ? { verdict: "supported", source: { bib: key, title: entry.title } }
              : { verdict: "unsupported", reason: `cites ${key}, but references.bib has no entry with that key` },
          ),
        ]);
      }
    }
  }
  const figures = index.figures?.map(figureName) ?? null;
  for (const f of prose.figures) {
    const name = figureName(f.name);
    const known = figures?.find((k) => k === name || k.replace(/\.[a-z]+$/, "") === name);
    const v: Verdict = known
      ? { verdict: "supported", source: { figure: known } }
      : {
          verdict: "unsupported",
          reason: figures
            ? `figure ${f.name} is not a plot the runs produced (plots: ${figures.join(", ") || "none"})`
            : `figure ${f.name}: the sources list no plot files`,
        };
    claims.push([f.at, claim("figure", f.name, shown(f.at) || `figure ${f.name}`, locationOf(prose, f.at), v)]);
  }
  for (const cell of prose.tableCells) {
    const truth = sources.finalInfos[cell.runIndex]?.[cell.dataset]?.means[cell.metric];
    const v: Verdict =
      truth !== undefined && String(truth) === cell.text
        ? {
            verdict: "supported",
            source: {
              artifact: `run_${cell.runIndex}/final_info.json`,
              path: `${cell.dataset}.means.${cell.metric}`,
              value: truth,
            },
          }
        : {
            verdict: "unsupported",
            reason: `the results table says ${cell.dataset}/${cell.metric}/run_${cell.runIndex} = ${cell.text}, but run_${cell.runIndex}/final_info.json has ${truth ?? "no such value"}`,
          };
    claims.push([
      Infinity,
      claim(
        "number",
        cell.text,
        `results table: ${cell.dataset} ${cell.metric} run_${cell.runIndex}`,
        `results table (${prose.file} line ${cell.line})`,
        v,
      ),
    ]);
  }
  claims.sort((a, b) => a[0] - b[0]);
  const recorded = new Map(sources.recordedCitations.map((r) => [r.key, r]));
  const bibClaims = [...keys.values()].map((e) => {
    const r = recorded.get(e.key);
    const v: Verdict = r
      ? { verdict: "supported", source: { source: r.source, id: r.id } }
      : {
          verdict: "unsupported",
          reason: `references.bib entry ${e.key} did not come from a literature source's recorded answer`,
        };
    return claim(
      "bib-entry",
      e.key,
      (e.title ?? "").slice(0, 300),
      "inline" in e ? `${prose.file} filecontents, entry line ${e.line}` : `references.bib line ${e.line}`,
      v,
    );
  });
  return report([...claims.map(([, c]) => c), ...bibClaims]);
}
