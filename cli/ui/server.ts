import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KV } from "@nats-io/kv";
import { followRun, kvKey, listRuns, runExists, type BusConnection } from "../../bus/index.ts";
import { costsOf } from "../../agents/runtime/index.ts";
import { steerRequest, type SteerOptions } from "./steer-endpoint.ts";
import type { LedgerJson } from "../../agents/llm/index.ts";

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "static");

/** The only files served: a fixed list, so no request path ever reaches the file system. */
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/run-state.js": { file: "run-state.js", type: "text/javascript; charset=utf-8" },
  "/sequence-diagram.js": { file: "sequence-diagram.js", type: "text/javascript; charset=utf-8" },
  "/steer.js": { file: "steer.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

const RUN_ID = /^[a-z0-9-]{1,64}$/;
/** Proxies and browsers drop an idle event stream; a comment line every so often keeps it open. */
const KEEPALIVE_MS = 15_000;
/** How often to look again for a run whose stream does not exist yet (the page was opened before the run). */
const STREAM_RETRY_MS = 1_000;

export interface UiServerOptions {
  /** `kv.ledger`, when given, feeds live model costs to the page. */
  bus: Pick<BusConnection, "js" | "jsm"> & { kv?: Pick<BusConnection["kv"], "ledger"> };
  /** Run shown when the page names none; null picks the newest run on the server at request time. */
  run: string | null;
  /** Which message types each role consumes: the page draws an arrow from a sender to every consuming role. */
  topology: Record<string, readonly string[]>;
  host?: string;
  port?: number;
  /** The page's steering buttons publish as the operator through this; absent: the page is read-only. */
  steer?: SteerOptions;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/** Run ids start with their creation time (`r202611271806-…`), so the newest sorts last. */
async function runsNewestFirst(bus: UiServerOptions["bus"]): Promise<string[]> {
  return (await listRuns(bus.jsm)).sort().reverse();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function sseEvent(res: ServerResponse, event: string, data: unknown, id?: number): void {
  res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Streams one run to one browser: the stored messages first, then each new one as it lands in the run's stream.
 * Each page holds its own ephemeral ordered consumer, closed when the page goes away.
 */
async function streamRun(
  options: UiServerOptions,
  run: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  req.on("close", () => controller.abort());
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  try {
    while (!controller.signal.aborted && !(await runExists(options.bus.jsm, run))) {
      sseEvent(res, "waiting", { run });
      await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
    }
    sseEvent(res, "hello", { run, topology: options.topology });
    if (options.bus.kv) void streamCosts(options.bus.kv.ledger, run, res, controller.signal);
    for await (const message of followRun(options.bus.js, run, controller.signal)) {
      sseEvent(res, "message", message, message.seq);
    }
  } catch (error) {
    if (!controller.signal.aborted) sseEvent(res, "failure", { message: (error as Error).message });
  } finally {
    clearInterval(keepalive);
    res.end();
  }
}

/** Model spend lives in the run's ledger (KV), not the stream: watch its key and push each new total. */
async function streamCosts(ledger: KV, run: string, res: ServerResponse, signal: AbortSignal): Promise<void> {
  try {
    const watch = await ledger.watch({ key: kvKey(run) });
    signal.addEventListener("abort", () => watch.stop(), { once: true });
    for await (const entry of watch) {
      if (signal.aborted) break;
      if (entry.operation === "PUT" && entry.length > 0) sseEvent(res, "costs", costsOf(entry.json<LedgerJson>()));
    }
  } catch {
    // Costs are a nicety: a page without them still shows the run.
  }
}

async function handle(options: UiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://ui.local");
  if (req.method === "POST" && url.pathname === "/api/steer") {
    const { status, body } = await steerRequest(options.steer, req);
    return sendJson(res, status, body);
  }
  if (req.method !== "GET") return sendJson(res, 405, { error: "only GET (and POST /api/steer)" });
  const file = STATIC_FILES[url.pathname];
  if (file) {
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    res.end(await readFile(join(STATIC_DIR, file.file)));
    return;
  }
  if (url.pathname === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === "/api/runs") {
    const runs = await runsNewestFirst(options.bus);
    return sendJson(res, 200, { runs, selected: options.run ?? runs[0] ?? null, steer: Boolean(options.steer) });
  }
  if (url.pathname === "/events") {
    const run = url.searchParams.get("run") || options.run || (await runsNewestFirst(options.bus))[0];
    if (!run) return sendJson(res, 404, { error: "no runs on this server yet" });
    if (!RUN_ID.test(run)) return sendJson(res, 400, { error: `not a run id: ${run}` });
    return streamRun(options, run, req, res);
  }
  sendJson(res, 404, { error: `no such page: ${url.pathname}` });
}

/** `scientist ui`: a small HTTP server (no framework, no build step) that shows a run live over server-sent events. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
