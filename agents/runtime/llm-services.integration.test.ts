import { describe, expect, it } from "vitest";
import { ensureRunStream, readRun } from "../../bus/index.ts";
import { loadConfig } from "../../config/index.ts";
import { isLlmError, requestHash, scriptedProvider } from "../llm/index.ts";
import { useTestBus } from "../../tests/support/nats.ts";
import { createLlmServices } from "./llm-services.ts";
import { readLedger, WarningStore } from "./llm-stores.ts";
import pino from "pino";
import { silentLogger } from "./logger.ts";

const ask = (content: string) => ({ system: "sys", messages: [{ role: "user" as const, content }] });

describe("the model service: budget, ledger, recording and replay (real NATS)", () => {
  const testBus = useTestBus();

  const config = (llm: Record<string, unknown>, replay?: string) =>
    loadConfig({
      env: {},
      raw: { llm: { model: "m", prices: { m: { input: 1, output: 2 } }, ...llm } },
      overrides: replay ? { replay } : {},
    });

  it("prices every call into the run's ledger by role, idea and model", async () => {
    const run = "r-ledger-1";
    const provider = scriptedProvider([
      { text: "a", usage: { inputTokens: 1000, outputTokens: 500 } },
      { text: "b", usage: { inputTokens: 1000, outputTokens: 0 } },
    ]);
    const llm = createLlmServices({
      bus: testBus.bus,
      run,
      config: config({}),
      logger: silentLogger,
      baseProvider: () => provider,
    });
    await llm.model("writer", "idea-1").generate(ask("one"));
    await llm.model("reviewer", "idea-1").generate(ask("two"));
    const ledger = (await readLedger(testBus.bus.kv.ledger, run))!;
    expect(ledger.total).toMatchObject({ calls: 2, inputTokens: 2000, outputTokens: 500 });
    expect(ledger.total.usd).toBeCloseTo(0.003, 9);
    expect(ledger.byRole.writer!.calls).toBe(1);
    expect(ledger.byIdea["idea-1"]!.calls).toBe(2);
  });

  it("makes no call past the budget and announces budget.exhausted once", async () => {
    const run = "r-budget-1";
    await ensureRunStream(testBus.bus.jsm, run);
    const provider = scriptedProvider([{ text: "a", usage: { inputTokens: 90, outputTokens: 10 } }, { text: "never" }]);
    const llm = createLlmServices({
      bus: testBus.bus,
      run,
      config: config({ budget: { maxTokens: 100 } }),
      logger: silentLogger,
      baseProvider: () => provider,
    });
    await llm.model("ideator", null).generate(ask("x"));
    for (const role of ["novelty", "coder"]) {
      const error = await llm
        .model(role, "i1")
        .generate(ask("y"))
        .catch((e: unknown) => e);
      expect(isLlmError(error, "LLM_BUDGET_EXHAUSTED")).toBe(true);
    }
    expect(provider.requests).toHaveLength(1);
    const announced = (await readRun(testBus.bus.js, testBus.bus.jsm, run)).filter(
      (m) => m.envelope?.type === "budget.exhausted",
    );
    expect(announced).toHaveLength(1);
    expect(announced[0]!.envelope!.payload).toMatchObject({
      role: "novelty",
      ideaId: "i1",
      spent: { tokens: 100, calls: 1 },
    });
  });

  it("replays recorded answers without calling a model and names the first request that was not recorded", async () => {
    const recordedRun = "r-record-1";
    const provider = scriptedProvider([{ text: "first answer" }, { text: "second answer" }]);
    const recorder = createLlmServices({
      bus: testBus.bus,
      run: recordedRun,
      config: config({}),
      logger: silentLogger,
      baseProvider: () => provider,
    });
    await recorder.model("ideator", null).generate(ask("same prompt"));
    await recorder.model("ideator", null).generate(ask("same prompt"));

    const replay = createLlmServices({
      bus: testBus.bus,
      run: "r-replay-1",
      config: config({}, recordedRun),
      logger: silentLogger,
    });
    expect((await replay.model("ideator", null).generate(ask("same prompt"))).text).toBe("first answer");
    expect((await replay.model("ideator", null).generate(ask("same prompt"))).text).toBe("second answer");
    const miss = await replay
      .model("novelty", "i9")
      .generate(ask("a prompt that changed"))
      .catch((e: unknown) => e);
    expect(isLlmError(miss, "LLM_REPLAY_MISS")).toBe(true);
    expect(replay.replayStatus()).toMatchObject({
      from: recordedRun,
      answered: 2,
      misses: 1,
      firstMiss: { hash: requestHash("m", ask("a prompt that changed")), kind: "model", role: "novelty", idea: "i9" },
    });
    expect(provider.requests).toHaveLength(2);
  });

  it("sends the model layer's warnings to the log and counts them for report.json", async () => {
    const run = "r-warnings-1";
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    const provider = scriptedProvider([
      { text: "a", warnings: ["output truncated at the token limit"] },
      { text: "b", warnings: ["output truncated at the token limit", "structured output needed 1 repair round(s)"] },
      { text: "c" },
    ]);
    const llm = createLlmServices({ bus: testBus.bus, run, config: config({}), logger, baseProvider: () => provider });
    await llm.model("writer", "i1").generate(ask("one"));
    await llm.model("writer", "i1").generate(ask("two"));
    await llm.model("reviewer", "i1").generate(ask("three"));
    expect(lines.filter((l) => l.includes("output truncated at the token limit"))).toHaveLength(2);
    expect(await new WarningStore(testBus.bus.kv.ledger, run).read()).toEqual([
      { role: "writer", model: "m", warning: "output truncated at the token limit", count: 2 },
      { role: "writer", model: "m", warning: "structured output needed 1 repair round(s)", count: 1 },
    ]);
  });

  it("refuses to start without a key for a real provider, naming the variable", () => {
    expect(() =>
      createLlmServices({ bus: testBus.bus, run: "r-nokey", config: config({}), logger: silentLogger }),
    ).toThrow(/OPENAI_API_KEY/);
  });
});
