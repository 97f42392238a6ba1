/**
 * How a run applies its settings to experiment.py without editing the template: a params-block template gets its
 * block rewritten; a seed-format one gets argparse flags, and for knobs hidden in code the override wrapper
 * (scientist_wrapper.py), which overrides the exact literals in the parsed code and runs it as `__main__`.
 * Fixed settings (config run.settings, `--set`) apply to every run, the baseline included.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { TemplateError } from "./errors.ts";
import { walkTemplateFiles } from "./template-files.ts";
import type { Knob } from "./inferred-space.ts";
import { coerceSetting } from "./inferred-space.ts";
import { formatPythonValue, readParamsBlock, writeParamsBlock, type ParamValue, type Params } from "./params-block.ts";

export interface PreparedRun {
  files: Record<string, string>;
  command: string[];
}
export type PrepareRun = (params: Params, runIndex: number, source?: string) => PreparedRun;

/** The files the wrapper needs beside experiment.py; names no template of the seed's format uses. */
export const WRAPPER_FILE = "scientist_wrapper.py";
export const INFER_FILE = "scientist_infer_space.py";
export const SETTINGS_FILE = "scientist_settings.json";

const scriptText = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
/** infer_space.py's text: the boot probe runs it, and the wrapper imports it to find the same knobs by name. */
export const inferScript = (): string => scriptText("infer_space.py");
export const wrapperScript = (): string => scriptText("scientist_wrapper.py");
/** The boot probe (knobs, metric names, imports checked against the image); imports infer_space.py. */
export const probeScript = (): string => scriptText("probe_template.py");

const outDir = (runIndex: number) => `--out_dir=run_${runIndex}`;

/** A params-block template (ours): settings rewrite the marked PARAMS block of the given source. */
export function paramsBlockRun(templateSource: string, fixed: Params): PrepareRun {
  const known = readParamsBlock(templateSource) ?? {};
  return (params, runIndex, source = templateSource) => {
    const effective = { ...fixed, ...params };
    for (const key of Object.keys(effective)) {
      if (!(key in known)) {
        throw new TemplateError(
          "TEMPLATE_UNKNOWN_SETTING",
          `setting ${key}: PARAMS has no such key (known: ${Object.keys(known).join(", ")})`,
          { key, file: "experiment.py" },
        );
      }
    }
    const code =
      Object.keys(effective).length === 0
        ? source
        : writeParamsBlock(source, { ...(readParamsBlock(source) ?? known), ...effective });
    return { files: { "experiment.py": code }, command: ["python3", "experiment.py", outDir(runIndex)] };
  };
}

function flagFor(knob: Knob, value: ParamValue): string | null {
  if (knob.action === "store_true" || knob.action === "store_false") {
    if (value === knob.value) return null;
    // A store_true flag can only turn the value on (store_false only off): the other way is the default.
    if (value !== (knob.action === "store_true")) {
      throw new TemplateError(
        "TEMPLATE_BAD_SETTING",
        `setting ${knob.name}=${String(value)}: ${knob.flag} (${knob.action}) cannot express it`,
        { key: knob.name },
      );
    }
    return knob.flag!;
  }
  const text =
    typeof value === "string"
      ? value
      : typeof value === "boolean"
        ? value
          ? "True"
          : "False"
        : formatPythonValue(value, knob.type === "float");
  return `${knob.flag}=${text}`;
}

/**
 * A seed-format template: each setting that differs from the code's own value becomes a flag (argparse knobs) or
 * an override the wrapper applies (every other knob, found again by name in the source actually run).
 */
export function knobRun(templateSource: string, knobs: readonly Knob[], fixed: Params): PrepareRun {
  const byName = new Map(knobs.map((k) => [k.name, k]));
  return (params, runIndex, source = templateSource) => {
    const flags: string[] = [];
    const overrides: Params = {};
    for (const [name, raw] of Object.entries({ ...fixed, ...params })) {
      const knob = byName.get(name);
      if (!knob) {
        throw new TemplateError(
          "TEMPLATE_UNKNOWN_SETTING",
          `setting ${name}: experiment.py has no such knob (known: ${[...byName.keys()].join(", ")})`,
          { key: name, file: "experiment.py" },
        );
      }
      const value = coerceSetting(knob, raw);
      // On the template's own code a baseline value needs nothing; on edited code a fixed setting is pinned anyway
      // (the edit may have moved it), while an idea's baseline values leave the edit alone.
      const pinned = name in fixed && source !== templateSource;
      if (value === knob.value && !pinned) continue;
      if (knob.kind === "argparse") {
        const flag = value === knob.value && knob.action !== "store" ? null : flagFor(knob, value);
        if (flag) flags.push(flag);
      } else {
        overrides[name] = value;
      }
    }
    if (Object.keys(overrides).length === 0) {
      const files: Record<string, string> = { "experiment.py": source };
      return { files, command: ["python3", "experiment.py", outDir(runIndex), ...flags] };
    }
    return {
      files: {
        "experiment.py": source,
        [WRAPPER_FILE]: wrapperScript(),
        [INFER_FILE]: inferScript(),
        [SETTINGS_FILE]: `${JSON.stringify({ settings: overrides }, null, 2)}\n`,
      },
      command: ["python3", WRAPPER_FILE, SETTINGS_FILE, "experiment.py", outDir(runIndex), ...flags],
    };
  };
}

// ------------------------------------------------------------------ the workspace: every file of the template

/** Per file and in total: a template's data rides along with every run, so it must fit the sandbox's disk. */
export const WORKSPACE_LIMITS = { fileBytes: 64 * 1024 * 1024, totalBytes: 256 * 1024 * 1024 } as const;
/** Every file of the template folder (text and binary) by relative POSIX path; what exceeds the limits is listed. */
export async function readWorkspace(
  root: string,
  limits = WORKSPACE_LIMITS,
): Promise<{ workspace: Record<string, Uint8Array>; skipped: string[] }> {
  const workspace: Record<string, Uint8Array> = {};
  const skipped: string[] = [];
  let total = 0;
  await walkTemplateFiles(root, async (rel, path, size) => {
    if (size > limits.fileBytes || total + size > limits.totalBytes) {
      skipped.push(rel);
      return;
    }
    total += size;
    workspace[rel] = new Uint8Array(await readFile(path));
  });
  return { workspace, skipped };
}
