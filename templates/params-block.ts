/**
 * The one marked block of experiment.py that the rules coder rewrites:
 *
 *   # --- scientist:params begin (the rules coder rewrites this block) ---
 *   PARAMS = {"learning_rate": 0.05, "optimizer": "sgd", ...}
 *   # --- scientist:params end ---
 *
 * Only a flat dict literal of numbers, strings and booleans is understood; anything cleverer (expressions,
 * nested dicts, None) is refused with TEMPLATE_BAD_PARAMS rather than guessed at, because a wrong guess
 * would silently run the wrong experiment.
 */
import { TemplateError } from "./errors.ts";

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

const BEGIN = /^[ \t]*# --- scientist:params begin\b.*$/gm;
const END = /^[ \t]*# --- scientist:params end\b.*$/gm;

interface Block {
  /** Offset just after the begin marker's line break, and of the end marker's first char. */
  bodyStart: number;
  bodyEnd: number;
  body: string;
  indent: string;
  newline: string;
}

function findBlock(source: string): Block | null {
  const begins = [...source.matchAll(BEGIN)];
  const ends = [...source.matchAll(END)];
  if (begins.length === 0 && ends.length === 0) return null;
  if (begins.length !== 1 || ends.length !== 1) {
    throw new TemplateError(
      "TEMPLATE_BAD_PARAMS",
      `expected exactly one scientist:params begin and end marker, found ${begins.length} begin and ${ends.length} end`,
    );
  }
  const begin = begins[0]!;
  const end = ends[0]!;
  const beginLineEnd = begin.index + begin[0].length;
  if (end.index < beginLineEnd) {
    throw new TemplateError("TEMPLATE_BAD_PARAMS", "scientist:params end marker comes before the begin marker");
  }
  const newline = source.slice(beginLineEnd, beginLineEnd + 2) === "\r\n" ? "\r\n" : "\n";
  const bodyStart = Math.min(beginLineEnd + newline.length, end.index);
  const indent = /^[ \t]*/.exec(begin[0])?.[0] ?? "";
  return { bodyStart, bodyEnd: end.index, body: source.slice(bodyStart, end.index), indent, newline };
}

// ------------------------------------------------------------------ parsing a Python dict literal

/** Which keys held float literals (`1.0`, `1e-3`), so a rewrite keeps `1.0` a float in Python. */
type FloatKeys = Set<string>;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new TemplateError("TEMPLATE_BAD_PARAMS", `PARAMS block, line ${line} of the block: ${what}`);
  }

  /** Skip whitespace, newlines and `#` comments. */
  skip(): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      const match = /^(?:\s+|#[^\n]*)/.exec(rest);
      if (!match || match[0].length === 0) return;
      this.pos += match[0].length;
    }
  }

  peek(): string {
    return this.text[this.pos] ?? "";
  }

  expect(char: string): void {
    this.skip();
    if (this.peek() !== char)
      this.fail(`expected '${char}' but found ${JSON.stringify(this.peek() || "end of block")}`);
    this.pos += 1;
  }
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

function parseString(c: Cursor): string {
  const quote = c.peek();
  if (c.text.startsWith(quote.repeat(3), c.pos)) c.fail("triple-quoted strings are not supported in PARAMS");
  c.pos += 1;
  let out = "";
  for (;;) {
    const ch = c.text[c.pos];
    if (ch === undefined || ch === "\n") c.fail("unterminated string");
    c.pos += 1;
    if (ch === quote) return out;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = c.text[c.pos] ?? "";
    const hex = next === "x" ? 2 : next === "u" ? 4 : 0;
    if (hex > 0) {
      const digits = c.text.slice(c.pos + 1, c.pos + 1 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) c.fail(`bad \\${next} escape`);
      out += String.fromCharCode(parseInt(digits, 16));
      c.pos += 1 + hex;
    } else if (next in ESCAPES) {
      out += ESCAPES[next];
      c.pos += 1;
    } else {
      out += `\\${next}`; // Python keeps unknown escapes literally
      c.pos += 1;
    }
  }
}

const NUMBER = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/;

