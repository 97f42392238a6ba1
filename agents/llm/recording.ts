// Record real model answers once, replay them forever: deterministic end-to-end tests and cheap re-runs.
// A request is identified by the hash of model + system + messages + schemaName (not temperature or limits,
// which do not change what a recorded answer means). Identical requests are common here (K reviewer seats
// may get the same prompt), so each hash keeps a list of answers: the n-th identical call in a run gets the
// n-th recorded answer (the last one once the list runs out), which preserves the panel's diversity on replay.
import { createHash } from "node:crypto";
import { LlmError } from "./errors.ts";
import type { ChatMessage, GenerateRequest, GenerateResult, ModelProvider } from "./types.ts";

export type RecordedResponse = Omit<GenerateResult, "raw">;

export interface RecordedCall {
  v: 1;
  /** What was asked, kept for humans reading a store; the hash alone is the key. */
  request: { model: string; system: string; messages: ChatMessage[]; schemaName: string | null };
  responses: RecordedResponse[];
}

export interface RecordingStore {
  get(hash: string): Promise<RecordedCall | undefined>;
  put(hash: string, value: RecordedCall): Promise<void>;
}

function keyOf(model: string, request: GenerateRequest): RecordedCall["request"] {
  return {
    model,
    system: request.system,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    schemaName: request.schemaName ?? null,
  };
}

export function requestHash(model: string, request: GenerateRequest): string {
  const key = keyOf(model, request);
  // Array form fixes the field order, so the hash does not depend on object key order.
  const canonical = JSON.stringify([
    key.model,
    key.system,
    key.messages.map((m) => [m.role, m.content]),
    key.schemaName,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Hands out 0, 1, 2, ... per hash, synchronously, so concurrent identical calls get distinct slots. */
function occurrenceCounter(): (hash: string) => number {
  const seen = new Map<string, number>();
  return (hash) => {
    const index = seen.get(hash) ?? 0;
    seen.set(hash, index + 1);
    return index;
  };
}

/** Wraps a provider so every successful answer is also written to the store. Failures are not recorded. */
export function withRecording(provider: ModelProvider, store: RecordingStore): ModelProvider {
  const occurrence = occurrenceCounter();
  // Writes for one hash are chained so concurrent identical calls do not lose each other's answers.
  const writes = new Map<string, Promise<void>>();

  async function save(
    hash: string,
    index: number,
    request: GenerateRequest,
    response: RecordedResponse,
  ): Promise<void> {
    const existing = await store.get(hash);
    const responses = [...(existing?.responses ?? [])];
    responses[index] = response;
    // A slot left empty by a failed earlier call is filled with this answer rather than a hole.
    for (let slot = 0; slot < responses.length; slot++) responses[slot] ??= response;
    await store.put(hash, { v: 1, request: keyOf(provider.model, request), responses });
  }

  return {
    name: provider.name,
    model: provider.model,
    async generate(request) {
      const hash = requestHash(provider.model, request);
      const index = occurrence(hash);
      const result = await provider.generate(request);
      const { raw: _raw, ...response } = result;
      const write = (writes.get(hash) ?? Promise.resolve()).then(() => save(hash, index, request, response));
      writes.set(
        hash,
        write.catch(() => undefined),
      ); // the next writer waits, whatever this one did
      await write; // a store failure is the caller's to see, not swallowed
      return result;
    },
  };
}

export interface ReplayOptions {
  model: string;
  name?: string;
}

/** Answers only from the store; an unrecorded request is an LLM_REPLAY_MISS naming its hash. */
export function replayProvider(store: RecordingStore, options: ReplayOptions): ModelProvider {
  const occurrence = occurrenceCounter();
  return {
    name: options.name ?? "replay",
    model: options.model,
    async generate(request) {
      if (request.signal?.aborted)
        throw new LlmError("LLM_ABORTED", "the model call was cancelled", { cause: request.signal.reason });
      const hash = requestHash(options.model, request);
      const index = occurrence(hash);
      const recorded = await store.get(hash);
      const response = recorded?.responses[Math.min(index, recorded.responses.length - 1)];
      if (!response) {
        throw new LlmError("LLM_REPLAY_MISS", `no recorded answer for request ${hash}`, {
          details: { hash, model: options.model },
        });
      }
      if (request.schema) {
        // The schema may have changed since recording; an answer that no longer fits must not slip through.
        const parsed = request.schema.safeParse(response.object);
        if (!parsed.success) {
          throw new LlmError("LLM_INVALID_OUTPUT", `recorded answer for ${hash} no longer matches the schema`, {
            details: { hash, reason: parsed.error.message },
          });
        }
        return { ...structuredClone(response), object: parsed.data };
      }
      return structuredClone(response);
    },
  };
}

/** An in-memory store, for tests and for runs that persist the map themselves. */
export function memoryStore(
  initial?: Iterable<[string, RecordedCall]>,
): RecordingStore & { readonly entries: Map<string, RecordedCall> } {
  const entries = new Map<string, RecordedCall>(initial);
  return {
    entries,
    get: async (hash) => {
      const value = entries.get(hash);
      return value && structuredClone(value);
    },
    put: async (hash, value) => {
      entries.set(hash, structuredClone(value));
    },
  };
}
