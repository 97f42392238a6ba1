import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isLlmError, LlmError } from "./errors.ts";
import { scriptedProvider } from "./scripted-provider.ts";

const ask = { system: "s", messages: [{ role: "user" as const, content: "q" }] };
const idea = z.object({ name: z.string() });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("scriptedProvider", () => {
  it("replays its replies in order and records every request", async () => {
    const provider = scriptedProvider([{ text: "one" }, { object: { name: "two" } }]);
    expect((await provider.generate(ask)).text).toBe("one");
    expect((await provider.generate({ ...ask, schema: idea })).object).toEqual({ name: "two" });
    expect(provider.requests).toHaveLength(2);
    expect(provider.remaining()).toBe(0);
  });

  it("validates scripted objects against the request's schema", async () => {
    const provider = scriptedProvider([{ object: { name: 42 } }]);
    expect(isLlmError(await caught(provider.generate({ ...ask, schema: idea })), "LLM_INVALID_OUTPUT")).toBe(true);
  });

  it("can exercise a repair round when asked to", async () => {
    const provider = scriptedProvider([{ text: "not json" }, { text: '{"name": "fixed"}' }], { maxRepairs: 1 });
    const result = await provider.generate({ ...ask, schema: idea });
    expect(result.object).toEqual({ name: "fixed" });
    expect(provider.sent[1]!.messages.at(-1)!.content).toContain("did not match");
  });

  it("throws scripted errors, and answers by function of the request", async () => {
    const provider = scriptedProvider([
      { error: new LlmError("LLM_REFUSAL", "no") },
      (request) => ({ text: `echo ${request.messages[0]!.content}` }),
    ]);
    expect(isLlmError(await caught(provider.generate(ask)), "LLM_REFUSAL")).toBe(true);
    expect((await provider.generate(ask)).text).toBe("echo q");
  });

  it("fails with LLM_SCRIPT_EXHAUSTED when the script runs out", async () => {
    const provider = scriptedProvider([]);
    expect(isLlmError(await caught(provider.generate(ask)), "LLM_SCRIPT_EXHAUSTED")).toBe(true);
  });
});
