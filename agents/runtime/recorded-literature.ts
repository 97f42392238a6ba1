// Literature calls are recorded and replayed like model calls: a search is framed as a "generation" whose answer
// is the JSON list of papers, so the one tested record/replay mechanism (agents/llm/recording.ts) serves both.
import type { LiteratureSource, Paper } from "../literature/index.ts";
import { replayProvider, withRecording, zeroUsage, type ModelProvider, type RecordingStore } from "../llm/index.ts";

const SYSTEM = "literature.search";

function asProvider(source: LiteratureSource): ModelProvider {
  return {
    name: `literature-${source.name}`,
    model: source.name,
    async generate(request) {
      const { query, limit } = JSON.parse(request.messages[0]!.content) as { query: string; limit: number };
      const papers = await source.search(query, { limit, ...(request.signal && { signal: request.signal }) });
      return { text: JSON.stringify(papers), usage: zeroUsage, warnings: [], model: source.name };
    },
  };
}

function asSource(name: string, provider: ModelProvider): LiteratureSource {
  return {
    name,
    async search(query, opts) {
      const result = await provider.generate({
        system: SYSTEM,
        messages: [{ role: "user", content: JSON.stringify({ query, limit: opts.limit }) }],
        ...(opts.signal && { signal: opts.signal }),
      });
      return JSON.parse(result.text) as Paper[];
    },
  };
}

/** Every search answered by `source` is also written to `store`. */
export function recordedLiterature(source: LiteratureSource, store: RecordingStore): LiteratureSource {
  return asSource(source.name, withRecording(asProvider(source), store));
}

/** Answers searches only from a recording; an unrecorded query is an LLM_REPLAY_MISS (no network, no corpus). */
export function replayedLiterature(
  name: string,
  store: RecordingStore,
  onCall: (hashMiss: unknown) => void,
): LiteratureSource {
  const replay = replayProvider(store, { model: name, name: `literature-replay` });
  return asSource(name, {
    ...replay,
    generate: async (request) => {
      try {
        return await replay.generate(request);
      } catch (error) {
        onCall(error);
        throw error;
      }
    },
  });
}
