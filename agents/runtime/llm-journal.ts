// Model calls journaled like experiments: a resumed run (its first owner died mid-writing, say) answers a request
// it already paid for from the answer the run recorded, instead of calling and paying again.
import {
  requestHash,
  type GenerateRequest,
  type GenerateResult,
  type ModelProvider,
  type RecordedResponse,
  type RecordingStore,
} from "../llm/index.ts";

/** Results answered from the journal: the ledger must not bill them a second time. */
const fromJournal = new WeakSet<GenerateResult>();

export const answeredFromJournal = (result: GenerateResult): boolean => fromJournal.has(result);

/**
 * Like withRecording (every new answer is written to the run's recording, slot n for the n-th identical request),
 * but the n-th identical request of this process is first looked up there: a slot the run already filled is the
 * answer. Keyed by the request hash (model, system, messages, schema), so an idea's step asks the same as before.
 * Identical prompts (K reviewer seats) map slot by slot; a seat redone after the crash may get an answer an earlier
 * seat got, which costs diversity, never money. An answer that no longer fits the schema is asked again.
 */
export function withJournal(provider: ModelProvider, store: RecordingStore): ModelProvider {
  const seen = new Map<string, number>();
  const writes = new Map<string, Promise<void>>();
  const key = (request: GenerateRequest) => ({
    model: provider.model,
    system: request.system,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    schemaName: request.schemaName ?? null,
  });

  async function save(
    hash: string,
    index: number,
    request: GenerateRequest,
    response: RecordedResponse,
  ): Promise<void> {
    const responses = [...((await store.get(hash))?.responses ?? [])];
    responses[index] = response;
    for (let slot = 0; slot < responses.length; slot++) responses[slot] ??= response;
    await store.put(hash, { v: 1, request: key(request), responses });
  }

  function journaled(request: GenerateRequest, response: RecordedResponse | undefined): GenerateResult | null {
    if (!response) return null;
    let object = response.object;
    if (request.schema) {
      const parsed = request.schema.safeParse(response.object);
      if (!parsed.success) return null;
      object = parsed.data;
    }
    const result: GenerateResult = { ...structuredClone(response), ...(object !== undefined && { object }) };
    fromJournal.add(result);
    return result;
  }

  return {
    name: provider.name,
    model: provider.model,
    async generate(request) {
      const hash = requestHash(provider.model, request);
      const index = seen.get(hash) ?? 0;
      seen.set(hash, index + 1);
      const recorded = await store.get(hash);
      const answer = journaled(request, recorded?.responses[index]);
      if (answer) return answer;
      const result = await provider.generate(request);
      const { raw: _raw, ...response } = result;
      const write = (writes.get(hash) ?? Promise.resolve()).then(() => save(hash, index, request, response));
      writes.set(
        hash,
        write.catch(() => undefined),
      );
      await write;
      return result;
    },
  };
}
