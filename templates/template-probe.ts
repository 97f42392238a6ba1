/**
 * The boot probe: which image a template runs in (and why), and what its experiment.py lets the rules policies
 * vary. The knobs and the import check come from probe_template.py run with Python's own ast inside the template's
 * sandbox image, so the answer is the image's Python's, and a module the image lacks fails the boot naming it.
 */
import { z } from "zod";
import type { Sandbox, SandboxLimits } from "../sandbox/index.ts";
import { TemplateError } from "./errors.ts";
import { knobSchema, type Knob } from "./inferred-space.ts";
import type { Template } from "./load-template.ts";
import { INFER_FILE, inferScript, probeScript } from "./run-plan.ts";

/** Modules the python-torch recipe adds to python-ml's numpy, scipy and matplotlib. */
const TORCH_IMAGE_MODULES = ["torch", "torchvision", "sklearn", "pandas", "tqdm", "einops"];
/** Where a missing module can come from, for the boot error. */
const MODULE_HINTS: Record<string, string> = {
  einops: "the python-torch image has it (trixie's python3-einops; template.yaml sandbox.image: python-torch)",
  torch: "the python-torch image has it (template.yaml sandbox.image: python-torch)",
  torchvision: "the python-torch image has it (template.yaml sandbox.image: python-torch)",
  sklearn: "the python-torch image has it (template.yaml sandbox.image: python-torch)",
  pandas: "the python-torch image has it (template.yaml sandbox.image: python-torch)",
  tqdm: "the python-torch image has it (template.yaml sandbox.image: python-torch)",
};

export interface ImageChoice {
  image: string;
  /** Why this image, in words for the run's first lines and doctor. */
  reason: string;
}

/** Top-level module names a Python file imports (a cheap scan: the probe's ast check is the authoritative one). */
export function scanImports(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(
    /^[ \t]*(?:import[ \t]+([\w., \t]+)|from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b)/gm,
  )) {
    if (match[2]) names.add(match[2]);
    for (const part of (match[1] ?? "").split(",")) {
      const name = /^\s*([A-Za-z_]\w*)/.exec(part)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** template.yaml's image when it names one; else python-torch for what only that image has; else the default. */
export function chooseImage(template: Template, fallback: string): ImageChoice {
  if (template.imageDeclared) return { image: template.config.sandbox.image, reason: "named by template.yaml" };
  const imports = new Set([
    ...scanImports(template.files["experiment.py"] ?? ""),
    ...scanImports(template.files["plot.py"] ?? ""),
  ]);
  const needsTorch = TORCH_IMAGE_MODULES.filter((m) => imports.has(m));
  if (needsTorch.length > 0)
    return { image: "python-torch", reason: `experiment.py/plot.py import ${needsTorch.join(", ")}` };
  return { image: fallback, reason: "the configured default (no template.yaml image, no torch import)" };
}

/** Python modules and packages of the template itself (`import utils` of utils.py is not an image's business). */
export function localModules(template: Template): string[] {
  const names = new Set<string>();
  for (const path of [...Object.keys(template.files), ...template.skipped]) {
    const top = path.split("/")[0]!;
    if (path.includes("/")) names.add(top);
    else if (top.endsWith(".py")) names.add(top.slice(0, -3));
  }
  return [...names].sort();
}

const probeSchema = z.object({
  knobs: z.array(knobSchema),
  /** Metric names final_info.json's "means" will hold, where experiment.py spells them (best effort). */
  metrics: z.array(z.string()),
  imports: z.array(z.string()),
  missing: z.array(z.string()),
  errors: z.array(z.string()),
  python: z.string(),
});
export type ProbeResult = z.infer<typeof probeSchema>;

/** Probe limits: parsing a file with ast needs little, and the wall clock covers a cold container start. */
export const PROBE_TIMEOUT_MS = 120_000;

/** Runs probe_template.py on experiment.py and plot.py in `image`; throws naming missing modules or syntax errors. */
export async function probeTemplate(
  template: Template,
  sandbox: Sandbox,
  image: string,
  limits: SandboxLimits,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const files: Record<string, string> = {
    [INFER_FILE]: inferScript(),
    "scientist_probe.py": probeScript(),
    "experiment.py": template.files["experiment.py"] ?? "",
  };
  const scripts = ["experiment.py"];
  if (template.files["plot.py"] !== undefined) {
    files["plot.py"] = template.files["plot.py"];
    scripts.push("plot.py");
  }
  const command = ["python3", "scientist_probe.py", ...scripts, "--local", localModules(template).join(",")];
  const result = await sandbox.run({
    image,
    files,
    command,
    limits,
    timeoutMs: PROBE_TIMEOUT_MS,
    ...(signal && { signal }),
  });
  if (result.status !== "ok") {
    throw new TemplateError(
      "TEMPLATE_PROBE_FAILED",
      `template ${template.name}: the probe of experiment.py in image ${image} ended ${result.status}: ${result.reason ?? ""} ${result.stderr.slice(-800)}`.trim(),
    );
  }
  let parsed: ProbeResult;
  try {
    parsed = probeSchema.parse(JSON.parse(result.stdout));
  } catch (error) {
    throw new TemplateError(
      "TEMPLATE_PROBE_FAILED",
      `template ${template.name}: the probe's answer is unreadable (${(error as Error).message}): ${result.stdout.slice(0, 300)}`,
      { cause: error },
    );
  }
  if (parsed.errors.length > 0) {
    throw new TemplateError(
      "TEMPLATE_PROBE_FAILED",
      `template ${template.name}: Python ${parsed.python} cannot parse it: ${parsed.errors.join("; ")}`,
      { file: "experiment.py" },
    );
  }
  if (parsed.missing.length > 0) {
    const hints = parsed.missing.map(
      (m) =>
        `${m}: ${MODULE_HINTS[m] ?? "no recipe image has it: name an image that does in template.yaml (sandbox.image)"}`,
    );
    throw new TemplateError(
      "TEMPLATE_MISSING_MODULE",
      `template ${template.name} imports ${parsed.missing.join(", ")}, which the sandbox image ${image} (Python ${parsed.python}) does not have; ${hints.join("; ")}`,
      { file: "experiment.py" },
    );
  }
  return parsed;
}

/**
 * The metric rules judge ideas by, from the inferred names: a validation/test accuracy or AUC if any, else the first.
 */
export function primaryMetricOf(metrics: readonly string[]): string | null {
  return metrics.find((m) => /(val|test)/i.test(m) && /(acc|auc)/i.test(m)) ?? metrics[0] ?? null;
}

export type { Knob };
