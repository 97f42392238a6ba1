// Names of datasets and benchmarks a paper may claim to have used. Well-known ones come from a lexicon, matched
// whatever their spelling ("CIFAR10", "cifar-10", "Cifar 10"); names that are also ordinary words (ARC, Iris, C4,
// The Pile) match only in their usual capitalisation. The artifacts' own dataset names are found the same way, and
// "on the X dataset" phrases name a dataset too.

interface LexiconEntry {
  name: string;
  /** Match only as capitalised here (the name is also a common word). */
  cased?: boolean;
}

const LEXICON: LexiconEntry[] = [
  { name: "MNIST" },
  { name: "Fashion-MNIST" },
  { name: "KMNIST" },
  { name: "EMNIST" },
  { name: "QMNIST" },
  { name: "CIFAR-10" },
  { name: "CIFAR-100" },
  { name: "SVHN" },
  { name: "STL-10" },
  { name: "ImageNet" },
  { name: "Tiny ImageNet" },
  { name: "ImageNet-1k" },
  { name: "ImageNet-21k" },
  { name: "miniImageNet" },
  { name: "CelebA" },
  { name: "LSUN" },
  { name: "COCO" },
  { name: "MS COCO" },
  { name: "Pascal VOC" },
  { name: "Cityscapes" },
  { name: "ADE20K" },
  { name: "Places365" },
  { name: "Omniglot" },
  { name: "CUB-200" },
  { name: "Caltech-101" },
  { name: "Caltech-256" },
  { name: "Oxford Flowers" },
  { name: "Stanford Cars" },
  { name: "GLUE" },
  { name: "SuperGLUE" },
  { name: "SQuAD" },
  { name: "SNLI" },
  { name: "MultiNLI" },
  { name: "MNLI" },
  { name: "SST-2" },
  { name: "CoLA", cased: true },
  { name: "QQP" },
  { name: "QNLI" },
  { name: "RTE", cased: true },
  { name: "MRPC" },
  { name: "IMDB" },
  { name: "AG News" },
  { name: "Yelp", cased: true },
  { name: "WikiText-2" },
  { name: "WikiText-103" },
  { name: "WikiText" },
  { name: "Penn Treebank" },
  { name: "PTB", cased: true },
  { name: "enwik8" },
  { name: "text8" },
  { name: "Shakespeare" },
  { name: "OpenWebText" },
  { name: "The Pile", cased: true },
  { name: "C4", cased: true },
  { name: "BookCorpus" },
  { name: "LAMBADA" },
  { name: "HellaSwag" },
  { name: "MMLU" },
  { name: "GSM8K" },
  { name: "HumanEval" },
  { name: "MBPP" },
  { name: "ARC", cased: true },
  { name: "WMT14" },
  { name: "WMT16" },
  { name: "IWSLT" },
  { name: "LibriSpeech" },
  { name: "TIMIT" },
  { name: "Common Voice" },
  { name: "AudioSet" },
  { name: "UCF101" },
  { name: "Kinetics", cased: true },
  { name: "KITTI" },
  { name: "ShapeNet" },
  { name: "CLEVR" },
  { name: "Iris", cased: true },
  { name: "MovieLens" },
  { name: "Criteo" },
  { name: "Cora", cased: true },
  { name: "CiteSeer" },
  { name: "PubMed", cased: true },
  { name: "OGB" },
  { name: "QM9" },
  { name: "ZINC", cased: true },
  { name: "D4RL" },
  { name: "Atari", cased: true },
];

/** "CIFAR-10" -> ["cifar", "10"]; "two_spirals" -> ["two", "spirals"]; "enwik8" -> ["enwik", "8"]. */
const tokenCache = new Map<string, string[]>();

export function nameTokens(name: string): string[] {
  let tokens = tokenCache.get(name);
  if (!tokens) {
    tokens = splitName(name);
    if (tokenCache.size < 10_000) tokenCache.set(name, tokens);
  }
  return tokens;
}

