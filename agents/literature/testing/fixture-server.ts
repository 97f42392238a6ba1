// A local HTTP server (127.0.0.1, random port) replaying hand-written wire-format fixtures, so every
// literature client is tested through real HTTP without the network. Tests wait on its events, not on time.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
  | { status?: number; headers?: Record<string, string>; body: string }
  /** Never answer: for abort tests. close() destroys the socket. */
  | { hang: true };

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface FixtureServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Replies for the next requests, in order; after them every request gets the default reply. */
  enqueue(...replies: Reply[]): void;
  setDefault(reply: Reply): void;
  /** Resolves once `count` requests have arrived in total. */
  requestsArrived(count: number): Promise<void>;
  /** Resolves once the client has gone away from a request the server never answered. */
  abandonedRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFixtureServer(
  defaultReply: Reply = { status: 404, body: "no fixture" },
): Promise<FixtureServer> {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  let fallback = defaultReply;
  let abandoned = 0;
  const waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];
  const notify = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.ready()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const waitFor = (ready: () => boolean): Promise<void> =>
    ready() ? Promise.resolve() : new Promise((resolve) => waiters.push({ ready, resolve }));

  const server = createServer((request, response) => {
    requests.push({
      method: request.method ?? "",
      url: new URL(request.url ?? "/", "http://127.0.0.1"),
      headers: request.headers,
    });
    const reply = queue.shift() ?? fallback;
    notify();
    if ("hang" in reply) {
      response.on("close", () => {
        abandoned += 1;
        notify();
      });
      return;
    }
    response.writeHead(reply.status ?? 200, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    response.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (fallback = reply),
    requestsArrived: (count) => waitFor(() => requests.length >= count),
    abandonedRequests: (count) => waitFor(() => abandoned >= count),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
