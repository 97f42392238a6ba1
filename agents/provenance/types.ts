import type { FinalInfo, Params } from "../../bus/index.ts";

/** What a paper's claims may rest on: the run artifacts, the setup, the bibliography. */
export interface ProvenanceSources {
  /** run index -> that run's final_info.json as stored (run 0 = baseline). */
  finalInfos: Record<number, FinalInfo>;
  /**
   * What each run was set to: params (knob -> value) and the coder's words for it. `attempts` (optional, an
   * addition to the agreed shape) is how many sandbox attempts the run took, so "1 attempt" can be checked.
   */
  runs: Array<{ runIndex: number; params: Params; description: string; attempts?: number }>;
  /** Other numbers that are facts of the setup: template constants/knobs, config (seeds, epochs, limits). */
  settings: Record<string, number | string | boolean>;
  /** references.bib text (null: none). */
  bib: string | null;
  /** Keys (BibTeX keys) of entries that came from a literature source's recorded answer, with where from. */
  recordedCitations: Array<{ key: string; source: string; id: string }>;
  /** Names the artifacts know: datasets (final_info keys), metrics (means keys), plot files. */
  datasets?: string[];
  metrics?: string[];
  figures?: string[];
}

export type ClaimKind = "number" | "dataset" | "citation" | "bib-entry" | "figure";

export interface Claim {
  kind: ClaimKind;
  /** The number/name/key as written, e.g. "12.3%". */
  text: string;
  /** The sentence it stands in (trimmed, <= 300 chars). */
  sentence: string;
  /** "abstract", "section Results, paper.tex line 120", "references.bib". */
  location: string;
  verdict: "supported" | "unsupported";
  /** supported: what it rests on (an artifact path and value, a setting, a derivation or a category). */
  source?: Record<string, unknown>;
  /** unsupported: why. */
  reason?: string;
}

export interface ProvenanceReport {
  claims: Claim[];
  checked: number;
  supported: number;
  unsupported: number;
}
