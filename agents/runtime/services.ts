import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Logger } from "pino";
import { ArtifactStore, EffectJournal, IdeaArchive, type BusConnection } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { createSandbox, type Sandbox } from "../../sandbox/index.ts";
import { createLiteratureSource, miniCorpusPath, withCache, type LiteratureSource, type LiteratureSourceSpec } from "../literature/index.ts";
import type { KV } from "@nats-io/kv";
import { kvKey } from "../../bus/index.ts";
import type { ModelProvider } from "../llm/index.ts";
import { createLlmServices } from "./llm-services.ts";
import { kvRecordingStore } from "./llm-stores.ts";
import { recordedLiterature, replayedLiterature } from "./recorded-literature.ts";
import type { Services, TemplateInfo } from "./role.ts";

/** Which corpus the novelty role reads: its config's path, or "auto" = the shared corpus if present, else the mini one. */
export function corpusPath(config: SwarmConfig): string {
  const configured = config.roles.novelty?.config.corpus;
  if (typeof configured === "string" && configured !== "auto") return isAbsolute(configured) ? configured : resolve(config.baseDir, configured);
  return config.data.literature && existsSync(config.data.literature) ? config.data.literature : miniCorpusPath();
}

/** The configured literature sources as a fallback chain; an offline source without a path reads the novelty corpus. */
export function literatureFrom(config: SwarmConfig, bus: BusConnection, logger: Logger): LiteratureSource {
  const specs = config.literature.sources.map((s): LiteratureSourceSpec => {
    const common = { ...(s.name && { name: s.name }), ...(s.timeoutMs && { timeoutMs: s.timeoutMs }) };
    if (s.kind === "offline") return { kind: "offline", ...common, path: s.path ?? corpusPath(config) };
    const http = { ...common, ...(s.baseUrl && { baseUrl: s.baseUrl }) };
    if (s.kind === "semantic-scholar") return { kind: "semantic-scholar", ...http, apiKey: s.apiKey };
    if (s.kind === "openalex") return { kind: "openalex", ...http, apiKey: s.apiKey, mailto: config.literature.mailto };
    return { kind: "arxiv", ...http };
  });
  const log = logger.child({ component: "literature" });
  const source = specs.length === 1 ? createLiteratureSource(specs[0]!, { logger: log }) : createLiteratureSource(specs, { logger: log });
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
  const corpus: LiteratureSource = literatureFrom(config, bus, logger);
  const llm = options.needLlm
    ? createLlmServices({ bus, run, config, logger, ...(options.baseProvider && { baseProvider: options.baseProvider }) })
    : null;
  // In llm runs every search is recorded with the run; a replay answers searches from the recording alone.
  const literature: LiteratureSource = !llm
    ? corpus
    : llm.replayOf
      ? replayedLiterature(corpus.name, kvRecordingStore(bus.kv.recordings, llm.replayOf, "literature"), (error) => llm.noteMiss(error, "literature"))
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
