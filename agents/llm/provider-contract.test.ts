// One contract, every adapter (STYLE item 4): each runs against a local server replaying its own wire format.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createProvider,
  isLlmError,
  type CreateProviderOptions,
  type LlmErrorCode,
  type ModelProvider,
} from "./index.ts";
import { startFakeWireServer, type FakeWireServer } from "./testing/index.ts";
import { anthropicFixtures, openAiCompatibleFixtures, openAiFixtures, type WireFixtures } from "./testing/index.ts";

interface AdapterCase {
  kind: CreateProviderOptions["kind"];
  fixtures: WireFixtures;
  baseURL: (server: FakeWireServer) => string;
}

const adapters: AdapterCase[] = [
  { kind: "openai", fixtures: openAiFixtures, baseURL: (server) => `${server.url}/v1` },
  { kind: "openai-compatible", fixtures: openAiCompatibleFixtures, baseURL: (server) => `${server.url}/v1` },
  { kind: "anthropic", fixtures: anthropicFixtures, baseURL: (server) => server.url },
];

const ideaScore = z.object({ title: z.string(), score: z.number().int().min(1).max(10) });

async function expectCode(promise: Promise<unknown>, code: LlmErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isLlmError(error) ? error.code : error).toBe(code);
}

describe.each(adapters)("the $kind adapter", ({ kind, fixtures, baseURL }) => {
  let server: FakeWireServer;
  let sleeps: number[];

  beforeEach(async () => {
    server = await startFakeWireServer();
    sleeps = [];
  });
  afterEach(async () => {
    await server.close();
  });

  function provider(overrides: Partial<CreateProviderOptions> = {}): ModelProvider {
    return createProvider({
      kind,
      apiKey: "test-key",
      baseURL: baseURL(server),
      model: "model-under-test",
      timeoutMs: 10_000,
      maxRetries: 2,
      maxRepairs: 1,
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      ...overrides,
    });
  }

  const ask = {
    system: "You are a careful reviewer.",
    messages: [{ role: "user" as const, content: "Rate this idea." }],
  };

  it("returns the text of a plain answer with normalised usage", async () => {
    server.enqueue(fixtures.text("A sound idea.", { input: 100, output: 12, cachedRead: 40 }));
    const result = await provider().generate(ask);
    expect(result.text).toBe("A sound idea.");
    expect(result.object).toBeUndefined();
    expect(result.usage).toMatchObject({ inputTokens: 100, outputTokens: 12, cachedReadTokens: 40 });
    expect(result.model).toMatch(/fixture/);
    expect(server.requests).toHaveLength(1);
    expect(fixtures.lastMessageText(server.requests[0]!)).toBe("Rate this idea.");
  });

  it("parses and validates structured output against the zod schema", async () => {
    server.enqueue(fixtures.structured({ title: "Sparse attention", score: 7 }, "idea_score"));
    const result = await provider().generate({ ...ask, schema: ideaScore, schemaName: "idea_score" });
    expect(result.object).toEqual({ title: "Sparse attention", score: 7 });
  });

  it("retries a 429 after the server's retry-after and then succeeds", async () => {
    server.enqueue(fixtures.rateLimited(1234), fixtures.text("ok"));
    const result = await provider().generate(ask);
    expect(result.text).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([1234]);
  });

  it("gives up with LLM_SERVER_ERROR once a persistent 500 exhausts the retries", async () => {
    server.enqueue(fixtures.serverError(), fixtures.serverError(), fixtures.serverError());
    await expectCode(provider({ maxRetries: 2 }).generate(ask), "LLM_SERVER_ERROR");
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!); // exponential backoff
  });

  it("fails with LLM_TIMEOUT when the server never answers within the per-call timeout", async () => {
    server.enqueue({ hang: true });
    await expectCode(provider({ timeoutMs: 150, maxRetries: 0 }).generate(ask), "LLM_TIMEOUT");
  });

  it("retries a timed-out attempt and succeeds on the next", async () => {
    server.enqueue({ hang: true }, fixtures.text("late but fine"));
    const result = await provider({ timeoutMs: 150, maxRetries: 1 }).generate(ask);
    expect(result.text).toBe("late but fine");
    expect(server.requests).toHaveLength(2);
  });

  it("repairs malformed structured output by showing the model its validation error", async () => {
    server.enqueue(
      fixtures.malformed("idea_score"),
      fixtures.structured({ title: "Sparse attention", score: 6 }, "idea_score"),
    );
    const result = await provider().generate({ ...ask, schema: ideaScore, schemaName: "idea_score" });
    expect(result.object).toEqual({ title: "Sparse attention", score: 6 });
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!;
    expect(fixtures.messageCount(repair)).toBe(3); // question, the bad answer, the correction request
    expect(fixtures.lastMessageText(repair)).toContain("did not match the required output schema");
    expect(result.warnings.join("\n")).toContain("repair");
    expect(result.usage.outputTokens).toBe(60); // both rounds are paid for
  });

  it("fails with LLM_INVALID_OUTPUT when the repair rounds run out", async () => {
    server.enqueue(fixtures.malformed("idea_score"), fixtures.malformed("idea_score"));
    const failure = provider({ maxRepairs: 1 }).generate({ ...ask, schema: ideaScore, schemaName: "idea_score" });
    await expectCode(failure, "LLM_INVALID_OUTPUT");
    const error = await failure.catch((thrown: unknown) => thrown);
    expect(isLlmError(error) && error.details["reason"]).toBeTruthy();
    expect(server.requests).toHaveLength(2);
  });

  it("reports a refusal as LLM_REFUSAL without retrying it", async () => {
    server.enqueue(fixtures.refusal());
    await expectCode(provider().generate({ ...ask, schema: ideaScore, schemaName: "idea_score" }), "LLM_REFUSAL");
    expect(server.requests).toHaveLength(1);
  });

  it("stops with LLM_ABORTED when the caller's signal fires mid-request", async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = provider().generate({ ...ask, signal: controller.signal });
    await server.requestsArrived(1);
    controller.abort();
    await expectCode(pending, "LLM_ABORTED");
    expect(sleeps).toEqual([]);
  });

  it("does not retry a 400", async () => {
    server.enqueue({ status: 400, body: { error: { message: "bad", type: "invalid_request_error" }, type: "error" } });
    await expectCode(provider().generate(ask), "LLM_BAD_REQUEST");
    expect(server.requests).toHaveLength(1);
  });
});
