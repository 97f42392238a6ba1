import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { SwarmConfig } from "../../config/index.ts";
import { createSandbox, limitsFromSettings, type Sandbox, type SandboxLimits } from "../../sandbox/index.ts";
import {
  chooseImage,
  inferSpace,
  inferredSpaceYaml,
  knobRun,
  loadTemplate,
  paramsBlockRun,
  primaryMetricOf,
  probeTemplate,
  readWorkspace,
  resolveSettings,
  TemplateError,
  writeParamsBlock,
  type Knob,
  type Params,
  type PrepareRun,
  type Template,
} from "../../templates/index.ts";
import type { TemplateBoot, TemplateInfo } from "./role.ts";

export interface TemplateBootOptions {
  /**
   * The boot probe's sandbox (a seed-format template, or one with no image named): given, or opened and closed here.
   */
  sandbox?: Sandbox | null;
  openSandbox?: () => Promise<Sandbox>;
  limits?: SandboxLimits;
  /** The image when template.yaml names none and no import asks for python-torch (config sandbox.image). */
  defaultImage?: string;
  /** Fixed settings for every run (config run.settings, --set): knob -> value (strings are read as the knob's type). */
  settings?: Readonly<Record<string, unknown>>;
  /** The rules ideator walks the space: with nothing to vary the boot fails instead of a run of 0 ideas. */
  requireSpace?: boolean;
  signal?: AbortSignal;
}

/** Adapts a loaded template to what roles use; a seed-format template without metrics judges its first metric. */
export function templateInfoFrom(
  template: Template,
  extra: {
    workspace?: Record<string, Uint8Array>;
    space?: TemplateInfo["space"];
    baselineParams?: Params;
    fixedSettings?: Params;
    prepareRun?: PrepareRun;
    image?: string;
    boot?: TemplateBoot;
    inferredMetric?: string | null;
  } = {},
): TemplateInfo {
  const firstMetric = Object.values(template.baselineFinalInfo ?? {})[0]?.means;
  const primary =
    template.config.metrics.primary ??
    (firstMetric ? Object.keys(firstMetric)[0] : undefined) ??
    extra.inferredMetric ??
    "score";
  const s = template.config.sandbox;
  const experiment = template.files["experiment.py"] ?? "";
  const fixedSettings = extra.fixedSettings ?? {};
  const encoder = new TextEncoder();
  return {
    name: template.name,
    dir: template.dir,
    files: template.files,
    workspace:
      extra.workspace ??
      Object.fromEntries(Object.entries(template.files).map(([path, text]) => [path, encoder.encode(text)])),
    prompt: template.prompt,
    seedIdeas: template.seedIdeas,
    baselineParams: extra.baselineParams ?? { ...template.baselineParams, ...fixedSettings },
    space: extra.space ?? template.config.space,
    fixedSettings,
    metrics: { primary, higherIsBetter: template.config.metrics.higherIsBetter },
    sandbox: {
      image: extra.image ?? s.image,
      timeoutMs: s.timeoutSeconds * 1000,
      plotTimeoutMs: s.plotTimeoutSeconds * 1000,
      memoryMb: s.memoryMb,
      cpus: s.cpus,
    },
    prepareRun: extra.prepareRun ?? paramsBlockRun(experiment, fixedSettings),
    applyParams: (source, params) => {
      if (!template.hasParamsBlock) {
        throw new TemplateError(
          "TEMPLATE_NO_PARAMS_BLOCK",
          `template ${template.name} has no params block: its settings apply through prepareRun (flags or the override wrapper)`,
        );
      }
      return writeParamsBlock(source, params);
    },
    ...(extra.boot && { boot: extra.boot }),
  };
}

/** A params-block template's fixed settings: PARAMS keys, each of its baseline value's type (numbers: any number,
 * since the block's 1.0 reads back as 1). */
function paramsSettings(template: Template, raw: Readonly<Record<string, unknown>>): Params {
  const knobs: Knob[] = Object.entries(template.baselineParams).map(([name, value]) => ({
    name,
    kind: "constant",
    value,
    type: typeof value === "boolean" ? "bool" : typeof value === "string" ? "str" : "float",
    line: 0,
    col: 0,
    end_line: 0,
    end_col: 0,
    scope: "PARAMS",
  }));
  return resolveSettings(knobs, raw);
}

