/**
 * Child process of the actor-scale bench (figure 3a), so its resident memory is the host's alone: hosts the ping
 * role, creates `count` actors (one message each, distinct correlation ids) and reports RSS before and after
 * (after a GC), then the time to resume an idle actor from its snapshot beside a hop to a fresh actor. Prints one
 * JSON line. Run with --expose-gc.
 */

import { connectBus, kvKey, publishEnvelope, subjectFor, type Envelope } from "../bus/index.ts";
import { hostPingRole, ping } from "./ping-role.ts";
import { median, timed } from "./stats.ts";

const [url, run, countText, roundsText, bodyText] = process.argv.slice(2);
const count = Number(countText);
const rounds = Number(roundsText);
const body = "x".repeat(Number(bodyText));
const gc = (globalThis as { gc?: () => void }).gc;
if (!url || !run || !Number.isFinite(count) || !gc)
  throw new Error(
    "usage: node --expose-gc --import tsx actor-scale-child.ts <nats-url> <run> <count> <rounds> <body-bytes>",
  );

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
};

const bus = await connectBus(url, { name: "bench-actors" });
const { host } = await hostPingRole(bus, url, run, 1);
const waiters = new Map<string, () => void>();
const sub = bus.nc.subscribe(subjectFor(run, "pong.sent"), {
  callback: (_e, m) => {
    const n = m.json<Envelope<{ n: string }>>().payload.n;
    waiters.get(n)?.();
    waiters.delete(n);
  },
});
const hop = async (n: string, actor: string, withBody = "") => {
  const seen = new Promise<void>((resolve) => waiters.set(n, resolve));
  await publishEnvelope(bus.js, ping(run, n, actor, withBody));
  await seen;
};
// One actor first, so the baseline includes the loaded role, consumers and KV buckets.
await hop("warm", "actor-warm");
await settle();
const before = process.memoryUsage();
const createdMs = await timed(async () => {
  // Windows of 100 in flight: creating the actors is not the figure, their memory afterwards is.
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => hop(`c${i + j}`, `actor-${i + j}`, body)),
    );
  }
});
await settle();
const after = process.memoryUsage();
const resume: number[] = [];
const fresh: number[] = [];
for (let i = 0; i < rounds; i++) {
  resume.push(await timed(() => hop(`again${i}`, `actor-${(i * 37) % count}`, body)));
  fresh.push(await timed(() => hop(`fresh${i}`, `fresh-${i}`)));
}
const record = await bus.kv.snapshots.get(kvKey(run, "bench-pinger", "actor-1")).catch(() => null);
sub.unsubscribe();
await host.stop();
await bus.close();
process.stdout.write(
  `${JSON.stringify({
    count,
    createdMs,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    resumeMs: median(resume),
    freshMs: median(fresh),
    snapshotBytes: record?.length ?? null,
  })}\n`,
);
process.exit(0);
