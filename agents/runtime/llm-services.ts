// The model as a service to policies: one place where every call is budget-checked, priced into the run's ledger
// and recorded (or, in replay mode, answered from an earlier run's recording with no network at all).
import { hostname } from "node:os";
import type { Logger } from "pino";
import { deterministicId, publishEnvelope, type BusConnection } from "../../bus/index.ts";
import { ConfigError, llmKeyVariable, type SwarmConfig } from "../../config/index.ts";
import {
  createProvider,
  isLlmError,
  LlmError,
  replayProvider,
  requestHash,
  withRecording,
  type GenerateRequest,
  type ModelPrice,
  type ModelProvider,
  type PriceTable,
  type Usage,
} from "../llm/index.ts";
import { answeredFromJournal, withJournal } from "./llm-journal.ts";
import { kvRecordingStore, LedgerStore, WarningStore } from "./llm-stores.ts";

/** The seed's sampling temperature for most prompts; a role may declare its own (RoleDefinition.temperature). */
const seedTemperature = 0.75;

export interface ReplayStatus {
  from: string;
  /** Calls answered from the recording. */
  answered: number;
  misses: number;
  /** The first request whose hash was not in the recording: where the replay diverged. */
  firstMiss: { hash: string; kind: string; role: string; idea: string | null; system: string } | null;
}

export interface LlmServices {
  /** A provider for one role's calls for one idea: budget check, ledger and recording (or replay) included. */
  model(role: string, idea: string | null): ModelProvider;
  temperature(role: string): number;
  readonly maxTokens: number;
  /** The run being replayed, or null. */
  readonly replayOf: string | null;
  replayStatus(): ReplayStatus | null;
  /** A live USD budget (scientist steer budget usd, checked against the config's cap before it is sent). */
  setMaxUsd?(value: number): void;
  /** Called by the literature replay on a miss, so the report names the first divergence of either kind. */
  noteMiss(error: unknown, kind: string): void;
}

/**
 * Rough token count of a prompt (4 characters a token): the budget refuses a call whose prompt alone would cross it.
 */
function estimateInput(request: GenerateRequest): number {
  const chars = request.system.length + request.messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4);
}

/**
 * Prices for every configured model. An unpriced model (a local server's, say, or a --model override) is counted at
 * $0 with a loud warning rather than refused: its tokens still count against llm.budget.maxTokens.
 */
function priceTable(config: SwarmConfig, logger: Logger): PriceTable {
  const table: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(config.llm.prices)) table[model] = price;
  for (const model of new Set([config.llm.model, ...Object.values(config.llm.models)])) {
    if (table[model]) continue;
    logger.warn(
      { model },
      `no price for model ${model} in llm.prices: its calls count at $0 (llm.budget.maxUsd cannot bind them; maxTokens does)`,
    );
    table[model] = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  }
  return table;
}

