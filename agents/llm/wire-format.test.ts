// What each adapter puts on the wire, beyond the shared contract: the parts that are provider-specific.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createProvider, temperatureNotSentWarning, type CreateProviderOptions } from "./index.ts";
import { startFakeWireServer, type FakeWireServer } from "./testing/index.ts";
import { anthropicFixtures, openAiFixtures } from "./testing/index.ts";

const review = z.object({ summary: z.string(), overall: z.number().int().min(1).max(10) });
const ask = { system: "You are reviewer 3 of 5.", messages: [{ role: "user" as const, content: "Review the paper." }] };

let server: FakeWireServer;
beforeEach(async () => {
  server = await startFakeWireServer();
});
afterEach(async () => {
  await server.close();
});

function provider(kind: CreateProviderOptions["kind"], overrides: Partial<CreateProviderOptions> = {}) {
  return createProvider({
    kind,
    apiKey: "test-key",
    baseURL: kind === "anthropic" ? server.url : `${server.url}/v1`,
    model: "model-under-test",
    timeoutMs: 10_000,
    maxRetries: 0,
    retry: { sleep: async () => {} },
    ...overrides,
  });
}

describe("the openai adapter on the wire", () => {
  it("sends a strict json_schema response_format derived from the zod schema", async () => {
    server.enqueue(openAiFixtures.structured({ summary: "ok", overall: 6 }, "review"));
    await provider("openai").generate({
      ...ask,
      schema: review,
      schemaName: "review",
      temperature: 0.75,
      maxTokens: 900,
    });
    const { body, path, headers } = server.requests[0]!;
    expect(path).toBe("/v1/chat/completions");
    expect(headers["authorization"]).toBe("Bearer test-key");
    expect(body.model).toBe("model-under-test");
    expect(body.messages[0]).toEqual({ role: "system", content: "You are reviewer 3 of 5." });
    expect(body.temperature).toBe(0.75);
    expect(body.max_completion_tokens).toBe(900);
    expect(body.response_format.type).toBe("json_schema");
    expect(body.response_format.json_schema.name).toBe("review");
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.$schema).toBeUndefined();
    expect(body.response_format.json_schema.schema.required).toEqual(["summary", "overall"]);
  });

  it("turns strict off, with a warning, for a schema with optional fields", async () => {
    const loose = review.extend({ questions: z.array(z.string()).optional() });
    server.enqueue(openAiFixtures.structured({ summary: "ok", overall: 6 }, "review"));
    const result = await provider("openai").generate({ ...ask, schema: loose, schemaName: "review" });
    expect(server.requests[0]!.body.response_format.json_schema.strict).toBe(false);
    expect(result.warnings.join("\n")).toContain("strict: false");
    expect(result.object).toEqual({ summary: "ok", overall: 6 });
  });

  it("wraps a non-object schema in { value } and unwraps the answer", async () => {
    server.enqueue(openAiFixtures.structured({ value: ["a", "b"] }, "list"));
    const result = await provider("openai").generate({ ...ask, schema: z.array(z.string()), schemaName: "list" });
    expect(server.requests[0]!.body.response_format.json_schema.schema.properties.value.type).toBe("array");
    expect(result.object).toEqual(["a", "b"]);
  });
});

describe("the openai-compatible adapter on the wire", () => {
  it("falls back to a JSON instruction when the server rejects json_schema, and remembers it", async () => {
    server.enqueue(
      {
        status: 400,
        body: { error: { message: "response_format json_schema is not supported", type: "invalid_request_error" } },
      },
      openAiFixtures.text('Here you go:\n```json\n{"summary": "fine", "overall": 5}\n```'),
      openAiFixtures.text('{"summary": "again", "overall": 4}'),
    );
    const compatible = provider("openai-compatible");
    const first = await compatible.generate({ ...ask, schema: review, schemaName: "review" });
    expect(first.object).toEqual({ summary: "fine", overall: 5 });
    expect(first.warnings.join("\n")).toContain("rejected json_schema");
    const [probe, fallback] = server.requests;
    expect(probe!.body.response_format.type).toBe("json_schema");
    expect(fallback!.body.response_format).toBeUndefined();
    expect(fallback!.body.messages[0].content).toContain('"overall"'); // the schema, shown in the system prompt

    const second = await compatible.generate({ ...ask, schema: review, schemaName: "review" });
    expect(second.object).toEqual({ summary: "again", overall: 4 });
    expect(server.requests).toHaveLength(3); // no second probe
    expect(server.requests[2]!.body.response_format).toBeUndefined();
  });

  it("extracts the JSON when a server ignores json_schema and answers in prose", async () => {
    server.enqueue(
      openAiFixtures.text('Sure! My review is {"summary": "has a {brace} inside", "overall": 8}. Thanks.'),
    );
    const result = await provider("openai-compatible").generate({
      ...ask,
      schema: review,
      schemaName: "review",
      maxTokens: 50,
    });
    expect(result.object).toEqual({ summary: "has a {brace} inside", overall: 8 });
    expect(result.warnings.join("\n")).toContain("ignored json_schema");
    expect(server.requests[0]!.body.max_tokens).toBe(50);
  });
});

describe("the anthropic adapter on the wire", () => {
  it("forces a single tool carrying the schema and caches the system prompt", async () => {
    server.enqueue(anthropicFixtures.structured({ summary: "ok", overall: 7 }, "review"));
    const result = await provider("anthropic").generate({ ...ask, schema: review, schemaName: "review" });
    const { body, path, headers } = server.requests[0]!;
    expect(path).toBe("/v1/messages");
    expect(headers["anthropic-version"]).toBe("2026-10-21");
    expect(headers["authorization"]).toBe("Bearer test-key"); // 1.x sends the key as a bearer token, not x-api-key
    expect(body.system).toEqual([
      { type: "text", text: "You are reviewer 3 of 5.", cache_control: { type: "ephemeral" } },
    ]);
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0].name).toBe("review");
    expect(body.tools[0].input_schema.properties.overall.type).toBe("integer");
    expect(body.tool_choice).toEqual({ type: "tool", name: "review" });
    expect(body.max_tokens).toBe(8192);
    expect(result.object).toEqual({ summary: "ok", overall: 7 });
  });

  it("never sends temperature, and says so in the warnings", async () => {
    server.enqueue(anthropicFixtures.text("fine"));
    const result = await provider("anthropic").generate({ ...ask, temperature: 0.75 });
    expect(server.requests[0]!.body).not.toHaveProperty("temperature");
    expect(result.warnings).toContain(temperatureNotSentWarning);
  });

  it("reports cache reads and writes in usage", async () => {
    server.enqueue(anthropicFixtures.text("fine", { input: 10, output: 5, cachedRead: 2000, cacheWrite: 300 }));
    const result = await provider("anthropic").generate(ask);
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 5, cachedReadTokens: 2000, cacheWriteTokens: 300 });
  });
});
