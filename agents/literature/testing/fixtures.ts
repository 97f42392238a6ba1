// Fixture files and small helpers shared by the literature tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Clock } from "../clock.ts";
import type { Fetch } from "../http-client.ts";

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** The real fetch, noting the (virtual) time each request leaves at, for rate-limit assertions. */
export function timedFetch(clock: Clock): { fetch: Fetch; sentAt: number[] } {
  const sentAt: number[] = [];
  return {
    sentAt,
    fetch: (input, init) => {
      sentAt.push(clock.now());
      return globalThis.fetch(input, init);
    },
  };
}

/** A structural check of one BibTeX entry: `@type{key,` then `  name = {value}` fields with balanced braces, `}`. */
export function parseBibtexEntry(text: string): { type: string; key: string; fields: Record<string, string> } {
  const head = /^@(\w+)\{([^,\s{}]+),\n/.exec(text);
  if (!head) throw new Error(`bad entry head: ${text.slice(0, 60)}`);
  const fields: Record<string, string> = {};
  let pos = head[0].length;
  for (;;) {
    const field = /^ {2}(\w+) = \{/.exec(text.slice(pos));
    if (!field) break;
    pos += field[0].length;
    let depth = 1;
    const start = pos;
    while (depth > 0) {
      const ch = text[pos++];
      if (ch === undefined) throw new Error("unbalanced braces");
      if (ch === "{") depth++;
      if (ch === "}") depth--;
    }
    fields[field[1]!] = text.slice(start, pos - 1);
    if (text.startsWith(",\n", pos)) pos += 2;
  }
  if (text.slice(pos) !== "\n}") throw new Error(`bad entry tail: ${JSON.stringify(text.slice(pos))}`);
  return { type: head[1]!, key: head[2]!, fields };
}
