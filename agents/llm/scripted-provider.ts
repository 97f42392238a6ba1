// A ModelProvider for machine tests: replays a script of replies in order and records what it was asked.
// It runs through the same generation loop as the real adapters, so schemas are validated, scripted errors
// are retried or not by the same rules, and invalid replies can exercise repair rounds.
import { LlmError } from "./errors.ts";
import { providerFromTransport } from "./generation-loop.ts";
import type { GenerateRequest, ModelProvider, TransportReply, TransportRequest, Usage } from "./types.ts";
import { zeroUsage } from "./types.ts";

export type ScriptedReply =
  | { text?: string; object?: unknown; usage?: Partial<Usage>; model?: string; warnings?: string[] }
  | { error: LlmError };

/** A reply, or a function of the request (as sent on the wire, repair messages included) and its index. */
export type ScriptStep = ScriptedReply | ((request: TransportRequest, index: number) => ScriptedReply);

export interface ScriptedProviderOptions {
  model?: string;
  /** Default 0: a scripted invalid reply fails at once unless the test wants repair rounds. */
  maxRepairs?: number;
  /** Default 0: a scripted retryable error surfaces unless the test wants retries. */
  maxRetries?: number;
}

export interface ScriptedProvider extends ModelProvider {
  /** Every generate() request, in call order. */
  readonly requests: GenerateRequest[];
  /** Every wire-level round trip (repairs and retries included), in order. */
  readonly sent: TransportRequest[];
  /** Steps not yet used. */
  remaining(): number;
}

export function scriptedProvider(script: ScriptStep[], options: ScriptedProviderOptions = {}): ScriptedProvider {
  const model = options.model ?? "scripted-model";
  const requests: GenerateRequest[] = [];
  const sent: TransportRequest[] = [];
  let next = 0;

  async function send(request: TransportRequest): Promise<TransportReply> {
    sent.push(request);
    const index = next++;
    const step = script[index];
    if (step === undefined) {
      throw new LlmError("LLM_SCRIPT_EXHAUSTED", `script has ${script.length} replies; call ${index + 1} has none`, {
        details: { index, system: request.system },
      });
    }
    const reply = typeof step === "function" ? step(request, index) : step;
    if ("error" in reply) throw reply.error;
    const text = reply.text ?? (reply.object === undefined ? "" : JSON.stringify(reply.object));
    return {
      text,
      ...(reply.object !== undefined && { payload: reply.object }),
      usage: { ...zeroUsage, ...reply.usage },
      model: reply.model ?? model,
      raw: reply,
      warnings: reply.warnings ?? [],
    };
  }

  const inner = providerFromTransport(
    { name: "scripted", model, send: (request) => send(request) },
    // Zero waits: scripted tests never sleep.
    {
      maxRepairs: options.maxRepairs ?? 0,
      retry: { maxRetries: options.maxRetries ?? 0, timeoutMs: 60_000, sleep: async () => {} },
    },
  );

  return {
    name: "scripted",
    model,
    requests,
    sent,
    remaining: () => Math.max(0, script.length - next),
    generate(request) {
      requests.push(request);
      return inner.generate(request);
    },
  };
}
