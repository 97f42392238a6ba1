import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Logger } from "pino";
import { ArtifactStore, EffectJournal, IdeaArchive, type BusConnection } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { createSandbox, type Sandbox } from "../../sandbox/index.ts";
import { createOfflineCorpus, miniCorpusPath, type LiteratureSource } from "../literature/index.ts";
import type { Services, TemplateInfo } from "./role.ts";

/** Which corpus the novelty role reads: its config's path, or "auto" = the shared corpus if present, else the mini one. */
export function corpusPath(config: SwarmConfig): string {
  const configured = config.roles.novelty?.config.corpus;
  if (typeof configured === "string" && configured !== "auto") return isAbsolute(configured) ? configured : resolve(config.baseDir, configured);
  return config.data.literature && existsSync(config.data.literature) ? config.data.literature : miniCorpusPath();
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
    });
  }
  const literature: LiteratureSource = createOfflineCorpus({ path: corpusPath(config) });
  return {
    sandbox,
    artifacts: new ArtifactStore(bus.objm, run, config.run.outDir),
    archive: new IdeaArchive(bus.kv.archive),
    journal: new EffectJournal(bus.kv.effects),
    template: options.template,
    literature,
    now: () => new Date(),
    close: async () => {
      if (sandbox && !options.sandbox) await sandbox.close();
    },
  };
}
