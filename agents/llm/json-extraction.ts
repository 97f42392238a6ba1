// Models that cannot be forced into JSON (OpenAI-compatible servers without json_schema, models that add prose)
// still usually emit one JSON object somewhere in their reply. This finds it; validation happens elsewhere.

const fencePattern = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/g;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false }; // not JSON: the caller tries the next candidate
  }
}

/** The first balanced {...} or [...] starting at `start`, skipping brackets inside strings. */
function balancedSpan(text: string, start: number): string | undefined {
  const open = text[start];
  const close = open === "{" ? "}" : "]";
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === open) depth++;
    else if (char === close && --depth === 0) return text.slice(start, index + 1);
  }
  return undefined;
}

/**
 * Returns the first JSON value found in `text`: the whole text, then each fenced block, then each balanced
 * object in the prose (objects first, because schemas here are objects), or undefined when there is none.
 */
export function extractJson(text: string): { found: true; value: unknown } | { found: false } {
  const whole = tryParse(text.trim());
  if (whole.ok) return { found: true, value: whole.value };
  for (const match of text.matchAll(fencePattern)) {
    const fenced = tryParse((match[1] ?? "").trim());
    if (fenced.ok) return { found: true, value: fenced.value };
  }
  for (const opener of ["{", "["]) {
    for (let index = text.indexOf(opener); index !== -1; index = text.indexOf(opener, index + 1)) {
      const span = balancedSpan(text, index);
      if (span === undefined) continue;
      const parsed = tryParse(span);
      if (parsed.ok) return { found: true, value: parsed.value };
    }
  }
  return { found: false };
}