export function createLlmServices(options: {
  bus: BusConnection;
  run: string;
  config: SwarmConfig;
  logger: Logger;
  /** Test seam: build the base provider for a model (default: createProvider from config). */
  baseProvider?: (model: string) => ModelProvider;
  /** Each role's declared temperature, by role name (config llm.temperatures overrides). */
  roleTemperatures?: Record<string, number>;
  /** The run is resumed: a request the run already had answered is answered from its recording, not paid again. */
  journal?: boolean;
}): LlmServices {
  const { bus, run, config, logger } = options;
  const llm = config.llm;
  const replayOf = llm.replay;
  if (!replayOf && !options.baseProvider && !llm.apiKey && llm.provider !== "openai-compatible") {
    // At boot, not at the first call: a run without a key would otherwise fail every idea one by one.
    const variable = llmKeyVariable[llm.provider];
    throw new ConfigError(
      "CONFIG_INVALID",
      `the llm policy needs an API key for the ${llm.provider} provider: set ${variable} (or use --replay <run-id>)`,
      { key: "llm.provider" },
    );
  }
  const ledger = new LedgerStore(bus.kv.ledger, run, priceTable(config, logger));
  const warningStore = new WarningStore(bus.kv.ledger, run);
  const budget = {
    ...(llm.budget.maxUsd !== null && { maxUsd: llm.budget.maxUsd }),
    ...(llm.budget.maxTokens !== null && { maxTokens: llm.budget.maxTokens }),
  };
  const status: ReplayStatus | null = replayOf ? { from: replayOf, answered: 0, misses: 0, firstMiss: null } : null;
  const providers = new Map<string, ModelProvider>();
  let announced = false;
  const record = (provider: ModelProvider) =>
    (options.journal ? withJournal : withRecording)(provider, kvRecordingStore(bus.kv.recordings, run, "model"));

  function base(model: string): ModelProvider {
    if (replayOf) return replayProvider(kvRecordingStore(bus.kv.recordings, replayOf, "model"), { model });
    if (options.baseProvider) {
      // Recorded under the configured model name, as a real adapter's would be, so a replay finds it.
      const seam = options.baseProvider(model);
      return record({ name: seam.name, model, generate: (request) => seam.generate(request) });
    }
    const provider = createProvider({
      kind: llm.provider,
      apiKey: llm.apiKey ?? "none",
      ...(llm.baseURL !== null && { baseURL: llm.baseURL }),
      model,
      timeoutMs: llm.timeoutMs,
      maxRetries: llm.maxRetries,
      maxRepairs: llm.maxRepairs,
      defaultMaxTokens: llm.maxTokens,
    });
    return record(provider);
  }

  function providerFor(model: string): ModelProvider {
    let provider = providers.get(model);
    if (!provider) providers.set(model, (provider = base(model)));
    return provider;
  }

  function noteMiss(error: unknown, kind: string, role = "literature", idea: string | null = null, system = ""): void {
    if (!status || !isLlmError(error, "LLM_REPLAY_MISS")) return;
    status.misses++;
    status.firstMiss ??= { hash: String(error.details.hash), kind, role, idea, system: system.slice(0, 300) };
    logger.warn({ hash: error.details.hash, kind, role, idea }, "replay diverged: request not in the recording");
  }

  async function announceExhausted(
    role: string,
    idea: string | null,
    reason: string,
    spent: { usd: number; tokens: number; calls: number },
  ): Promise<void> {
    if (announced) return;
    announced = true;
    // A deterministic id: every replica in every process may announce, JetStream keeps the first.
    await publishEnvelope(bus.js, {
      id: deterministicId(null, "budget.exhausted", 0, run),
      type: "budget.exhausted",
      run,
      from: `${role}/budget-${hostname().replace(/[^a-zA-Z0-9_.-]/g, "_")}`,
      causation: null,
      correlation: run,
      at: new Date().toISOString(),
      v: 1,
      payload: {
        role,
        ideaId: idea,
        reason,
        spent,
        budget: { maxUsd: llm.budget.maxUsd, maxTokens: llm.budget.maxTokens },
      },
    }).catch((error: unknown) => logger.error({ err: error }, "could not publish budget.exhausted"));
  }

  return {
    maxTokens: llm.maxTokens,
    replayOf,
    temperature: (role) => llm.temperatures[role] ?? options.roleTemperatures?.[role] ?? seedTemperature,
    replayStatus: () => status && structuredClone(status),
    // The budget object is read at every call, so a new limit binds the next call.
    setMaxUsd: (value: number) => {
      (budget as { maxUsd?: number }).maxUsd = value;
    },
    noteMiss: (error, kind) => noteMiss(error, kind),
    model(role, idea) {
      const model = llm.models[role] ?? llm.model;
      const inner = providerFor(model);
      return {
        name: inner.name,
        model,
        async generate(request) {
          if (replayOf) {
            try {
              const result = await inner.generate(request);
              status!.answered++;
              return result;
            } catch (error) {
              noteMiss(error, "model", role, idea, request.system);
              throw error;
            }
          }
          const { ledger: spent } = await ledger.load();
          const pending: Usage = {
            inputTokens: estimateInput(request),
            outputTokens: 0,
            cachedReadTokens: 0,
            cacheWriteTokens: 0,
          };
          if (spent.wouldExceed(budget, { model, usage: pending })) {
            const t = spent.total;
            const tokens = t.inputTokens + t.outputTokens + t.cachedReadTokens + t.cacheWriteTokens;
            const reason = `the run's model budget is exhausted (spent $${t.usd.toFixed(4)}, ${tokens} tokens in ${t.calls} calls)`;
            await announceExhausted(role, idea, reason, { usd: t.usd, tokens, calls: t.calls });
            throw new LlmError("LLM_BUDGET_EXHAUSTED", reason, {
              details: { role, idea, hash: requestHash(model, request) },
            });
          }
          try {
            const result = await inner.generate({ ...request, maxTokens: request.maxTokens ?? llm.maxTokens });
            // Paid for before the run was resumed: in the ledger already.
            if (answeredFromJournal(result)) return result;
            await ledger.record({ role, ...(idea !== null && { idea }), model, usage: result.usage });
            if (result.warnings.length > 0) {
              // Structured-output fallbacks, truncation and repair rounds change what a paper rests on: keep them.
              logger.warn(
                { role, idea, model, warnings: result.warnings },
                `model warnings: ${result.warnings.join("; ")}`,
              );
              await warningStore.record(role, model, result.warnings);
            }
            return result;
          } catch (error) {
            // Invalid output still cost tokens: the repair rounds were billed, so the ledger sees them.
            const usage = isLlmError(error) ? (error.details.usage as Usage | undefined) : undefined;
            if (usage) await ledger.record({ role, ...(idea !== null && { idea }), model, usage });
            throw error;
          }
        },
      };
    },
  };
}
