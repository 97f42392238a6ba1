// A RoleContext for llm-policy unit tests: a scripted model behind the LlmServices interface, in-memory artifacts,
// archive and literature, and the tiny template. No NATS, no network, no sleeping.
import type { Paper } from "../../agents/literature/index.ts";
import type { ModelProvider } from "../../agents/llm/index.ts";
import { silentLogger, type LlmServices, type RoleContext, type Services } from "../../agents/runtime/index.ts";
import { BusError } from "../../bus/index.ts";
import { loadConfig } from "../../config/index.ts";
import { tinyTemplate } from "./machine-harness.ts";

export interface FakeArtifacts {
  files: Map<string, string>;
  put(name: string, data: string | Uint8Array): Promise<string>;
  getText(name: string): Promise<string>;
  getTextOr(name: string, fallback: string): Promise<string>;
  get(name: string): Promise<Uint8Array>;
  list(): Promise<string[]>;
}

export function fakeArtifacts(initial: Record<string, string> = {}): FakeArtifacts {
  const files = new Map(Object.entries(initial));
  return {
    files,
    put: async (name, data) => {
      files.set(name, typeof data === "string" ? data : new TextDecoder().decode(data));
      return name;
    },
    getText: async (name) => {
      const text = files.get(name);
      // The real store's "not written" error, so policies that fall back only on it behave as in a run.
      if (text === undefined) throw new BusError("BUS_ARTIFACT_MISSING", `artifact ${name} missing`);
      return text;
    },
    getTextOr: async (name, fallback) => files.get(name) ?? fallback,
    get: async (name) => new TextEncoder().encode(files.get(name) ?? ""),
    list: async () => [...files.keys()],
  };
}

export function fakeLlm(
  provider: ModelProvider,
  calls: Array<{ role: string; idea: string | null }> = [],
): LlmServices {
  return {
    model: (role, idea) => {
      calls.push({ role, idea });
      return provider;
    },
    temperature: () => 0.75,
    maxTokens: 1000,
    replayOf: null,
    replayStatus: () => null,
    noteMiss: () => undefined,
  };
}

export const paperFixture = (id: string, title: string): Paper => ({
  id,
  title,
  abstract: `Abstract of ${title}.`,
  authors: ["A. Author"],
  venue: "NeurIPS",
  year: 2020,
  citations: 12,
  source: "offline",
  score: 3.5,
});

export function llmContext<C>(
  role: string,
  config: C,
  provider: ModelProvider,
  extra: { artifacts?: FakeArtifacts; papers?: Paper[] } = {},
): RoleContext<C> & { artifacts: FakeArtifacts; searches: string[] } {
  const artifacts = extra.artifacts ?? fakeArtifacts();
  const searches: string[] = [];
  const services: Services = {
    sandbox: null,
    artifacts: artifacts as never,
    archive: {
      list: async () => [],
      put: async () => undefined,
      update: async () => null,
      get: async () => null,
    } as never,
    journal: {} as never,
    template: tinyTemplate,
    literature: {
      name: "offline",
      search: async (query) => {
        searches.push(query);
        return extra.papers ?? [];
      },
    },
    now: () => new Date("2026-01-01T00:00:00Z"),
    llm: fakeLlm(provider),
  };
  return {
    run: "r-test",
    agentId: `${role}/test-0`,
    role,
    config,
    swarm: loadConfig({ raw: {}, env: {} }),
    services,
    logger: silentLogger,
    artifacts,
    searches,
  };
}