/** The space's knobs must be the inferred ones, with values of each baseline's type. */
function checkDeclaredSpace(space: TemplateInfo["space"], knobs: readonly Knob[]): void {
  const byName = new Map(knobs.map((k) => [k.name, k]));
  for (const [name, values] of Object.entries(space)) {
    const knob = byName.get(name);
    if (!knob) {
      throw new TemplateError(
        "TEMPLATE_BAD_SPACE",
        `template.yaml space.${name}: experiment.py has no such knob (inferred: ${[...byName.keys()].join(", ") || "none"})`,
        { key: `space.${name}`, file: "template.yaml" },
      );
    }
    const wrong = values.find((v) =>
      knob.type === "bool"
        ? typeof v !== "boolean"
        : knob.type === "str"
          ? typeof v !== "string"
          : typeof v !== "number" || (knob.type === "int" && !Number.isInteger(v)),
    );
    if (wrong !== undefined) {
      throw new TemplateError(
        "TEMPLATE_BAD_SPACE",
        `template.yaml space.${name}: ${JSON.stringify(wrong)} is not a ${knob.type} like the baseline ${JSON.stringify(knob.value)}`,
        { key: `space.${name}`, file: "template.yaml" },
      );
    }
  }
}

function nothingToVary(template: Template, why: string): TemplateError {
  return new TemplateError(
    "TEMPLATE_NOTHING_TO_VARY",
    `template ${template.name}: the rules ideator has nothing to vary (${why}). Add a \`space:\` to template.yaml ` +
      "(knob: [values]) with the knobs in a `# --- scientist:params begin ---` / `# --- scientist:params end ---` " +
      "PARAMS block of experiment.py, or give experiment.py argparse flags or literal settings to infer; or run with --policy llm",
    { file: "template.yaml" },
  );
}

/**
 * Loads the template and finds out, once at boot, what the roles need: the image (template.yaml's, else by imports),
 * the knobs (a params block, else Python's ast in the sandbox), the space (template.yaml's, else inferred), and the
 * fixed settings checked against the knobs.
 */
export async function bootTemplateInfo(dir: string, options: TemplateBootOptions = {}): Promise<TemplateInfo> {
  const template = await loadTemplate(dir);
  const { workspace, skipped } = await readWorkspace(template.dir);
  const choice = chooseImage(template, options.defaultImage ?? template.config.sandbox.image);
  const raw = options.settings ?? {};
  const boot = (spaceSource: TemplateBoot["spaceSource"], yaml: string | null): TemplateBoot => ({
    image: choice.image,
    imageReason: choice.reason,
    spaceSource,
    inferredSpaceYaml: yaml,
    skipped,
  });
  const experiment = template.files["experiment.py"] ?? "";
  let knobs: Knob[] | null = null;
  let inferredMetric: string | null = null;
  if (!template.hasParamsBlock || !template.imageDeclared) {
    // The probe checks the imports against the image and, without a params block, finds the knobs.
    let sandbox = options.sandbox ?? null;
    const opened = sandbox === null;
    if (sandbox === null) {
      if (!options.openSandbox || !options.limits)
        throw new TemplateError(
          "TEMPLATE_PROBE_FAILED",
          `template ${template.name}: no sandbox to probe experiment.py in at boot`,
        );
      sandbox = await options.openSandbox();
    }
    try {
      const probe = await probeTemplate(template, sandbox, choice.image, options.limits!, options.signal);
      knobs = probe.knobs;
      inferredMetric = primaryMetricOf(probe.metrics);
    } finally {
      if (opened) await sandbox.close();
    }
  }
  if (template.hasParamsBlock) {
    const fixedSettings = paramsSettings(template, raw);
    const space = withoutFixed(template.config.space, fixedSettings);
    if (options.requireSpace && Object.keys(space).length === 0)
      throw nothingToVary(template, "template.yaml has no space");
    return templateInfoFrom(template, {
      workspace,
      space,
      fixedSettings,
      image: choice.image,
      inferredMetric,
      boot: boot(Object.keys(space).length ? "template.yaml" : "none", null),
    });
  }
  const found = knobs ?? [];
  const fixedSettings = resolveSettings(found, raw);
  const declared = Object.keys(template.config.space).length > 0;
  if (declared) checkDeclaredSpace(template.config.space, found);
  const inferred = inferSpace(found);
  const space = withoutFixed(declared ? template.config.space : inferred, fixedSettings);
  if (options.requireSpace && Object.keys(space).length === 0) {
    throw nothingToVary(
      template,
      found.length === 0
        ? "no template.yaml space, no params block, and no literal settings in experiment.py"
        : "every knob is fixed by the run's settings",
    );
  }
  const baselineParams: Params = Object.fromEntries(found.map((k) => [k.name, fixedSettings[k.name] ?? k.value]));
  const yaml = declared ? null : inferredSpaceYaml(template.name, found, inferred, fixedSettings);
  return templateInfoFrom(template, {
    workspace,
    space,
    baselineParams,
    fixedSettings,
    prepareRun: knobRun(experiment, found, fixedSettings),
    image: choice.image,
    inferredMetric,
    boot: boot(declared ? "template.yaml" : Object.keys(space).length ? "inferred" : "none", yaml),
  });
}