function splitName(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/([a-z])(\d)|(\d)([a-z])/g, (_, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A pattern for a name in any of its spellings: parts joined by nothing, a space, "-" or "_". */

function partsPattern(name: string, cased: boolean): string {
  const parts = cased ? name.split(/[^A-Za-z0-9]+/).filter(Boolean) : nameTokens(name);
  return parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s_-]?");
}

/** All lexicon names in one alternation per case rule, longest first (ImageNet-1k before ImageNet). */
function lexiconPattern(cased: boolean): RegExp {
  const names = LEXICON.filter((e) => (e.cased ?? false) === cased)
    .map((e) => e.name)
    .sort((a, b) => b.length - a.length);
  return new RegExp(
    `(?<![A-Za-z0-9])(?:${names.map((n) => partsPattern(n, cased)).join("|")})(?![A-Za-z0-9])`,
    cased ? "g" : "gi",
  );
}

const LEXICON_PATTERNS = [lexiconPattern(false), lexiconPattern(true)];

/** Does the written name denote a known dataset? Its parts must appear, in order and adjacent, in the known name's. */
export function sameDataset(written: string, known: string): boolean {
  const w = nameTokens(written);
  const k = nameTokens(known);
  if (w.length === 0 || w.length > k.length) return false;
  for (let i = 0; i + w.length <= k.length; i++) if (w.every((t, j) => k[i + j] === t)) return true;
  return w.join("") === k.join("");
}

export interface DatasetMention {
  start: number;
  end: number;
  text: string;
  /** "lexicon": a well-known dataset; "known": a name from the artifacts; "phrase": "on the X dataset". */
  how: "lexicon" | "known" | "phrase";
}

// Words that stand between "the" and "dataset" without naming one.
const NOT_A_NAME = new Set(
  (
    "same full whole entire training train validation val test testing held-out heldout given original above following " +
    "chosen first second third last final small smaller large larger new real each every hardest easiest noisiest noisy " +
    "clean standard public target source simplest other latter former respective underlying baseline toy synthetic " +
    "generated resulting corresponding entire augmented subsampled balanced imbalanced harder easier whole evaluation"
  ).split(" "),
);

const PHRASE =
  /\b(?:on|from|of|for|using|with|in|to)\s+the\s+([A-Za-z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+(?:dataset|benchmark|corpus|data set)s?\b/g;

/** Every dataset name in `text`, longest first where they overlap (Fashion-MNIST, not MNIST inside it). */
export function datasetMentions(text: string, known: string[]): DatasetMention[] {
  const found: DatasetMention[] = [];
  for (const pattern of LEXICON_PATTERNS)
    for (const m of text.matchAll(pattern))
      found.push({ start: m.index!, end: m.index! + m[0].length, text: m[0], how: "lexicon" });
  // Short artifact names ("a", "xy") would match everywhere: only names of 3+ characters are looked for.
  const names = known.filter((n) => n.replace(/[^A-Za-z0-9]/g, "").length >= 3).sort((a, b) => b.length - a.length);
  if (names.length) {
    const pattern = new RegExp(
      `(?<![A-Za-z0-9])(?:${names.map((n) => partsPattern(n, false)).join("|")})(?![A-Za-z0-9])`,
      "gi",
    );
    for (const m of text.matchAll(pattern))
      found.push({ start: m.index!, end: m.index! + m[0].length, text: m[0], how: "known" });
  }
  for (const m of text.matchAll(PHRASE)) {
    const name = m[1]!;
    if (NOT_A_NAME.has(name.toLowerCase().split(/\s+/)[0]!)) continue;
    const start = m.index! + m[0].indexOf(name, m[0].indexOf("the") + 3);
    found.push({ start, end: start + name.length, text: name, how: "phrase" });
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: DatasetMention[] = [];
  for (const f of found) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}
