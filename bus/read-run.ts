import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { envelopeSchema, type Envelope } from "./envelope.ts";
import { BusError } from "./errors.ts";
import { streamName } from "./subjects.ts";

export interface StoredEnvelope {
  seq: number;
  subject: string;
  envelope: Envelope | null;
  /** Set when the stored bytes are not a valid envelope (kept, not dropped, so a trace shows them). */
  error: string | null;
  traceparent: string | null;
}

function decode(seq: number, subject: string, data: Uint8Array, traceparent: string | null): StoredEnvelope {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(new TextDecoder().decode(data)));
    if (parsed.success) return { seq, subject, envelope: parsed.data as Envelope, error: null, traceparent };
    return { seq, subject, envelope: null, error: parsed.error.issues[0]?.message ?? "invalid", traceparent };
  } catch (error) {
    return { seq, subject, envelope: null, error: `not JSON: ${(error as Error).message}`, traceparent };
  }
}

/** Reads every message of a run's stream in stream order (an ordered, ephemeral consumer). */
export async function readRun(js: JetStreamClient, jsm: JetStreamManager, run: string): Promise<StoredEnvelope[]> {
  const name = streamName(run);
  let last: number;
  try {
    last = (await jsm.streams.info(name)).state.last_seq;
  } catch (error) {
    throw new BusError("BUS_RUN_NOT_FOUND", `no stream for run ${run} on this server`, { cause: error });
  }
  const out: StoredEnvelope[] = [];
  if (last === 0) return out;
  const consumer = await js.consumers.get(name, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push(decode(m.seq, m.subject, m.data, m.headers?.get("traceparent") ?? null));
    if (m.seq >= last) break;
  }
  await messages.close();
  return out;
}

/** Follows a run live from the start: yields stored messages then new ones until `signal` aborts. */
export async function* followRun(
  js: JetStreamClient,
  run: string,
  signal: AbortSignal,
): AsyncGenerator<StoredEnvelope> {
  const consumer = await js.consumers.get(streamName(run), { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  const stop = () => void messages.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const m of messages) {
      yield decode(m.seq, m.subject, m.data, m.headers?.get("traceparent") ?? null);
      if (signal.aborted) break;
    }
  } finally {
    signal.removeEventListener("abort", stop);
    await messages.close();
  }
}