function withoutFixed(space: TemplateInfo["space"], fixed: Params): TemplateInfo["space"] {
  return Object.fromEntries(Object.entries(space).filter(([knob]) => !(knob in fixed)));
}

/** Loads a template; a params-block template with its image named needs no sandbox (else give one in options). */
export async function loadTemplateInfo(dir: string, options: TemplateBootOptions = {}): Promise<TemplateInfo> {
  return bootTemplateInfo(dir, options);
}

/**
 * The template as a run uses it, from the swarm config: its default image, its fixed settings (run.settings and
 * --set, or those of the run being joined), and a short-lived sandbox for the probe when none is given.
 */
export async function bootTemplateForRun(options: {
  config: SwarmConfig;
  run: string;
  logger: Logger;
  dir?: string;
  sandbox?: Sandbox | null;
  settings?: Readonly<Record<string, unknown>>;
  /** Default: whether this config's ideator is rules (a host joining a run leaves that check to the run's starter). */
  requireSpace?: boolean;
  signal?: AbortSignal;
}): Promise<TemplateInfo> {
  const { config } = options;
  const ideatorPolicy = config.roles.ideator?.policy ?? config.run.policy;
  return bootTemplateInfo(options.dir ?? config.run.template, {
    sandbox: options.sandbox ?? null,
    openSandbox: () =>
      createSandbox({
        backend: config.sandbox.backend,
        cacheDir: config.sandbox.cacheDir,
        mirror: config.sandbox.mirror,
        logger: options.logger.child({ component: "sandbox", phase: "template-probe" }),
        labels: { "scientist.run": options.run },
        warmPool: 0,
      }),
    limits: limitsFromSettings(config.sandbox),
    defaultImage: config.sandbox.image,
    settings: options.settings ?? config.run.settings,
    requireSpace: options.requireSpace ?? ideatorPolicy === "rules",
    ...(options.signal && { signal: options.signal }),
  });
}

/** Writes inferred-space.yaml into the run's folder (for the user to inspect and keep); its path, or null. */
export async function writeInferredSpace(runDir: string, template: TemplateInfo): Promise<string | null> {
  const yaml = template.boot?.inferredSpaceYaml;
  if (!yaml) return null;
  await mkdir(runDir, { recursive: true });
  const path = join(runDir, "inferred-space.yaml");
  await writeFile(path, yaml);
  return path;
}

/** The run's first lines about the template: image and why, where the space came from, fixed settings. */
export function templateBootLines(template: TemplateInfo, spacePath: string | null): string[] {
  const b = template.boot;
  if (!b) return [];
  const knobs = Object.keys(template.space).length;
  const fixed = Object.entries(template.fixedSettings);
  return [
    `template ${template.name}: image ${b.image} (${b.imageReason}); primary metric ${template.metrics.primary}`,
    b.spaceSource === "inferred"
      ? `space inferred from experiment.py: ${knobs} knob(s)${spacePath ? `, written to ${spacePath}` : ""}`
      : b.spaceSource === "template.yaml"
        ? `space from template.yaml: ${knobs} knob(s)`
        : "no space (the llm ideator writes its own ideas)",
    ...(fixed.length ? [`fixed settings for every run: ${fixed.map(([k, v]) => `${k}=${String(v)}`).join(", ")}`] : []),
    ...(b.skipped.length ? [`left out of the run workspace (over its size limits): ${b.skipped.join(", ")}`] : []),
  ];
}
