import { describe, expect, it } from "vitest";
import { freePort } from "../bus/index.ts";
import { ConfigError, loadConfig } from "../config/index.ts";
import { literatureFrom, silentLogger } from "../agents/runtime/index.ts";
import { useTestBus } from "./support/nats.ts";

describe("configured literature sources", () => {
  const testBus = useTestBus();

  it("read API keys from the environment through config only", () => {
    const config = loadConfig({
      env: { S2_API_KEY: "k-s2", OPENALEX_API_KEY: "k-oa" },
      raw: { literature: { sources: ["semantic-scholar", "openalex", "arxiv", "offline"] } },
    });
    expect(config.literature.sources.map((s) => [s.kind, s.apiKey])).toEqual([
      ["semantic-scholar", "k-s2"],
      ["openalex", "k-oa"],
      ["arxiv", null],
      ["offline", null],
    ]);
  });

  it("reject an unknown source kind at boot, naming the key", () => {
    expect(() => loadConfig({ env: {}, raw: { literature: { sources: ["google"] } } })).toThrow(ConfigError);
  });

  it("fall back from an unreachable online source to the offline corpus, and cache the answer in KV", async () => {
    const closed = await freePort(); // nothing listens here
    const config = loadConfig({
      env: {},
      raw: {
        literature: {
          sources: [{ kind: "semantic-scholar", baseUrl: `http://127.0.0.1:${closed}`, timeoutSeconds: 2 }, "offline"],
        },
      },
    });
    const source = literatureFrom(config, testBus.bus, silentLogger);
    const papers = await source.search("weight decay regularization", { limit: 5 });
    expect(papers.length).toBeGreaterThan(0);
    expect(papers[0]!.source).toBe("offline");
    const keys: string[] = [];
    for await (const key of await testBus.bus.kv.literature.keys()) keys.push(key);
    expect(keys.length).toBeGreaterThan(0);
    expect(await source.search("weight decay regularization", { limit: 5 })).toEqual(papers);
  });
});
