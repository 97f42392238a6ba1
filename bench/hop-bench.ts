/**
 * Figure 1, the message hop: one ping through the whole runtime (envelope, validation, traceparent, JetStream, pull,
 * KV snapshot load, machine step, outbox compare-and-set, publish, ack) until its pong is seen, beside a raw
 * `@nats-io/jetstream` publish → pull → publish → ack round trip on the same server. Rounds interleave the two so
 * the host's load hits both alike. Then a burst measures msgs/s for each, and a breakdown times the primitives one
 * hop is made of, so a missed target names what bounds it.
 */

import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { newRunId, publishEnvelope, ensureRunStream, streamName, subjectFor, type Envelope } from "../bus/index.ts";
import { runMachineStep } from "../agents/runtime/index.ts";
import { figure, type SectionResult } from "./figures.ts";
import { startLocalBus } from "./local-bus.ts";
import { hostPingRole, ping, pingRole } from "./ping-role.ts";
import { median, percentile, timed } from "./stats.ts";

/** Resolves the waiter registered for a key when its reply arrives. */
class Waiters {
  private readonly map = new Map<string, () => void>();
  wait(key: string): Promise<void> {
    return new Promise((resolve) => this.map.set(key, resolve));
  }
  done(key: string): void {
    this.map.get(key)?.();
    this.map.delete(key);
  }
}

