import { describe, expect, it } from "vitest";
import { ensureRunStream, publishEnvelope, readRun, type Envelope } from "../../bus/index.ts";
import { loadConfig } from "../../config/index.ts";
import { useTestBus } from "../../tests/support/nats.ts";
import { isLlmError, scriptedProvider } from "../llm/index.ts";
import { createLlmServices } from "./llm-services.ts";
import { silentLogger } from "./logger.ts";
import { controlFor, sendControl } from "./steering-send.ts";

const config = loadConfig({ env: {}, raw: { steering: { caps: { ideas: 10, maxInFlightIdeas: 3 } } } });

const message = (run: string, type: string, payload: unknown, n: number): Envelope => ({
  id: `${type}-${n}`,
  type,
  run,
  from: "ideator/x-0",
  causation: null,
  correlation: run,
  at: new Date().toISOString(),
  v: 1,
  payload,
});

describe("steering commands (controlFor, sendControl) against a real nats-server", () => {
  const t = useTestBus();

  it("refuses a bad verb, missing words and a bad budget key before anything is sent", () => {
    expect(() => controlFor("dance", [])).toThrow(/STEER_BAD_VERB|unknown steer verb "dance"/);
    expect(() => controlFor("note", ["idea-1"])).toThrow(/usage: steer <run> note ID TEXT/);
    expect(() => controlFor("budget", ["gpus", "2"])).toThrow(/budget key must be one of ideas, usd, maxInFlightIdeas/);
    expect(() => controlFor("budget", ["ideas", "2.5"])).toThrow(/whole numbers/);
    expect(controlFor("pause", [], { role: "coder" })).toEqual({
      type: "control.paused",
      payload: { role: "coder", reason: "" },
    });
  });

  it("sends to a live run as the operator with the run's latest message as causation; refuses what it cannot do", async () => {
    const run = "r-steer-send";
    const send = (verb: string, args: string[] = []) =>
      sendControl({ bus: t.bus, run, request: controlFor(verb, args), config, from: "operator/test" });
    await expect(send("pause")).rejects.toMatchObject({ code: "STEER_UNKNOWN_RUN" });
    await ensureRunStream(t.bus.jsm, run);
    await publishEnvelope(
      t.bus.js,
      message(run, "run.started", { template: "tiny", policy: "rules", ideas: 1, maxInFlightIdeas: 1 }, 1),
    );
    const sent = await send("budget", ["ideas", "10"]);
    expect(sent).toMatchObject({
      from: "operator/test",
      causation: "run.started-1",
      payload: { key: "ideas", value: 10, cap: 10 },
    });
    await expect(send("budget", ["maxInFlightIdeas", "4"])).rejects.toMatchObject({ code: "STEER_OVER_CAP" });
    await expect(send("budget", ["usd", "1"])).rejects.toThrow(/no cap in the config/);
    await expect(send("stop-idea", ["idea-9"])).rejects.toMatchObject({ code: "STEER_UNKNOWN_IDEA" });
    await expect(send("promote", ["idea-9"])).rejects.toMatchObject({ code: "STEER_UNKNOWN_IDEA" });
    await publishEnvelope(
      t.bus.js,
      message(run, "run.completed", { proposed: 0, decided: 0, dropped: 0, failed: 0, reason: "x" }, 2),
    );
    await expect(send("resume")).rejects.toMatchObject({ code: "STEER_RUN_ENDED" });
    const controls = (await readRun(t.bus.js, t.bus.jsm, run)).filter((m) => m.envelope?.type.startsWith("control."));
    expect(controls).toHaveLength(1);
  });

  it("a live usd budget (what the host does on control.budget-changed usd) binds the model's next call", async () => {
    const run = "r-steer-usd";
    await ensureRunStream(t.bus.jsm, run);
    const usdConfig = loadConfig({
      env: {},
      raw: { llm: { model: "m", prices: { m: { input: 1000, output: 1000 } }, budget: { maxUsd: 0.001 } } },
    });
    const provider = scriptedProvider([
      { text: "a", usage: { inputTokens: 10, outputTokens: 10 } },
      { text: "b", usage: { inputTokens: 10, outputTokens: 10 } },
    ]);
    const llm = createLlmServices({
      bus: t.bus,
      run,
      config: usdConfig,
      logger: silentLogger,
      baseProvider: () => provider,
    });
    const ask = { system: "sys", messages: [{ role: "user" as const, content: "x" }] };
    // The first call spends $0.02 of a $0.001 budget; the next one is refused until the budget is raised.
    await llm.model("coder", "i1").generate(ask);
    const refused = await llm
      .model("coder", "i1")
      .generate(ask)
      .catch((e: unknown) => e);
    expect(isLlmError(refused, "LLM_BUDGET_EXHAUSTED"), String(refused)).toBe(true);
    llm.setMaxUsd?.(5000);
    expect((await llm.model("coder", "i1").generate(ask)).text).toBe("b");
  });
});
