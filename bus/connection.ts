import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { BusError } from "./errors.ts";
import { buckets } from "./subjects.ts";

export interface BusConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: { snapshots: KV; archive: KV; effects: KV; ledger: KV; recordings: KV; literature: KV };
  objm: Objm;
  close(): Promise<void>;
}

export async function connectBus(servers: string | string[], options: { name?: string; timeoutMs?: number } = {}): Promise<BusConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers, name: options.name ?? "scientist", timeout: options.timeoutMs ?? 5000, maxReconnectAttempts: -1 });
  } catch (error) {
    throw new BusError("BUS_CONNECT_FAILED", `cannot connect to NATS at ${String(servers)}: ${(error as Error).message}`, {
      cause: error,
      retryable: true,
    });
  }
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(js);
  const [snapshots, archive, effects, ledger, recordings, literature] = await Promise.all([
    kvm.create(buckets.snapshots, { history: 1 }),
    kvm.create(buckets.archive, { history: 1 }),
    kvm.create(buckets.effects, { history: 1 }),
    kvm.create(buckets.ledger, { history: 1 }),
    kvm.create(buckets.recordings, { history: 1 }),
    kvm.create(buckets.literature, { history: 1 }),
  ]);
  return {
    nc,
    js,
    jsm,
    kv: { snapshots, archive, effects, ledger, recordings, literature },
    objm: new Objm(js),
    close: async () => {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
