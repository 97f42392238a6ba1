// What a number in a sentence is. In order: structure (figure, table, section, equation numbers; sub- and
// superscripts in math; ordinals "3rd"; "2-D"; rating denominators "/10"), run indices ("run 2": the run must
// exist), `knob=value` (the knob must have had that value), counts of things the sources know ("3 datasets",
// "2 of 3 datasets": equal to, or for a subset at most, the known count), a sentence that attributes what it says
// to a cited work, then the records (values, spreads after "±", settings, differences, percent changes, ratios),
// and last years (1900-2099) and small whole numbers inside formulas. Anything else is unsupported.
import {
  describe,
  MODES,
  matchNumber,
  nearMiss,
  printedAs,
  type Filter,
  type Match,
  type Mode,
} from "./match-number.ts";
import type { NumberToken } from "./numbers.ts";
import { Family, knobName, type CountNoun, type RecordIndex } from "./recorded.ts";

export interface NumberContext {
  before: string;
  after: string;
  inMath: boolean;
  inScript: boolean;
  /** The code span the number stands in, if any (`width=32`). */
  code: string | null;
  /** Citation keys of the sentence when it attributes its content to cited work (and says nothing of "we"). */
  attributedTo: string[] | null;
  /** The records the sentence can mean (the metrics and datasets it names), and how to say so. */
  filter: Filter;
  narrowedTo: string | null;
  /** The previous number of the sentence, its category and the text between the two. */
  previous: { category: string | null; between: string; about?: { metric?: string; datasets?: string[] } } | null;
}

export interface Verdict {
  verdict: "supported" | "unsupported";
  /** The metric/datasets of the record it matched, so a "± 0.3" after it is read as that record's spread. */
  about?: { metric?: string; datasets?: string[] };
  source?: Record<string, unknown>;
  reason?: string;
  /** The structural category, for chains like "Figures 2 and 3". */
  category?: string;
}

