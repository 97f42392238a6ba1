/** The seed's prompt strings (bench/seed-prompts.json) and Python's str.format over them, as the seed renders them. */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../config/index.ts";

interface SeedPromptsFile {
  source: Record<string, string>;
  prompts: Record<string, unknown>;
}

let loaded: SeedPromptsFile | null = null;

function file(): SeedPromptsFile {
  loaded ??= JSON.parse(readFileSync(join(repoRoot, "bench", "seed-prompts.json"), "utf8")) as SeedPromptsFile;
  return loaded;
}

export const seedSource = (): Record<string, string> => file().source;

export function seedPrompt(name: string): string {
  const value = file().prompts[name];
  if (typeof value !== "string") throw new Error(`bench/seed-prompts.json has no string prompt ${name}`);
  return value;
}

export function seedTips(section: string): string {
  const tips = (file().prompts.per_section_tips as Record<string, string>)[section];
  if (tips === undefined) throw new Error(`bench/seed-prompts.json has no per_section_tips for ${section}`);
  return tips;
}

export function seedExamples(): Array<{ role: "user" | "assistant"; content: string }> {
  return file().prompts.aider_example_messages as Array<{ role: "user" | "assistant"; content: string }>;
}

/** Python's str.format for the forms the seed uses: {name}, {name[0]}, and {{ / }} escapes. */
export function pyFormat(template: string, values: Record<string, string | number | readonly string[]>): string {
  return template.replace(
    /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?\}/g,
    (match, name: string | undefined, index: string | undefined) => {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      const value = values[name!];
      if (value === undefined) throw new Error(`pyFormat: no value for {${name}} in a seed prompt`);
      if (index !== undefined) return String((value as readonly string[])[Number(index)]);
      return String(value);
    },
  );
}
