import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { BusError, isNotFound } from "./errors.ts";
import { runSubjects, streamName } from "./subjects.ts";

const NANOS_PER_MS = 1_000_000;

/**
 * Creates (or reuses) the run's stream. Limits retention keeps every message because the stream is also the
 * trace; the duplicate window is long so a redelivery hours later still cannot double an effect.
 */
export async function ensureRunStream(
  jsm: JetStreamManager,
  run: string,
  /** replicas: 3 on a 3-node cluster (the stream survives one node's loss); an existing stream keeps its own. */
  options: { duplicateWindowMs?: number; replicas?: number } = {},
): Promise<string> {
  const name = streamName(run);
  const config = {
    name,
    subjects: [runSubjects(run)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: (options.duplicateWindowMs ?? 6 * 3600_000) * NANOS_PER_MS,
    max_msg_size: 4 * 1024 * 1024,
    num_replicas: options.replicas ?? 1,
  };
  try {
    await jsm.streams.info(name);
  } catch (error) {
    // Only a stream that does not exist is created; a server that did not answer is an error, not "missing".
    if (!isNotFound(error)) throw infoFailed(`stream ${name}`, error);
    await jsm.streams.add(config);
  }
  return name;
}

export async function runExists(jsm: JetStreamManager, run: string): Promise<boolean> {
  try {
    await jsm.streams.info(streamName(run));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw infoFailed(`stream ${streamName(run)}`, error);
  }
}

export function infoFailed(what: string, error: unknown): BusError {
  return new BusError("BUS_INFO_FAILED", `cannot read ${what}: ${(error as Error).message}`, {
    cause: error,
    retryable: true,
  });
}

/** Lists run ids that have a stream on this server. */
export async function listRuns(jsm: JetStreamManager): Promise<string[]> {
  const runs: string[] = [];
  for await (const info of jsm.streams.list()) {
    const subject = info.config.subjects?.[0] ?? "";
    const match = /^sci\.([a-z0-9-]+)\.>$/.exec(subject);
    if (match?.[1]) runs.push(match[1]);
  }
  return runs;
}
