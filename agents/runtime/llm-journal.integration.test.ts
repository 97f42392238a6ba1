import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.ts";
import { useTestBus } from "../../tests/support/nats.ts";
import { startResearchServer, type ResearchServer } from "../../tests/support/scripted-research-server.ts";
import { createLlmServices } from "./llm-services.ts";
import { readLedger } from "./llm-stores.ts";
import { silentLogger } from "./logger.ts";

const ask = (content: string) => ({ system: "You are a reviewer.", messages: [{ role: "user" as const, content }] });

/**
 * A resumed run's model calls over the OpenAI wire to a local server that counts requests, with the run's recording
 * and ledger in a real nats-server: what the first owner already had answered is not asked (or billed) again.
 */
describe("model-call journal on resume (real NATS, local OpenAI-wire server)", () => {
  const testBus = useTestBus();
  let server: ResearchServer;
  beforeAll(async () => {
    server = await startResearchServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const config = () =>
    loadConfig({
      env: { OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: server.url },
      overrides: { policy: "llm" },
      raw: {
        llm: {
          provider: "openai",
          model: "local-scripted",
          maxRetries: 0,
          prices: { "local-scripted": { input: 2.5, output: 10 } },
        },
      },
    });

  it("answers the calls the run already paid for from its recording and pays only for new ones", async () => {
    const run = "r-journal-1";
    const first = createLlmServices({ bus: testBus.bus, run, config: config(), logger: silentLogger });
    // Two seats with the same prompt, then the writer: three calls before the owner dies.
    const before = [
      await first.model("reviewer", "idea-1").generate(ask("review paper 1")),
      await first.model("reviewer", "idea-1").generate(ask("review paper 1")),
      await first.model("writer", "idea-1").generate(ask("write section 1")),
    ].map((r) => r.text);
    expect(server.total()).toBe(3);

    const resumed = createLlmServices({ bus: testBus.bus, run, config: config(), logger: silentLogger, journal: true });
    const again = [
      await resumed.model("reviewer", "idea-1").generate(ask("review paper 1")),
      await resumed.model("reviewer", "idea-1").generate(ask("review paper 1")),
      await resumed.model("writer", "idea-1").generate(ask("write section 1")),
    ].map((r) => r.text);
    expect(again).toEqual(before);
    expect(server.total()).toBe(3);
    // A third identical seat and a new section were never answered: those are asked.
    await resumed.model("reviewer", "idea-1").generate(ask("review paper 1"));
    await resumed.model("writer", "idea-1").generate(ask("write section 2"));
    expect(server.total()).toBe(5);
    const ledger = (await readLedger(testBus.bus.kv.ledger, run))!;
    expect(ledger.total.calls).toBe(5);
  });

  it("pays again without the journal (a fresh process on the same run, not resumed)", async () => {
    const run = "r-journal-2";
    await createLlmServices({ bus: testBus.bus, run, config: config(), logger: silentLogger })
      .model("writer", "i")
      .generate(ask("same"));
    const start = server.total();
    await createLlmServices({ bus: testBus.bus, run, config: config(), logger: silentLogger })
      .model("writer", "i")
      .generate(ask("same"));
    expect(server.total()).toBe(start + 1);
  });
});
