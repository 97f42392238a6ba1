/**
 * Load a research template in the seed's format (experiment.py, plot.py, prompt.json, seed_ideas.json,
 * latex/template.tex) plus our optional template.yaml, and check it once, at boot, so a broken template
 * fails with a code and the offending key instead of deep inside a run.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { finalInfoSchema, ideaSchema, type FinalInfo, type Idea } from "../bus/index.ts";
import { TemplateError } from "./errors.ts";
import { SKIPPED_DIRS, walkTemplateFiles } from "./template-files.ts";
import { readParamsBlock, type Params } from "./params-block.ts";
import { templateYamlSchema, type TemplateYaml } from "./template-schema.ts";

/** The files the seed's contract requires, relative to the template folder. */
export const REQUIRED_FILES = [
  "experiment.py",
  "plot.py",
  "prompt.json",
  "seed_ideas.json",
  "latex/template.tex",
] as const;

/** Larger files are not sent to the sandbox with the code; they are listed in `skipped` instead. */
const MAX_TEXT_FILE_BYTES = 2 * 1024 * 1024;
const BINARY_EXTENSIONS = /\.(png|jpe?g|gif|pdf|pkl|pickle|npy|npz|pt|pth|bin|gz|zip|tar|so|pyc)$/i;

export const promptSchema = z.object({ system: z.string(), task_description: z.string() });
export type TemplatePrompt = z.infer<typeof promptSchema>;

export interface Template {
  /** template.yaml's name, else the folder name. */
  name: string;
  /** Absolute path of the template folder. */
  dir: string;
  /** Every text file of the template, by relative POSIX path ("experiment.py", "latex/template.tex"). */
  files: Record<string, string>;
  /** Files left out of `files`: binary, too large, or unreadable as UTF-8. */
  skipped: string[];
  prompt: TemplatePrompt;
  seedIdeas: Idea[];
  config: TemplateYaml;
  /** experiment.py's PARAMS block ({} when the template has none, as in the seed's own templates). */
  baselineParams: Params;
  /** True when experiment.py has a scientist:params block the rules coder can rewrite. */
  hasParamsBlock: boolean;
  /** True when template.yaml names the sandbox image (else the image is picked from the imports at boot). */
  imageDeclared: boolean;
  /** run_0/final_info.json when the template ships a computed baseline, else null (the swarm computes it). */
  baselineFinalInfo: FinalInfo | null;
}

export interface TemplateSummary {
  name: string;
  dir: string;
}

/** templates/ inside this repository, resolved from this module so it works from any working directory. */
export function templatesRoot(): string {
  return fileURLToPath(new URL(".", import.meta.url));
}

/** The default research template, templates/mlp-dynamics. */
export function defaultTemplateDir(): string {
  return join(templatesRoot(), "mlp-dynamics");
}

/** Every folder directly under `root` that holds an experiment.py, sorted by name. */
export async function listTemplates(root: string = templatesRoot()): Promise<TemplateSummary[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new TemplateError("TEMPLATE_MISSING_FILE", `templates folder ${root} cannot be read`, {
      cause: error,
      file: root,
    });
  }
  const found: TemplateSummary[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || SKIPPED_DIRS.test(entry.name)) continue;
    const dir = join(root, entry.name);
    if (await isFile(join(dir, "experiment.py"))) found.push({ name: entry.name, dir: resolve(dir) });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export async function loadTemplate(dir: string): Promise<Template> {
  const absolute = resolve(dir);
  if (!(await isDirectory(absolute))) {
    throw new TemplateError("TEMPLATE_MISSING_FILE", `template folder ${absolute} does not exist`, { file: absolute });
  }
  const { files, skipped } = await readTextFiles(absolute);
  for (const required of REQUIRED_FILES) {
    if (files[required] === undefined) {
      throw new TemplateError(
        "TEMPLATE_MISSING_FILE",
        `template ${absolute} has no ${required} (the seed's format requires it)`,
        {
          file: required,
        },
      );
    }
  }
  const config = parseTemplateYaml(files["template.yaml"], basename(absolute));
  const prompt = parseJsonFile(files, "prompt.json", promptSchema);
  const seedIdeas = parseJsonFile(files, "seed_ideas.json", z.array(ideaSchema));
  const params = readParamsWithFile(files["experiment.py"]!);
  checkSpace(config, params);
  const baselineFinalInfo = await readBaseline(absolute);
  return {
    name: config.name,
    dir: absolute,
    files,
    skipped,
    prompt,
    seedIdeas,
    config,
    baselineParams: params ?? {},
    hasParamsBlock: params !== null,
    imageDeclared: declaresImage(files["template.yaml"]),
    baselineFinalInfo,
  };
}

