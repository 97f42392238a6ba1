// What every llm policy shares: getting the run's model for a role and an idea, and one structured call whose
// failure carries the model layer's error code into the reason an idea fails with.
import type { z } from "zod";
import { isLlmError, type ChatMessage, type ModelProvider } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { RoleError } from "../errors.ts";
import { steeredModel } from "./steering-prompt.ts";

/** The run's model for this role, on behalf of `idea`: every call is budget-checked, priced and recorded. */
export function modelFor(context: RoleContext, idea: string | null): ModelProvider {
  const llm = context.services.llm;
  if (!llm)
    throw new RoleError(
      "ROLE_NO_MODEL",
      `role ${context.role} runs the llm policy but no model service was configured`,
    );
  // The operator's notes and constraints (scientist steer) ride on every call, read when the call is made.
  return steeredModel(llm.model(context.role, idea), context.services.steering, context.role, idea);
}

export interface Ask<T> {
  step: string;
  system: string;
  messages: ChatMessage[];
  schema: z.ZodType<T>;
  schemaName: string;
  signal?: AbortSignal;
}

/** One structured call. Invalid output was already retried with the error shown (the provider's repair rounds). */
export async function ask<T>(
  context: RoleContext,
  model: ModelProvider,
  request: Ask<T>,
): Promise<{ value: T; text: string }> {
  try {
    const result = await model.generate({
      system: request.system,
      messages: [...request.messages], // a copy: callers keep appending to their conversation
      schema: request.schema,
      schemaName: request.schemaName,
      temperature: context.services.llm?.temperature(context.role) ?? 0.75,
      ...(request.signal && { signal: request.signal }),
    });
    return { value: result.object as T, text: result.text || JSON.stringify(result.object) };
  } catch (error) {
    // Untagged: the message already names the model layer's code, the precise one; retryable follows it.
    const retryable = isLlmError(error) && error.retryable;
    throw new RoleError("ROLE_MODEL_FAILED", `${request.step}: ${describeLlmError(error)}`, {
      cause: error,
      retryable,
      untagged: true,
    });
  }
}

/** `[CODE] message` for model-layer errors, so a failed idea's recorded reason names what went wrong. */
export function describeLlmError(error: unknown): string {
  if (isLlmError(error)) return `[${error.code}] ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error (or its cause) is the run's budget running out: then no later step should try again. */
export function isBudgetExhausted(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause)
    if (isLlmError(e, "LLM_BUDGET_EXHAUSTED")) return true;
  return false;
}

/** Text the model reads from a JSON value, compact but stable. */
export function asJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