export async function hopBench(options: { rounds: number; burst: number }): Promise<SectionResult> {
  const local = await startLocalBus();
  const { bus } = local;
  const run = newRunId();
  const stop = new AbortController();
  try {
    await ensureRunStream(bus.jsm, run);
    const { host } = await hostPingRole(bus, local.url, run, 1);
    const swarmWaiters = new Waiters();
    const swarmSub = bus.nc.subscribe(subjectFor(run, "pong.sent"), {
      callback: (_e, m) => swarmWaiters.done(m.json<Envelope<{ n: string }>>().payload.n),
    });

    // The raw anchor: its own stream and durable pull consumer on the same server, the same pull-one-at-a-time loop.
    await bus.jsm.streams.add({
      name: "BENCH_RAW",
      subjects: ["benchraw.>"],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
    });
    await bus.jsm.consumers.add("BENCH_RAW", {
      durable_name: "raw",
      filter_subject: "benchraw.ping",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1000,
    });
    const rawConsumer = await bus.js.consumers.get("BENCH_RAW", "raw");
    const rawLoop = (async () => {
      while (!stop.signal.aborted) {
        const m = await rawConsumer.next({ expires: 1000 }).catch(() => null);
        if (!m) continue;
        await bus.js.publish("benchraw.pong", m.data);
        m.ack();
      }
    })();
    const rawWaiters = new Waiters();
    const rawSub = bus.nc.subscribe("benchraw.pong", { callback: (_e, m) => rawWaiters.done(m.string()) });

    let seq = 0;
    const swarmHop = async (n: string) => {
      const seen = swarmWaiters.wait(n);
      await publishEnvelope(bus.js, ping(run, n, `actor-${n}`));
      await seen;
    };
    const rawHop = async (n: string) => {
      const seen = rawWaiters.wait(n);
      await bus.js.publish("benchraw.ping", n, { msgID: `raw-${n}` });
      await seen;
    };
    // Warm up both paths (first consumer fetch, first KV bucket access, JIT).
    for (let i = 0; i < 20; i++) {
      await swarmHop(`w${seq++}`);
      await rawHop(`w${seq++}`);
    }
    const swarm: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      swarm.push(await timed(() => swarmHop(`s${seq++}`)));
      raw.push(await timed(() => rawHop(`r${seq++}`)));
    }
    // Throughput: a burst of distinct actors (one replica, like one raw responder), all published at once.
    const burst = async (hop: (n: string) => Promise<void>, tag: string) =>
      timed(() => Promise.all(Array.from({ length: options.burst }, (_, i) => hop(`${tag}${seq++}-${i}`))));
    const swarmBurstMs = await burst(swarmHop, "sb");
    const rawBurstMs = await burst(rawHop, "rb");

    // What one hop is made of, timed on the same server: the runtime's sequential round trips and its CPU work.
    const info = await bus.jsm.streams.info(streamName(run));
    const perHop = info.state.messages / (seq / 2); // messages stored per ping (the ping, transitions, the pong)
    const kvKey = `bench.profile`;
    await bus.kv.snapshots.put(kvKey, JSON.stringify({ snapshot: null, processed: [], outbox: [] }));
    const prim = { kvGet: [] as number[], kvUpdate: [] as number[], publish: [] as number[], step: [] as number[] };
    let revision = (await bus.kv.snapshots.get(kvKey))!.revision;
    for (let i = 0; i < options.rounds; i++) {
      prim.kvGet.push(await timed(() => bus.kv.snapshots.get(kvKey)));
      prim.kvUpdate.push(
        await timed(async () => (revision = await bus.kv.snapshots.update(kvKey, JSON.stringify({ i }), revision))),
      );
      prim.publish.push(await timed(() => publishEnvelope(bus.js, ping(run, `prof-${i}`, "profile-only"))));
      prim.step.push(
        await timed(() =>
          runMachineStep(
            pingRole.machine.provide({ actors: pingRole.policies.rules!({} as never) } as never),
            null,
            {},
            { type: "ping.sent", envelope: ping(run, `st${i}`, "x") },
            stop.signal,
          ),
        ),
      );
    }
    const breakdown = {
      kvGetMs: median(prim.kvGet),
      kvUpdateMs: median(prim.kvUpdate),
      publishMs: median(prim.publish),
      machineStepMs: median(prim.step),
      messagesPerHop: Number(perHop.toFixed(2)),
    };
    // One hop = ping publish + pull + KV load + step + CAS save + (messagesPerHop − 1) publishes + outbox clear save.
    const predictedMs =
      breakdown.publishMs +
      breakdown.kvGetMs +
      breakdown.machineStepMs +
      2 * breakdown.kvUpdateMs +
      (perHop - 1) * breakdown.publishMs +
      median(raw) / 2;

    stop.abort();
    swarmSub.unsubscribe();
    rawSub.unsubscribe();
    await host.stop();
    await rawLoop;

    const p50 = median(swarm);
    const rawP50 = median(raw);
    const figures = [
      figure({
        name: "hop p50",
        value: p50,
        unit: "ms",
        anchorName: "raw p50",
        anchor: rawP50,
        target: "≤ 1.5×",
        atMost: 1.5,
      }),
      figure({
        name: "hop p99",
        value: percentile(swarm, 99),
        unit: "ms",
        anchorName: "raw p99",
        anchor: percentile(raw, 99),
        target: null,
      }),
      figure({
        name: "hop throughput",
        value: (options.burst / swarmBurstMs) * 1000,
        unit: "msg/s",
        anchorName: "raw",
        anchor: (options.burst / rawBurstMs) * 1000,
        target: null,
        note: `burst of ${options.burst}, one replica`,
      }),
    ];
    const notes: string[] = [];
    if (figures[0]!.met === false) {
      notes.push(
        `hop p50 ${p50.toFixed(2)} ms vs raw ${rawP50.toFixed(2)} ms: a hop makes ${(perHop + 2).toFixed(0)} sequential server round trips ` +
          `(KV get ${breakdown.kvGetMs.toFixed(2)} ms, 2 KV CAS writes ${breakdown.kvUpdateMs.toFixed(2)} ms each, ${(perHop - 1).toFixed(0)} awaited publishes ` +
          `${breakdown.publishMs.toFixed(2)} ms each, of which ${(perHop - 2).toFixed(0)} are actor.transitioned) plus the machine step ${breakdown.machineStepMs.toFixed(2)} ms; ` +
          `these sum to ${predictedMs.toFixed(2)} ms. The raw path makes 2. What would close it: publish the outbox concurrently ` +
          `(one await for all acks), drop the outbox-clear write (clear lazily on the next save), and keep the snapshot in a per-replica cache ` +
          `validated by KV revision (saves the get on a hot actor).`,
      );
    }
    return {
      section: "1 message hop",
      figures,
      notes,
      details: { rounds: options.rounds, burst: options.burst, breakdown, predictedMs },
    };
  } finally {
    stop.abort();
    await local.close();
  }
}
