import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isLlmError, LlmError } from "./errors.ts";
import { memoryStore, replayProvider, requestHash, withRecording } from "./recording.ts";
import { scriptedProvider } from "./scripted-provider.ts";

const ask = { system: "You are reviewer.", messages: [{ role: "user" as const, content: "Review it." }] };
const verdict = z.object({ overall: z.number() });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("requestHash", () => {
  it("depends on model, system, messages and schema name, not on sampling or limits", () => {
    const base = requestHash("m", ask);
    expect(requestHash("m", { ...ask, temperature: 0.2, maxTokens: 10 })).toBe(base);
    expect(requestHash("other", ask)).not.toBe(base);
    expect(requestHash("m", { ...ask, system: "You are an ideator." })).not.toBe(base);
    expect(requestHash("m", { ...ask, schemaName: "review" })).not.toBe(base);
    expect(requestHash("m", { ...ask, messages: [...ask.messages, { role: "assistant", content: "ok" }] })).not.toBe(
      base,
    );
  });
});

describe("recording and replay", () => {
  it("replays recorded answers without calling any model", async () => {
    const store = memoryStore();
    const live = scriptedProvider([{ object: { overall: 6 }, usage: { inputTokens: 50, outputTokens: 9 } }], {
      model: "m",
    });
    const recorded = await withRecording(live, store).generate({ ...ask, schema: verdict, schemaName: "verdict" });

    const replay = replayProvider(store, { model: "m" });
    const replayed = await replay.generate({ ...ask, schema: verdict, schemaName: "verdict" });
    expect(replayed.object).toEqual({ overall: 6 });
    expect(replayed.usage).toEqual(recorded.usage);
    expect(replayed.text).toBe(recorded.text);
    expect(replayed.raw).toBeUndefined(); // raw wire bodies are not stored
  });

  it("throws LLM_REPLAY_MISS naming the request hash for an unrecorded request", async () => {
    const error = await caught(replayProvider(memoryStore(), { model: "m" }).generate(ask));
    expect(isLlmError(error, "LLM_REPLAY_MISS")).toBe(true);
    expect((error as LlmError).details["hash"]).toBe(requestHash("m", ask));
    expect((error as LlmError).message).toContain(requestHash("m", ask));
  });

  it("keeps identical concurrent calls apart, so a panel replays as diverse as it ran", async () => {
    const store = memoryStore();
    const live = scriptedProvider([{ text: "first" }, { text: "second" }, { text: "third" }], { model: "m" });
    const recording = withRecording(live, store);
    await Promise.all([recording.generate(ask), recording.generate(ask), recording.generate(ask)]);
    expect(store.entries.get(requestHash("m", ask))!.responses.map((r) => r.text)).toEqual([
      "first",
      "second",
      "third",
    ]);

    const replay = replayProvider(store, { model: "m" });
    const texts = [];
    for (let seat = 0; seat < 4; seat++) texts.push((await replay.generate(ask)).text);
    expect(texts).toEqual(["first", "second", "third", "third"]); // past the end, the last answer repeats
  });

  it("does not record failures", async () => {
    const store = memoryStore();
    const live = scriptedProvider([{ error: new LlmError("LLM_REFUSAL", "no") }], { model: "m" });
    await caught(withRecording(live, store).generate(ask));
    expect(store.entries.size).toBe(0);
  });

  it("rejects a recorded answer that no longer fits the schema", async () => {
    const store = memoryStore();
    await withRecording(scriptedProvider([{ object: { overall: 6 } }], { model: "m" }), store).generate({
      ...ask,
      schema: verdict,
      schemaName: "verdict",
    });
    const stricter = z.object({ overall: z.number(), decision: z.string() });
    const error = await caught(
      replayProvider(store, { model: "m" }).generate({ ...ask, schema: stricter, schemaName: "verdict" }),
    );
    expect(isLlmError(error, "LLM_INVALID_OUTPUT")).toBe(true);
  });
});
