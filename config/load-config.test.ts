import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./index.ts";

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sci-config-"));
  writeFileSync(join(dir, "swarm.yaml"), text);
  return join(dir, "swarm.yaml");
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("loads the default config, frozen, with durations normalised to milliseconds", () => {
    const config = loadConfig({ env: {} });
    expect(config.run.ideas).toBe(3);
    expect(config.sandbox.timeoutMs).toBe(7_200_000);
    expect(config.nats.ackWaitMs).toBe(30_000);
    expect(config.run.template).toMatch(/templates\/mlp-dynamics$/);
    expect(Object.isFrozen(config.run)).toBe(true);
  });

  it("fails at boot naming an unknown key", () => {
    const error = errorOf(() => loadConfig({ path: configFile("run:\n  idaes: 3\n"), env: {} }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.key).toBe("run.idaes");
    expect(error.message).toContain("run.idaes");
  });

  it("fails at boot naming a bad value", () => {
    const error = errorOf(() => loadConfig({ path: configFile("sandbox:\n  memoryMb: -5\n"), env: {} }));
    expect(error.key).toBe("sandbox.memoryMb");
  });

  it("reports unreadable YAML as such", () => {
    expect(errorOf(() => loadConfig({ path: configFile("run: [unclosed\n"), env: {} })).code).toBe("CONFIG_UNREADABLE");
  });

  it("takes the NATS URL from the environment only through config/", () => {
    expect(loadConfig({ env: { SCIENTIST_NATS_URL: "nats://127.0.0.1:1" } }).nats.url).toBe("nats://127.0.0.1:1");
  });

  it("applies command-line overrides", () => {
    const config = loadConfig({ env: {}, overrides: { ideas: 7, out: "/tmp/out-x" } });
    expect(config.run.ideas).toBe(7);
    expect(config.run.outDir).toBe("/tmp/out-x");
  });
});