const REFERENCE_WORDS: Array<[RegExp, string]> = [
  [/\b(?:fig(?:ure)?s?\.?)\s*~?\(?$/i, "figure-number"],
  [/\b(?:tab(?:le)?s?\.?)\s*~?\(?$/i, "table-number"],
  [/(?:\bsec(?:tion)?s?\.?|§)\s*~?\(?$/i, "section-number"],
  [/\b(?:eq(?:uation)?s?\.?)\s*~?\(?$/i, "equation-number"],
  [
    /\b(?:appendix|appendices|algorithms?|alg\.|chapters?|theorems?|lemmas?|propositions?|definitions?|corollar(?:y|ies)|hypothes[ie]s|listings?|lines?|steps?\s+(?=\d))\s*~?\(?$/i,
    "reference-number",
  ],
];
const CHAIN = /^\s*(?:,\s*(?:and\s+|or\s+)?|and|or|&|to|through|–|—|-)\s*$/i;
export const COUNT_NOUN =
  "(datasets?|benchmarks?|tasks?|runs?|experiments?|configurations?|seeds?|metrics?|figures?|plots?|attempts?)";
const GAP =
  "(?:(?!(?:per|of|in|for|each|every|and|or|on|at|by|with|from|to|than|the|a|an|is|are|was|were)\\b)[A-Za-z-]+\\s+){0,2}?";
const COUNT_AFTER = new RegExp(`^\\s+${GAP}${COUNT_NOUN}\\b`, "i");
const K_OF_N = new RegExp(
  `^\\s+(?:out\\s+)?of\\s+(?:the\\s+)?(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\\b`,
  "i",
);
const UNIT_AFTER =
  /^\s*(?:[a-z-]+\s+)?(?:steps|epochs|iterations|samples|examples|points|parameters|images|tokens|seconds|s|ms|units|neurons|batches|runs|seeds|trials|episodes|updates|words|sentences|documents|nodes|features|dimensions|classes|hours|minutes|MB|GB)\b/i;
const WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

export function nounOf(word: string): CountNoun {
  const w = word.toLowerCase();
  if (/^(dataset|benchmark|task)/.test(w)) return "datasets";
  if (/^(run|experiment|configuration)/.test(w)) return "runs";
  if (w.startsWith("seed")) return "seeds";
  if (w.startsWith("metric")) return "metrics";
  if (/^(figure|plot)/.test(w)) return "figures";
  return "attempts";
}

/** A count against what the sources know: equal to a known count, or at most the largest (a subset). */
export function checkCount(value: number, noun: CountNoun, index: RecordIndex): Verdict | null {
  const counts = index.counts.get(noun);
  if (!counts?.length || !Number.isInteger(value)) return null;
  const equal = counts.find((c) => c.value === value);
  if (equal) return { verdict: "supported", source: equal.source };
  const most = Math.max(...counts.map((c) => c.value));
  if (value >= 0 && value <= most)
    return { verdict: "supported", source: { category: "count", of: noun, subsetOf: most } };
  return {
    verdict: "unsupported",
    reason: `says ${value} ${noun}, but the sources know ${[...new Set(counts.map((c) => `${c.value} (${String(c.source.count)})`))].join(", ")}`,
  };
}

const supported = (category: string, extra: Record<string, unknown> = {}): Verdict => ({
  verdict: "supported",
  source: { category, ...extra },
  category,
});

function fromMatch(match: Match): Verdict {
  const source = { ...match.candidate.source };
  if (match.mode.label) source.printed = match.mode.label;
  return {
    verdict: "supported",
    source,
    about: { metric: match.candidate.metric, datasets: match.candidate.datasets },
  };
}

function knobVerdict(token: NumberToken, name: string, index: RecordIndex): Verdict | null {
  const values = index.knobs.get(knobName(name));
  if (!values) return null;
  const family = new Family();
  for (const v of values) family.add(v.value, v.source);
  const local = { ...index, direct: family, described: new Family(), spread: family };
  const { match } = matchNumber(token, local, token.percent ? MODES.percent.slice(0, 2) : MODES.direct);
  if (match) return fromMatch(match);
  const known = [...new Set(values.map((v) => v.value))].slice(0, 12).join(", ");
  return {
    verdict: "unsupported",
    reason: `${name}=${token.text}: no run or setting has ${name} ${token.text} (recorded: ${known})`,
  };
}

export function classifyNumber(token: NumberToken, ctx: NumberContext, index: RecordIndex): Verdict {
  const { before, after } = ctx;
  if (ctx.inScript) return supported("math-index");
  for (const [pattern, category] of REFERENCE_WORDS) if (pattern.test(before)) return supported(category);
  const chained =
    ctx.previous && ctx.previous.category && CHAIN.test(ctx.previous.between) ? ctx.previous.category : null;
  if (chained && chained !== "run-index" && /number$/.test(chained)) return supported(chained);
  if (/\bruns?\s*#?\s*$/i.test(before) || chained === "run-index") {
    if (!token.plainInteger) return { verdict: "unsupported", reason: `run ${token.text} is not a run index` };
    if (index.runIndexes.has(token.value)) return supported("run-index", { run: token.value });
    return {
      verdict: "unsupported",
      reason: `there is no run ${token.text} (runs: ${[...index.runIndexes].sort((a, b) => a - b).join(", ")})`,
      category: "run-index",
    };
  }
  if (token.plainInteger && /^(?:st|nd|rd|th)\b/.test(after)) return supported("ordinal");
  if (token.plainInteger && /^(?:-?D\b|-dimensional)/.test(after)) return supported("dimension");
  if (token.plainInteger && [3, 4, 5, 10, 100].includes(token.value) && /(?:\d\s*\/|\bout of)\s*$/.test(before))
    return supported("rating-scale");
  if (token.plainInteger && /[\w\]]\[$/.test(before) && after.startsWith("]")) return supported("array-index");
  const knob = /([A-Za-z_][\w.]*(?:\[\d+\])*)\s*=\s*$/.exec(ctx.code !== null ? ctx.code : before);
  if (knob) {
    const verdict = knobVerdict(token, knob[1]!, index);
    if (verdict) return verdict;
  }
  if (!token.percent && !token.points && token.value >= 0) {
    const kOfN = K_OF_N.exec(after);
    if (kOfN && Number.isInteger(token.value)) {
      const n = WORDS[kOfN[1]!.toLowerCase()] ?? Number(kOfN[1]);
      if (token.value <= n) return supported("count", { of: n });
      return { verdict: "unsupported", reason: `${token.text} of ${n} is more than all of them` };
    }
    const noun = COUNT_AFTER.exec(after);
    if (noun) {
      const verdict = checkCount(token.value, nounOf(noun[1]!), index);
      if (verdict) return verdict;
    }
  }
  if (ctx.attributedTo) return supported("attributed", { citation: ctx.attributedTo });
  const spread = /(?:±|\+\/-|\+-)\s*$/.test(before);
  const ratio = /^\s*(?:×|x\b|times\b|-?fold\b)/i.test(after) || /\b(?:factor|ratio) of\s*$/i.test(before);
  const modes: Mode[] = [
    ...(spread ? (token.percent ? MODES.spreadPercent : MODES.spread) : []),
    ...(ratio ? MODES.ratio : []),
    ...(token.points ? MODES.points : token.percent ? MODES.percent : [...MODES.direct, ...MODES.derived]),
  ];
  // "97.8 ± 0.3": the spread of the record the number before it matched, when it is there.
  const about = spread ? ctx.previous?.about : undefined;
  const same = about?.metric
    ? matchNumber(
        token,
        index,
        token.percent ? MODES.spreadPercent : MODES.spread,
        (c) => c.metric === about.metric && String(c.datasets) === String(about.datasets),
      ).match
    : null;
  if (same) return fromMatch(same);
  const { match, coarse } = matchNumber(token, index, modes, ctx.filter);
  if (match) return fromMatch(match);
  if (token.plainInteger && token.value >= 1900 && token.value <= 2099 && !UNIT_AFTER.test(after))
    return supported("year");
  if (ctx.inMath && token.plainInteger && token.value <= 10) return supported("formula-constant");
  if (coarse) {
    const derived = !["direct", "described", "spread"].includes(coarse.mode.family);
    return {
      verdict: "unsupported",
      reason: `${token.text} is too coarse to trace (${token.sig} significant digit${token.sig === 1 ? "" : "s"}; nearest ${describe(coarse.candidate)}); print it with ${derived ? "at least 3 significant digits, or 2 and a decimal" : "at least 2 significant digits"}`,
    };
  }
  const near = nearMiss(token, index, modes, ctx.filter);
  const hint = near ? ` (nearest: ${describe(near.candidate)}, which prints as ${printedAs(near, token)})` : "";
  const narrowed = ctx.narrowedTo ? ` of ${ctx.narrowedTo}` : "";
  return {
    verdict: "unsupported",
    reason: `${token.text} matches no recorded value${narrowed}, setting, count, difference, ratio or percent change${hint}`,
  };
}
