// A local HTTP server (127.0.0.1, random port) that answers with scripted wire-format replies, so adapters are
// tested through their real SDKs without the network. Tests wait on its events, never on the clock.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type WireReply =
  | { status?: number; body: unknown; headers?: Record<string, string> }
  /** Never answer: for timeout and abort tests. The socket is destroyed on close(). */
  | { hang: true };

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  // Parsed JSON; `any` because each test reads the fields of its own wire format.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface FakeWireServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  enqueue(...replies: WireReply[]): void;
  /** Resolves once `count` requests have arrived in total. */
  requestsArrived(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeWireServer(): Promise<FakeWireServer> {
  const queue: WireReply[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  function notify(): void {
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push({
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    });
    const reply = queue.shift();
    notify();
    if (reply === undefined) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "fake server: no scripted reply left" } }));
      return;
    }
    if ("hang" in reply) return;
    response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    response.end(JSON.stringify(reply.body));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    requestsArrived: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
