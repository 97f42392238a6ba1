// The public surface of the model layer (STYLE item 9): other folders import from here only.
// Keys, base URLs and limits arrive as parameters; config/ is the only reader of the environment.
import { anthropicTransport } from "./anthropic-provider.ts";
import { defaultMaxRepairs, providerFromTransport } from "./generation-loop.ts";
import { openAiCompatibleTransport } from "./openai-compatible-provider.ts";
import { openAiTransport } from "./openai-provider.ts";
import type { RetryPolicy, Sleep } from "./retry.ts";
import type { ModelProvider, Transport } from "./types.ts";

export type ProviderKind = "openai" | "openai-compatible" | "anthropic";
export const providerKinds: readonly ProviderKind[] = ["openai", "openai-compatible", "anthropic"];

export interface CreateProviderOptions {
  kind: ProviderKind;
  apiKey: string;
  /** Required for openai-compatible; optional override for the others (the default is the vendor's API). */
  baseURL?: string;
  model: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries after the first attempt, on 429/5xx/timeouts/connection errors. */
  maxRetries: number;
  /** Validation-error follow-ups before LLM_INVALID_OUTPUT; default 2. */
  maxRepairs?: number;
  fetch?: typeof fetch;
  /** Backoff tuning and test seams (inject `sleep` and `random` so tests never wait). */
  retry?: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs" | "onRetry"> & {
    sleep?: Sleep;
    random?: () => number;
  };
  /** Anthropic only: max_tokens when a request does not set one. */
  defaultMaxTokens?: number;
  /** openai-compatible only: start in prompt mode for servers known to lack json_schema. */
  structuredMode?: "json_schema" | "prompt";
}

function transportFor(options: CreateProviderOptions): Transport {
  const common = {
    apiKey: options.apiKey,
    model: options.model,
    timeoutMs: options.timeoutMs,
    ...(options.fetch && { fetch: options.fetch }),
  };
  switch (options.kind) {
    case "openai":
      return openAiTransport({ ...common, ...(options.baseURL !== undefined && { baseURL: options.baseURL }) });
    case "openai-compatible":
      if (!options.baseURL) throw new TypeError("openai-compatible providers need a baseURL");
      return openAiCompatibleTransport({
        ...common,
        baseURL: options.baseURL,
        ...(options.structuredMode && { structuredMode: options.structuredMode }),
      });
    case "anthropic":
      return anthropicTransport({
        ...common,
        ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
        ...(options.defaultMaxTokens !== undefined && { defaultMaxTokens: options.defaultMaxTokens }),
      });
    default: {
      const unknown: never = options.kind;
      throw new TypeError(`unknown provider kind "${String(unknown)}"; known: ${providerKinds.join(", ")}`);
    }
  }
}

export function createProvider(options: CreateProviderOptions): ModelProvider {
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0)
    throw new TypeError("maxRetries must be a non-negative integer");
  if (!(options.timeoutMs > 0)) throw new TypeError("timeoutMs must be positive");
  return providerFromTransport(transportFor(options), {
    maxRepairs: options.maxRepairs ?? defaultMaxRepairs,
    retry: { ...options.retry, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs },
  });
}

export type { ChatMessage, GenerateRequest, GenerateResult, ModelProvider, Usage } from "./types.ts";
export { addUsage, zeroUsage } from "./types.ts";
export { LlmError, isLlmError, llmErrorCodes, type LlmErrorCode } from "./errors.ts";
export {
  costOf,
  Ledger,
  type Budget,
  type LedgerEntry,
  type LedgerJson,
  type ModelPrice,
  type PriceTable,
  type SpendTotals,
} from "./costs.ts";
export { scriptedProvider, type ScriptedProvider, type ScriptedReply, type ScriptStep } from "./scripted-provider.ts";
export {
  memoryStore,
  replayProvider,
  requestHash,
  withRecording,
  type RecordedCall,
  type RecordedResponse,
  type RecordingStore,
} from "./recording.ts";
export { realSleep, type RetryPolicy, type Sleep } from "./retry.ts";
export { temperatureNotSentWarning } from "./anthropic-provider.ts";
