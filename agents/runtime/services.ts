import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Logger } from "pino";
import { ArtifactStore, EffectJournal, IdeaArchive, type BusConnection } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { createSandbox, type Sandbox } from "../../sandbox/index.ts";
import {
  createLiteratureSource,
  miniCorpusPath,
  withCache,
  type LiteratureSource,
  type LiteratureSourceSpec,
} from "../literature/index.ts";
import type { KV } from "@nats-io/kv";
import { kvKey } from "../../bus/index.ts";
import type { ModelProvider } from "../llm/index.ts";
import { createLlmServices } from "./llm-services.ts";
import { kvRecordingStore } from "./llm-stores.ts";
import { recordedLiterature, replayedLiterature } from "./recorded-literature.ts";
import type { RegistryLike } from "./registry-like.ts";
import type { RoleDefinition, RoleNeed, Services, TemplateInfo } from "./role.ts";

/**
 * Which corpus an offline literature source reads: the first path a role's config names (RoleDefinition.corpus, the
 * novelty role's `corpus`), or by default the shared corpus if present, else the mini one.
 */
export function corpusPath(config: SwarmConfig, roles: readonly RoleDefinition[] = []): string {
  for (const role of roles) {
    // An invalid role config is reported by the boot (parseRoleConfig), not here.
    const parsed = role.corpus && role.configSchema.safeParse(config.roles[role.name]?.config ?? {});
    const configured = parsed && parsed.success ? role.corpus?.(parsed.data) : undefined;
    if (configured && configured !== "auto")
      return isAbsolute(configured) ? configured : resolve(config.baseDir, configured);
  }
  return config.data.literature && existsSync(config.data.literature) ? config.data.literature : miniCorpusPath();
}

/** What a host builds for its roles, from what each declares it needs (and a model only where one runs llm). */
export interface ServiceNeeds {
  needSandbox: boolean;
  needLiterature: boolean;
  needLlm: boolean;
  /** The hosted roles' definitions: their temperatures and corpus paths. */
  roles: RoleDefinition[];
}

export function servicesNeeded(
  hosted: ReadonlyArray<{ name: string; policy: string }>,
  registry: RegistryLike,
): ServiceNeeds {
  const pairs = hosted.map((h) => ({ role: registry.get(h.name), policy: h.policy }));
  const needs = (need: RoleNeed) => pairs.filter(({ role }) => role.needs?.includes(need));
  return {
    needSandbox: needs("sandbox").length > 0,
    needLiterature: needs("literature").length > 0,
    needLlm: needs("model").some(({ policy }) => policy === "llm"),
    roles: pairs.map(({ role }) => role),
  };
}

/** The configured literature sources as a fallback chain; an offline source without a path reads the roles' corpus. */
export function literatureFrom(
  config: SwarmConfig,
  bus: BusConnection,
  logger: Logger,
  roles: readonly RoleDefinition[] = [],
): LiteratureSource {
  const specs = config.literature.sources.map((s): LiteratureSourceSpec => {
    const common = { ...(s.name && { name: s.name }), ...(s.timeoutMs && { timeoutMs: s.timeoutMs }) };
    if (s.kind === "offline") return { kind: "offline", ...common, path: s.path ?? corpusPath(config, roles) };
    const http = { ...common, ...(s.baseUrl && { baseUrl: s.baseUrl }) };
    if (s.kind === "semantic-scholar") return { kind: "semantic-scholar", ...http, apiKey: s.apiKey };
    if (s.kind === "openalex") return { kind: "openalex", ...http, apiKey: s.apiKey, mailto: config.literature.mailto };
    return { kind: "arxiv", ...http };
  });
  const log = logger.child({ component: "literature" });
  const source =
    specs.length === 1
      ? createLiteratureSource(specs[0]!, { logger: log })
      : createLiteratureSource(specs, { logger: log });
  return config.literature.cache ? withCache(source, kvTextStore(bus.kv.literature), { logger: log }) : source;
}

function kvTextStore(kv: KV) {
  return {
    get: async (key: string) => {
      const entry = await kv.get(kvKey(key));
      return entry && entry.operation === "PUT" && entry.length > 0 ? entry.string() : null;
    },
    put: async (key: string, value: string) => void (await kv.put(kvKey(key), value)),
  };
}

/** Builds the services a host's effects use; the sandbox only where a hosted role runs code. */
export async function createServices(options: {
  bus: BusConnection;
  run: string;
  config: SwarmConfig;
  template: TemplateInfo;
  logger: Logger;
  needSandbox: boolean;
  sandbox?: Sandbox;
  /** Whether a hosted role's policy is llm: only then is a model provider built (and a key needed). */
  needLlm?: boolean;
  /** Test seam: the provider behind the budget and the recorder, per model. */
  baseProvider?: (model: string) => ModelProvider;
  /** `scientist resume`: model calls the run already had answered come from its recording (llm-journal.ts). */
  resumed?: boolean;
  /** Whether a hosted role reads the literature (default true: callers that predate `needs`). */
  needLiterature?: boolean;
  /** The hosted roles' definitions: their declared temperatures and corpus paths. */
  roles?: readonly RoleDefinition[];
}): Promise<Services & { close(): Promise<void> }> {
  const { bus, run, config, logger } = options;
  let sandbox: Sandbox | null = options.sandbox ?? null;
  if (!sandbox && options.needSandbox) {
    sandbox = await createSandbox({
      backend: config.sandbox.backend,
      cacheDir: config.sandbox.cacheDir,
      mirror: config.sandbox.mirror,
      logger: logger.child({ component: "sandbox" }),
      labels: { "scientist.run": run },
      warmPool: config.sandbox.warmPool,
      gpus: config.sandbox.gpus,
    });
  }
  const roles = options.roles ?? [];
  const corpus: LiteratureSource | null =
    options.needLiterature === false ? null : literatureFrom(config, bus, logger, roles);
  const roleTemperatures = Object.fromEntries(
    roles.flatMap((r) => (r.temperature === undefined ? [] : [[r.name, r.temperature] as const])),
  );
  const llm = options.needLlm
    ? createLlmServices({
        bus,
        run,
        config,
        logger,
        roleTemperatures,
        ...(options.baseProvider && { baseProvider: options.baseProvider }),
        ...(options.resumed && { journal: true }),
      })
    : null;
  // In llm runs every search is recorded with the run; a replay answers searches from the recording alone.
  const literature: LiteratureSource | null =
    !llm || !corpus
      ? corpus
      : llm.replayOf
        ? replayedLiterature(corpus.name, kvRecordingStore(bus.kv.recordings, llm.replayOf, "literature"), (error) =>
            llm.noteMiss(error, "literature"),
          )
        : recordedLiterature(corpus, kvRecordingStore(bus.kv.recordings, run, "literature"));
  return {
    sandbox,
    artifacts: new ArtifactStore(bus.objm, run, config.run.outDir),
    archive: new IdeaArchive(bus.kv.archive),
    journal: new EffectJournal(bus.kv.effects),
    template: options.template,
    literature,
    now: () => new Date(),
    llm,
    close: async () => {
      if (sandbox && !options.sandbox) await sandbox.close();
    },
  };
}
