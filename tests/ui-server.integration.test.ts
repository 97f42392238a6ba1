import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBus,
  deterministicId,
  kvKey,
  ensureRunStream,
  newRunId,
  publishEnvelope,
  type BusConnection,
  type Envelope,
} from "../bus/index.ts";
import { startUiServer, type UiServer } from "../cli/ui/server.ts";
import { startTestNats } from "./support/nats.ts";

const started = (run: string): Envelope => ({
  id: deterministicId(null, "run.started", 0, run),
  type: "run.started",
  run,
  from: "cli/test",
  causation: null,
  correlation: run,
  at: new Date().toISOString(),
  v: 1,
  payload: { template: "mlp-dynamics", policy: "rules", ideas: 1, maxInFlightIdeas: 1 },
});

const failed = (run: string, cause: Envelope, ideaId: string): Envelope => ({
  id: deterministicId(cause.id, "idea.failed", ideaId, run),
  type: "idea.failed",
  run,
  from: "coder/test-0",
  causation: cause.id,
  correlation: ideaId,
  at: new Date().toISOString(),
  v: 1,
  payload: { ideaId, stage: "experiments", reason: "test" },
});

interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads server-sent events off a fetch body, resolving each `next(predicate)` when a matching event arrives. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = "";
  return {
    events,
    async until(predicate: (e: SseEvent) => boolean): Promise<SseEvent> {
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended; saw ${events.map((e) => e.event).join(", ")}`);
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe("the ui server (real NATS, no browser)", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: BusConnection;
  let ui: UiServer;
  const older = newRunId(new Date("2026-01-01T00:00:00Z"));
  const newer = newRunId(new Date("2026-06-01T00:00:00Z"));

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus(nats.url);
    for (const run of [newer, older]) {
      await ensureRunStream(bus.jsm, run);
      await publishEnvelope(bus.js, started(run));
    }
    ui = await startUiServer({
      bus,
      run: null,
      topology: { coder: ["idea.assessed"], ideator: ["run.started", "idea.failed"] },
    });
  });

  afterAll(async () => {
    await ui?.close();
    await bus?.close();
    await nats?.cleanup();
  });

  it("binds to loopback and serves the page and its scripts, and nothing else from disk", async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(ui.url);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('id="message-count"');
    for (const script of ["app.js", "run-state.js", "sequence-diagram.js"])
      expect((await fetch(`${ui.url}${script}`)).status).toBe(200);
    expect((await fetch(`${ui.url}..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${ui.url}server.ts`)).status).toBe(404);
  });

  it("lists runs newest first and selects the newest when none is named", async () => {
    const body = (await (await fetch(`${ui.url}api/runs`)).json()) as { runs: string[]; selected: string };
    expect(body.runs.slice(0, 2)).toEqual([newer, older]);
    expect(body.selected).toBe(newer);
  });

  it("streams the stored messages, then each new one as it is published", async () => {
    const controller = new AbortController();
    const response = await fetch(`${ui.url}events?run=${older}`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const sse = sseReader(response.body!);
    try {
      const hello = await sse.until((e) => e.event === "hello");
      expect(hello.data).toMatchObject({ run: older, topology: { coder: ["idea.assessed"] } });
      const first = await sse.until((e) => e.event === "message");
      expect((first.data as { envelope: Envelope }).envelope.type).toBe("run.started");
      await publishEnvelope(bus.js, failed(older, started(older), "idea-live"));
      const live = await sse.until(
        (e) => e.event === "message" && (e.data as { envelope: Envelope }).envelope.type === "idea.failed",
      );
      expect((live.data as { seq: number }).seq).toBe(2);
    } finally {
      controller.abort();
    }
  });

  it("waits for a run that has not started yet, then streams it", async () => {
    const later = newRunId();
    const controller = new AbortController();
    const response = await fetch(`${ui.url}events?run=${later}`, { signal: controller.signal });
    const sse = sseReader(response.body!);
    try {
      await sse.until((e) => e.event === "waiting");
      await ensureRunStream(bus.jsm, later);
      await publishEnvelope(bus.js, started(later));
      const first = await sse.until((e) => e.event === "message");
      expect((first.data as { envelope: Envelope }).envelope.run).toBe(later);
      expect(sse.events.findIndex((e) => e.event === "hello")).toBeGreaterThan(
        sse.events.findIndex((e) => e.event === "waiting"),
      );
    } finally {
      controller.abort();
    }
  });

  it("pushes the run's model costs whenever its ledger changes", async () => {
    const controller = new AbortController();
    const response = await fetch(`${ui.url}events?run=${older}`, { signal: controller.signal });
    const sse = sseReader(response.body!);
    try {
      await sse.until((e) => e.event === "hello");
      const totals = {
        calls: 2,
        usd: 0.0125,
        inputTokens: 1000,
        outputTokens: 200,
        cachedReadTokens: 0,
        cacheWriteTokens: 0,
      };
      await bus.kv.ledger.put(
        kvKey(older),
        JSON.stringify({ v: 1, total: totals, byRole: { writer: totals }, byModel: { m: totals }, byIdea: {} }),
      );
      const costs = await sse.until((e) => e.event === "costs");
      expect(costs.data).toMatchObject({
        total: { calls: 2, tokens: 1200, usd: 0.0125 },
        byRole: { writer: { calls: 2 } },
      });
    } finally {
      controller.abort();
    }
  });

  it("refuses a run id that is not one", async () => {
    expect((await fetch(`${ui.url}events?run=..%2Fx`)).status).toBe(400);
  });
});
