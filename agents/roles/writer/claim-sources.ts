// What a paper's claims may rest on, for the provenance check: every run's final_info.json, what each run was set
// to, the setup's own numbers (template knobs and space, the idea's ratings, the study's counts, sandbox limits),
// the bibliography and where each of its entries came from, and the names the artifacts know.
import type { FinalInfo, Payload } from "../../../bus/index.ts";
import type { ProvenanceSources } from "../../provenance/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";
import type { RecordedCitation } from "./bibliography.ts";

/** Where a paper's provenance.json is stored (claim-effects writes it, publish-paper adds the Markdown check). */
export const provenanceArtifact = (ideaId: string) => `${ideaId}/provenance.json`;

type Study = Payload<"study.completed">;
type Setting = number | string | boolean;

export interface ClaimSourceInput {
  study: Study;
  template: TemplateInfo;
  finalInfos: Record<number, FinalInfo>;
  bib: string | null;
  recordedCitations: RecordedCitation[];
  /** Operator limits the paper may state (seconds, MB, CPUs). */
  limits?: { timeoutSeconds?: number; memoryMb?: number; cpus?: number };
}

export function claimSources({
  study,
  template,
  finalInfos,
  bib,
  recordedCitations,
  limits,
}: ClaimSourceInput): ProvenanceSources {
  const settings: Record<string, Setting> = {};
  for (const [knob, value] of Object.entries(template.baselineParams)) settings[`baseline.${knob}`] = value;
  for (const [knob, values] of Object.entries(template.space))
    values.forEach((v, i) => (settings[`space.${knob}[${i}]`] = v));
  // Settings every run got (fixed by config for reduced runs).
  for (const [knob, value] of Object.entries(template.fixedSettings ?? {})) settings[`fixed.${knob}`] = value;
  for (const [key, value] of Object.entries(study.params)) settings[`idea.${key}`] = value;
  for (const key of ["Interestingness", "Feasibility", "Novelty"] as const) settings[`idea.${key}`] = study.idea[key];
  settings["idea.ratingScale"] = 10;
  const attempted = study.runs.filter((r) => r.runIndex > 0);
  settings["runs.attempted"] = attempted.length;
  settings["runs.failed"] = attempted.filter((r) => r.status !== "ok").length;
  settings["runs.succeeded"] = attempted.length - (settings["runs.failed"] as number);
  const t = template.sandbox;
  if (t.timeoutMs !== null) settings["template.timeoutSeconds"] = t.timeoutMs / 1000;
  if (t.memoryMb !== null) settings["template.memoryMb"] = t.memoryMb;
  if (t.cpus !== null) settings["template.cpus"] = t.cpus;
  for (const [key, value] of Object.entries(limits ?? {})) if (value !== undefined) settings[`sandbox.${key}`] = value;
  const infos = Object.values(finalInfos);
  return {
    finalInfos,
    runs: study.runs.map((r) => ({
      runIndex: r.runIndex,
      params: r.params,
      description: r.description ?? "",
      attempts: r.attempts,
    })),
    settings,
    bib,
    recordedCitations,
    datasets: [...new Set([...Object.keys(study.baseline), ...infos.flatMap((i) => Object.keys(i))])],
    metrics: [...new Set(infos.flatMap((i) => Object.values(i).flatMap((d) => Object.keys(d.means))))],
    figures: Object.keys(study.plots),
  };
}
