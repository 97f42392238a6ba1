import type { AnyActorLogic, AnyStateMachine } from "xstate";
import type { z } from "zod";
import type { Logger } from "pino";
import type { ArchiveEntry, ArtifactStore, EffectJournal, Envelope, IdeaArchive } from "../../bus/index.ts";
import type { Sandbox } from "../../sandbox/index.ts";
import type { Idea, Params } from "../../bus/index.ts";
import type { LiteratureSource } from "../literature/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import type { LlmServices } from "./llm-services.ts";
import type { SteeringView } from "./steering-state.ts";

/** What the runtime hands a role when it builds the role's effects and policy for one replica. */
export interface RoleContext<C = unknown> {
  run: string;
  agentId: string;
  role: string;
  /** The role's own config, validated by its configSchema. */
  config: C;
  swarm: SwarmConfig;
  services: Services;
  logger: Logger;
}

/** Everything effects may touch; injected so tests can pass their own. */
export interface Services {
  sandbox: Sandbox | null;
  artifacts: ArtifactStore;
  archive: IdeaArchive;
  journal: EffectJournal;
  template: TemplateInfo;
  literature: LiteratureSource | null;
  now: () => Date;
  /** The model, for roles whose policy is llm (null or absent when no hosted role uses it). */
  llm?: LlmServices | null;
  /** The operator's steering as the host has seen it (notes per idea, constraints); absent outside a host. */
  steering?: SteeringView;
}

/** An outbound message as a machine emits it; the runtime wraps it into an envelope. */
export interface Outbound {
  type: string;
  payload: unknown;
  /** Defaults to the incoming message's correlation. */
  correlation?: string;
  /** Distinguishes several messages of one type caused by one message (e.g. review seats). */
  seat?: string | number;
}

/** The event a role's machine receives for each message: the message type with its envelope. */
export interface MessageEvent {
  type: string;
  envelope: Envelope;
}

export type ActorImplementations = Record<string, AnyActorLogic>;

/**
 * A role is a value (STYLE.md item 1): what it consumes and emits, its config schema, its pure machine, and the
 * named actors (effects and policy decisions) injected into that machine.
 */
// `any` by default: a registry holds roles of different config types, and policies take their config
// contravariantly, so no narrower default (unknown) admits them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface RoleDefinition<C = any> {
  name: string;
  description: string;
  consumes: readonly string[];
  emits: readonly string[];
  configSchema: z.ZodType<C>;
  machine: AnyStateMachine;
  /** Which actor instance handles a message (default: its correlation). */
  actorKey?: (envelope: Envelope) => string;
  /** Input for a fresh actor. */
  input?: (context: RoleContext<C>, envelope: Envelope) => unknown;
  /** IO effects as named actors (sandbox, artifacts, archive...). */
  effects?: (context: RoleContext<C>) => ActorImplementations;
  /** Decision policies as named actors, by policy name. */
  policies: Partial<Record<"rules" | "llm", (context: RoleContext<C>) => ActorImplementations>>;
  /** Payload schemas of message types this role introduces (plugins). */
  messageTypes?: Record<string, z.ZodType>;
  /**
   * The services the role's effects and policies use; a host builds a sandbox or a literature source only for
   * roles that need one, and a model only where such a role runs its llm policy. runtime/ tests no role names.
   */
  needs?: readonly RoleNeed[];
  /** Sampling temperature of the role's model calls (config llm.temperatures overrides; default 0.75, the seed's). */
  temperature?: number;
  /** The JSONL corpus the role's config names for an offline literature source (undefined or "auto": the default). */
  corpus?: (config: C) => string | undefined;
}

export type RoleNeed = "sandbox" | "literature" | "model";
export const roleNeeds: readonly RoleNeed[] = ["sandbox", "literature", "model"];

export type { ArchiveEntry };

/** What roles need to know of the research template (loaded once at boot). */
export interface TemplateInfo {
  name: string;
  dir: string;
  /** Text files of the template by relative path (experiment.py, plot.py, latex/template.tex, ...). */
  files: Record<string, string>;
  /** Every file of the template folder (text and binary, within limits), by relative path: each run's workspace. */
  workspace: Record<string, Uint8Array>;
  prompt: { system: string; task_description: string };
  seedIdeas: Idea[];
  /** Every knob's value in the baseline run (fixed settings applied). */
  baselineParams: Params;
  /** Values the rules ideator may give each knob (fixed settings are not varied). */
  space: Record<string, Array<string | number | boolean>>;
  /** Settings every run gets, the baseline included (config run.settings, `scientist run --set`); citable facts. */
  fixedSettings: Params;
  metrics: { primary: string; higherIsBetter: boolean };
  sandbox: {
    image: string | null;
    timeoutMs: number | null;
    plotTimeoutMs: number | null;
    memoryMb: number | null;
    cpus: number | null;
  };
  /**
   * The files and command that run experiment.py (the given source, default the template's) with `params` applied
   * on top of the fixed settings: a params-block rewrite of experiment.py, argparse flags, or the override wrapper
   * and its JSON. runIndex sets --out_dir.
   */
  prepareRun(params: Params, runIndex: number, source?: string): { files: Record<string, string>; command: string[] };
  /** Rewrites experiment.py so it runs with `params` (the template's params block). Prefer prepareRun. */
  applyParams(source: string, params: Params): string;
  /** How the boot chose the image and the space (absent for hand-built test templates). */
  boot?: TemplateBoot;
}

/** What the boot found out about a template, for the run's first lines, doctor and inferred-space.yaml. */
export interface TemplateBoot {
  image: string;
  imageReason: string;
  /** Where the rules ideator's space came from. */
  spaceSource: "template.yaml" | "inferred" | "none";
  /** inferred-space.yaml's text for a seed-format template (null when the template has a params block). */
  inferredSpaceYaml: string | null;
  /** Template files left out of the workspace by its limits. */
  skipped: string[];
}
