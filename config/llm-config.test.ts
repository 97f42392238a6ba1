import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.ts";

describe("the llm config section", () => {
  it("takes keys and the base URL from the SDKs' own variables, and --model overrides every role's model", () => {
    const config = loadConfig({
      raw: { llm: { model: "gpt-4o", models: { reviewer: "gpt-4o-mini" } } },
      env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      overrides: { model: "local-model" },
    });
    expect(config.llm).toMatchObject({
      apiKey: "sk-test",
      baseURL: "http://127.0.0.1:9/v1",
      model: "local-model",
      models: {},
      timeoutMs: 120_000,
      replay: null,
    });
  });

  it("reads ANTHROPIC_API_KEY for the anthropic provider and ignores OPENAI_BASE_URL there", () => {
    const config = loadConfig({
      raw: { llm: { provider: "anthropic" } },
      env: { ANTHROPIC_API_KEY: "ak", OPENAI_BASE_URL: "http://x/v1" },
    });
    expect(config.llm).toMatchObject({ apiKey: "ak", baseURL: null });
  });

  it("rejects an unknown llm key naming it, and a negative budget", () => {
    expect(() => loadConfig({ raw: { llm: { modle: "x" } }, env: {} })).toThrow(/unknown config key llm.modle/);
    expect(() => loadConfig({ raw: { llm: { budget: { maxUsd: -1 } } }, env: {} })).toThrow(/llm.budget.maxUsd/);
  });

  it("ships default prices and a USD budget in config/default.yaml", () => {
    const config = loadConfig({ env: {} });
    expect(config.llm.prices[config.llm.model]).toBeDefined();
    expect(config.llm.budget.maxUsd).toBeGreaterThan(0);
    expect(config.llm.apiKey).toBeNull();
  });
});