function parseValue(c: Cursor, key: string, floats: FloatKeys): ParamValue {
  c.skip();
  const ch = c.peek();
  if (ch === '"' || ch === "'") return parseString(c);
  const rest = c.text.slice(c.pos);
  const word = /^[A-Za-z_]\w*/.exec(rest)?.[0];
  if (word === "True" || word === "False") {
    c.pos += word.length;
    return word === "True";
  }
  const number = NUMBER.exec(rest)?.[0];
  if (number && !/^[\w.]/.test(rest.slice(number.length))) {
    c.pos += number.length;
    if (/[.eE]/.test(number)) floats.add(key);
    const value = Number(number.replace(/_/g, ""));
    if (!Number.isFinite(value)) c.fail(`value of "${key}" is not a finite number`);
    return value;
  }
  return c.fail(
    `value of "${key}" must be a number, a quoted string, True or False (found ${JSON.stringify(rest.slice(0, 20))})`,
  );
}

function parseDict(c: Cursor, floats: FloatKeys): Params {
  c.expect("{");
  const params: Params = {};
  for (;;) {
    c.skip();
    if (c.peek() === "}") {
      c.pos += 1;
      return params;
    }
    if (c.peek() !== '"' && c.peek() !== "'") c.fail("expected a quoted key or '}'");
    const key = parseString(c);
    if (key in params) c.fail(`duplicate key "${key}"`);
    c.expect(":");
    params[key] = parseValue(c, key, floats);
    c.skip();
    if (c.peek() === ",") c.pos += 1;
    else if (c.peek() !== "}") c.fail(`expected ',' or '}' after the value of "${key}"`);
  }
}

function parseBody(body: string): { params: Params; floats: FloatKeys } {
  const c: Cursor = new Cursor(body); // annotated so `c.fail` (never) narrows
  c.skip();
  const head = /^PARAMS\s*=\s*/.exec(body.slice(c.pos));
  if (!head) c.fail("expected `PARAMS = {...}`");
  c.pos += head[0].length;
  const floats: FloatKeys = new Set();
  const params = parseDict(c, floats);
  c.skip();
  if (c.pos < body.length) c.fail("only comments may follow the PARAMS dict inside the block");
  return { params, floats };
}

/**
 * The PARAMS dict of a marked block, or null when the source has no block (a template in the seed's plain
 * format). Throws TEMPLATE_BAD_PARAMS when a block exists but is not a flat literal dict.
 */
export function readParamsBlock(source: string): Params | null {
  const block = findBlock(source);
  return block === null ? null : parseBody(block.body).params;
}

// ------------------------------------------------------------------ writing Python literals

export function formatPythonValue(value: ParamValue, asFloat = false): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return JSON.stringify(value); // a JSON string literal is a valid Python one
  if (!Number.isFinite(value)) {
    throw new TemplateError("TEMPLATE_BAD_PARAMS", `cannot write the non-finite number ${value} as a PARAMS value`);
  }
  const text = String(value);
  // Keep 1.0 a float when the template declared it as one: Python code may rely on float division/repr.
  return asFloat && Number.isInteger(value) && !/e/i.test(text) ? `${text}.0` : text;
}

/**
 * Rewrite the marked block so PARAMS is exactly `params` (callers merge with the baseline first), one line
 * as in the template. Whole numbers are written as floats (`1.0`) where the old block had a float literal
 * for that key. Throws TEMPLATE_NO_PARAMS_BLOCK when the source has no block.
 */
export function writeParamsBlock(source: string, params: Params): string {
  const block = findBlock(source);
  if (block === null) {
    throw new TemplateError(
      "TEMPLATE_NO_PARAMS_BLOCK",
      "experiment.py has no `# --- scientist:params begin ... ---` / `# --- scientist:params end ---` block to rewrite",
    );
  }
  let floats: FloatKeys = new Set();
  try {
    floats = parseBody(block.body).floats;
  } catch {
    // A malformed old block is replaced wholesale; there is simply no float hint to keep.
  }
  const entries = Object.entries(params).map(
    ([key, value]) => `${JSON.stringify(key)}: ${formatPythonValue(value, floats.has(key))}`,
  );
  const line = `${block.indent}PARAMS = {${entries.join(", ")}}${block.newline}`;
  return source.slice(0, block.bodyStart) + line + source.slice(block.bodyEnd);
}
