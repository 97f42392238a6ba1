import { describe, expect, it } from "vitest";
import { LlmError, type ModelProvider } from "../llm/index.ts";
import type { RoleContext } from "../runtime/index.ts";
import { RoleError } from "./errors.ts";
import { parseEditBlocks } from "./shared/edit-blocks.ts";
import { ask, modelFor } from "./shared/llm-kit.ts";
import { z } from "zod";

const failing = (error: Error): ModelProvider =>
  ({ generate: async () => Promise.reject(error) }) as unknown as ModelProvider;
const context = { role: "coder", services: { llm: null } } as unknown as RoleContext;
const request = { step: "writeCode", system: "s", messages: [], schema: z.object({}), schemaName: "x" };

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

describe("role errors", () => {
  it("tag the message with the code so a recorded reason names it", () => {
    expect(() => parseEditBlocks("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n")).toThrow(RoleError);
    const error = catching(() => parseEditBlocks("experiment.py\n<<<<<<< SEARCH\na\n"));
    expect(error).toMatchObject({
      code: "ROLE_BAD_EDIT_BLOCK",
      retryable: false,
      message: expect.stringMatching(/^\[ROLE_BAD_EDIT_BLOCK\] /),
    });
    expect(() => modelFor(context, null)).toThrow(/^\[ROLE_NO_MODEL\] role coder runs the llm policy/);
  });

  it("carry a model failure's retryable and keep its own, more precise code in the message", async () => {
    const timeout = await ask(context, failing(new LlmError("LLM_TIMEOUT", "timed out")), request).catch(
      (e: unknown) => e,
    );
    expect(timeout).toMatchObject({
      code: "ROLE_MODEL_FAILED",
      retryable: true,
      message: "writeCode: [LLM_TIMEOUT] timed out",
    });
    const refused = await ask(context, failing(new LlmError("LLM_REFUSAL", "no")), request).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "ROLE_MODEL_FAILED", retryable: false });
    expect((refused as Error).cause).toBeInstanceOf(LlmError);
  });
});
