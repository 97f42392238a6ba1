// Numbers as prose writes them: 0.978, 97.8%, 97.81 %, 7,500, -0.35 and −0.35 (unicode minus), 1.2e-3,
// 1.2×10^-3 (what LaTeX's 1.2\times10^{-3} becomes), 12 percentage points. Each token keeps its printed precision
// (decimal places after the exponent is applied) so that matching can require exact rounding, not closeness.

export interface NumberToken {
  start: number;
  end: number;
  text: string;
  /** The value as written (97.8 for "97.8%"); sign applied. */
  value: number;
  /** Decimal places of the printed value: fraction digits minus the exponent (1.2e-3 -> 4). */
  decimals: number;
  /** Significant digits printed (0.0120 -> 3, 600 -> 3, 0 -> 0). */
  sig: number;
  percent: boolean;
  /** Written as percentage points ("pp", "percentage points"). */
  points: boolean;
  negative: boolean;
  /** Plain whole number: no fraction, exponent, separators, sign or unit. */
  plainInteger: boolean;
}

// Not after a letter, digit, "_" or "." (v2, run_2, 1.2.3), nor after "letter-" (ResNet-50, GPT-4, CIFAR-10:
// names, not measurements). A sign counts only when nothing word-like stands before it ("0.91-0.95" is a range).
// A decimal may drop its leading zero (".978").
const NUMBER =
  /(?<![\w.]|[A-Za-z]-)([-−]?)(\d{1,3}(?:,\d{3})+(?!\d)|\d+|(?=\.\d))(?:\.(\d+))?(?:[eE]([-+−]?\d+)\b|\s*[×·]\s*10\s*\^\s*\{?\s*([-+−]?\d+)\s*\}?|\^\{?([-+−]?\d+)\}?)?(\s?%|\s?percent\b|\s?percentage points?\b|\s?(?:p\.p\.|pp\b))?/g;

const minus = (s: string) => s.replace("−", "-");

export function numberTokens(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [whole, sign, intPart, frac = "", eExp, timesExp, caretExp, unit] = m;
    const start = m.index!;
    const digits = intPart!.replace(/,/g, "");
    let exponent = 0;
    let value = Number(`${digits}${frac ? `.${frac}` : ""}`);
    if (eExp !== undefined) exponent = Number(minus(eExp));
    else if (timesExp !== undefined) exponent = Number(minus(timesExp));
    else if (caretExp !== undefined) {
      // 10^{-3} is scientific notation; 2^{10} is a power.
      if (digits === "10" && !frac) {
        value = 1;
        exponent = Number(minus(caretExp));
      } else value = value ** Number(minus(caretExp));
    }
    value *= 10 ** exponent;
    const negative = sign !== "";
    if (negative) value = -value;
    const significant = `${digits}${frac}`.replace(/^0+/, "");
    const unitText = (unit ?? "").trim();
    const points = /^(?:pp|p\.p\.|percentage)/.test(unitText);
    out.push({
      start,
      end: start + whole.length,
      text: whole.trim(),
      value: Number(value.toPrecision(15)),
      decimals: Math.max(0, frac.length - exponent),
      sig: caretExp !== undefined && !(digits === "10" && !frac) ? 15 : significant.length,
      percent: unitText !== "" && !points,
      points,
      negative,
      plainInteger:
        !frac &&
        eExp === undefined &&
        timesExp === undefined &&
        caretExp === undefined &&
        !negative &&
        !unit &&
        !intPart!.includes(","),
    });
  }
  return out;
}

export const WORD_NUMBERS: Record<string, number> = {
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
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
};

/** Half the last printed digit: the widest distance rounding allows between the printed and the recorded value. */
export function halfUnit(token: Pick<NumberToken, "decimals">): number {
  return 0.5 * 10 ** -token.decimals;
}