/** Validate template.yaml text (undefined = file absent = all defaults). Exported for config checks. */
export function parseTemplateYaml(text: string | undefined, folderName: string): TemplateYaml {
  let raw: unknown = {};
  if (text !== undefined) {
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : "";
      throw new TemplateError(
        "TEMPLATE_BAD_YAML",
        `template.yaml does not parse${where}: ${(error as Error).message}`,
        {
          cause: error,
          file: "template.yaml",
        },
      );
    }
  }
  const parsed = templateYamlSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") path.push(issue.keys[0] ?? "?");
    const key = path.join(".") || "(root)";
    throw new TemplateError("TEMPLATE_BAD_YAML", `template.yaml: ${key}: ${issue.message}`, {
      cause: parsed.error,
      key,
      file: "template.yaml",
    });
  }
  return { ...parsed.data, name: parsed.data.name ?? folderName };
}

function parseJsonFile<T>(files: Record<string, string>, file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(files[file]!);
  } catch (error) {
    throw new TemplateError("TEMPLATE_BAD_JSON", `${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
      file,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "");
    throw new TemplateError("TEMPLATE_BAD_JSON", `${file}${key ? ` ${key}` : ""}: ${issue.message}`, {
      cause: parsed.error,
      key: key || null,
      file,
    });
  }
  return parsed.data;
}

function readParamsWithFile(source: string): Params | null {
  try {
    return readParamsBlock(source);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new TemplateError(error.code, `experiment.py: ${error.message}`, { cause: error, file: "experiment.py" });
    }
    throw error;
  }
}

/** Whether template.yaml (already validated) sets sandbox.image itself. */
function declaresImage(text: string | undefined): boolean {
  const raw = text === undefined ? null : (parseYaml(text) as { sandbox?: { image?: unknown } } | null);
  return typeof raw?.sandbox?.image === "string";
}

/**
 * With a params block, every knob in `space` must be a PARAMS key, with values of the baseline value's type.
 * Without one, the knobs are experiment.py's inferred ones, checked at boot once the probe has found them.
 */
function checkSpace(config: TemplateYaml, params: Params | null): void {
  if (params === null) return;
  for (const [knob, values] of Object.entries(config.space)) {
    if (!(knob in params)) {
      throw new TemplateError(
        "TEMPLATE_BAD_SPACE",
        `template.yaml space.${knob}: PARAMS has no "${knob}" (known: ${Object.keys(params).join(", ")})`,
        {
          key: `space.${knob}`,
          file: "template.yaml",
        },
      );
    }
    const expected = typeof params[knob];
    const wrong = values.find((value) => typeof value !== expected);
    if (wrong !== undefined) {
      throw new TemplateError(
        "TEMPLATE_BAD_SPACE",
        `template.yaml space.${knob}: ${JSON.stringify(wrong)} is not a ${expected} like the baseline`,
        {
          key: `space.${knob}`,
          file: "template.yaml",
        },
      );
    }
  }
}

async function readBaseline(dir: string): Promise<FinalInfo | null> {
  const path = join(dir, "run_0", "final_info.json");
  if (!(await isFile(path))) return null;
  return parseJsonFile(
    { "run_0/final_info.json": await readFile(path, "utf8") },
    "run_0/final_info.json",
    finalInfoSchema,
  );
}

async function readTextFiles(root: string): Promise<{ files: Record<string, string>; skipped: string[] }> {
  const files: Record<string, string> = {};
  const skipped: string[] = [];
  await walkTemplateFiles(root, async (rel, path, size) => {
    if (BINARY_EXTENSIONS.test(rel) || size > MAX_TEXT_FILE_BYTES) {
      skipped.push(rel);
      return;
    }
    const bytes = await readFile(path);
    const text = bytes.toString("utf8");
    // A NUL byte or an invalid UTF-8 sequence (decoded as U+FFFD) means binary content.
    if (bytes.includes(0) || text.includes("\uFFFD")) skipped.push(rel);
    else files[rel] = text;
  });
  return { files, skipped };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}
