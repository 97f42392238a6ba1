import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm, type ObjectStore, type ObjectStoreOptions } from "@nats-io/obj";
import { BusError } from "./errors.ts";
import { buckets } from "./subjects.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./publisher.ts";
import { redactUrl, splitUrlAuth, type BusAuth } from "./auth.ts";
import { inboxPrefixFor, type TlsFiles } from "./nats-config.ts";

export interface BusConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: { snapshots: KV; archive: KV; effects: KV; ledger: KV; recordings: KV; literature: KV };
  objm: Objm;
  /** JetStream replicas for what this connection creates (KV buckets and object stores here; the run stream too). */
  replicas: number;
  /** Largest envelope (JSON bytes) published through or handled from this connection (nats.maxPayloadBytes). */
  maxPayloadBytes: number;
  close(): Promise<void>;
}

/** How a client proves who it is: user/password (from a creds file or the URL), TLS files, its reply prefix. */
export interface BusAccess {
  auth?: BusAuth | null;
  tls?: TlsFiles | null;
  inboxPrefix?: string;
  /** JetStream replicas of the KV buckets and object stores this connection creates (1; 3 on a 3-node cluster). */
  replicas?: number;
  /** Largest envelope published or handled; DEFAULT_MAX_PAYLOAD_BYTES when unset. */
  maxPayloadBytes?: number;
}

/**
 * Object stores created through this one get the connection's replica count, so every store of a run (made in
 * ArtifactStore and elsewhere) is replicated on a cluster without each caller passing it. An existing store keeps
 * its own config (the client only adds a stream that is missing).
 */
class ReplicatedObjm extends Objm {
  constructor(
    js: JetStreamClient,
    private readonly replicas: number,
  ) {
    super(js);
  }

  override create(name: string, opts: Partial<ObjectStoreOptions> = {}): Promise<ObjectStore> {
    return super.create(name, { replicas: this.replicas, ...opts });
  }
}

/** `nats://a:4222,nats://b:4222` (one --nats flag or config value for a cluster) is a list of servers. */
function serverList(servers: string | string[]): string[] {
  const all = (Array.isArray(servers) ? servers : [servers]).flatMap((s) => s.split(","));
  return all.map((s) => s.trim()).filter(Boolean);
}

export async function connectBus(
  servers: string | string[],
  options: { name?: string; timeoutMs?: number } & BusAccess = {},
): Promise<BusConnection> {
  let nc: NatsConnection;
  // User info in a URL (`nats://user:pass@host`) becomes auth, and never reaches an error message or a log.
  const split = serverList(servers).map(splitUrlAuth);
  const auth = options.auth ?? split.find((s) => s.auth)?.auth ?? null;
  const shown = split.map((s) => redactUrl(s.url)).join(",");
  // Each identity may subscribe only under its own reply prefix (nats-config.ts), also when named in the URL.
  const inboxPrefix = options.inboxPrefix ?? (auth ? inboxPrefixFor(auth.user) : undefined);
  try {
    nc = await connect({
      servers: split.map((s) => s.url),
      name: options.name ?? "scientist",
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      ...(auth && { user: auth.user, pass: auth.pass }),
      ...(inboxPrefix && { inboxPrefix }),
      ...(options.tls && {
        tls: {
          ...(options.tls.ca && { caFile: options.tls.ca }),
          ...(options.tls.cert && { certFile: options.tls.cert }),
          ...(options.tls.key && { keyFile: options.tls.key }),
        },
      }),
    });
  } catch (error) {
    const message = auth?.pass ? (error as Error).message.split(auth.pass).join("***") : (error as Error).message;
    throw new BusError(
      "BUS_CONNECT_FAILED",
      `cannot connect to NATS at ${shown}${auth ? ` as ${auth.user}` : ""}: ${message}`,
      {
        retryable: !/authoriz|authentic|permission/i.test(message),
      },
    );
  }
  // KV watchers and ordered push consumers take their inbox from watcherPrefix, not the connection's inboxPrefix.
  const jsOptions = inboxPrefix ? { watcherPrefix: inboxPrefix } : {};
  const js = jetstream(nc, jsOptions);
  const jsm = await jetstreamManager(nc, jsOptions);
  const kvm = new Kvm(js);
  const replicas = options.replicas ?? 1;
  const bucket = { history: 1, replicas };
  const [snapshots, archive, effects, ledger, recordings, literature] = await Promise.all([
    kvm.create(buckets.snapshots, bucket),
    kvm.create(buckets.archive, bucket),
    kvm.create(buckets.effects, bucket),
    kvm.create(buckets.ledger, bucket),
    kvm.create(buckets.recordings, bucket),
    kvm.create(buckets.literature, bucket),
  ]);
  return {
    nc,
    js,
    jsm,
    kv: { snapshots, archive, effects, ledger, recordings, literature },
    objm: new ReplicatedObjm(js, replicas),
    replicas,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    close: async () => {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
