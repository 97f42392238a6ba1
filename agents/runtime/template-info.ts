import { loadTemplate, writeParamsBlock, type Template } from "../../templates/index.ts";
import type { TemplateInfo } from "./role.ts";

/** Adapts a loaded template to what roles use; a seed-format template without metrics judges its first metric. */
export function templateInfoFrom(template: Template): TemplateInfo {
  const firstMetric = Object.values(template.baselineFinalInfo ?? {})[0]?.means;
  const primary = template.config.metrics.primary ?? (firstMetric ? Object.keys(firstMetric)[0] : undefined) ?? "score";
  const s = template.config.sandbox;
  return {
    name: template.name,
    dir: template.dir,
    files: template.files,
    prompt: template.prompt,
    seedIdeas: template.seedIdeas,
    baselineParams: template.baselineParams,
    space: template.config.space,
    metrics: { primary, higherIsBetter: template.config.metrics.higherIsBetter },
    sandbox: {
      image: s.image,
      timeoutMs: s.timeoutSeconds * 1000,
      plotTimeoutMs: s.plotTimeoutSeconds * 1000,
      memoryMb: s.memoryMb,
      cpus: s.cpus,
    },
    applyParams: (source, params) => writeParamsBlock(source, params),
  };
}

export async function loadTemplateInfo(dir: string): Promise<TemplateInfo> {
  return templateInfoFrom(await loadTemplate(dir));
}
