// Which runs exist and what state each is in: a run's owner (`scientist run` or `resume`) keeps a heartbeat in KV,
// so any host on the bus can tell a running run from one whose owner died (interrupted) or that completed.
import { hostname } from "node:os";
import { Kvm, type KV } from "@nats-io/kv";
import { kvKey, listRuns, readRun, type BusConnection } from "../../bus/index.ts";

/** Run owners by run id: `{ owner, pid, host, heartbeatAt, template }`. */
export const runsBucket = "sci_runs";
/** How often the owner beats, and how old a beat may be before the owner counts as gone. */
export const heartbeatMs = 5_000;
const staleAfterMs = 4 * heartbeatMs;

export interface RunOwner {
  owner: string;
  pid: number;
  host: string;
  heartbeatAt: string;
  template: string;
}

export type RunStateName = "running" | "interrupted" | "completed";

export interface RunState {
  run: string;
  state: RunStateName;
  template: string | null;
  startedAt: string | null;
  ideas: number;
  papers: number;
  messages: number;
  owner: RunOwner | null;
}

export async function runsKv(bus: BusConnection): Promise<KV> {
  return new Kvm(bus.js).create(runsBucket, { history: 1, replicas: bus.replicas });
}

/** The bucket for a reader (who may not create it): null when no run owner has ever beaten on this server. */
async function openRunsKv(bus: BusConnection): Promise<KV | null> {
  const kv = await new Kvm(bus.js).open(runsBucket);
  try {
    await kv.status(); // binding checks nothing; this asks the server
    return kv;
  } catch (error) {
    if ((error as Error).message === "stream not found") return null;
    throw error;
  }
}

/**
 * Beats every `heartbeatMs` until stopped; a beat that fails (the bus is down for a moment) is skipped, not fatal:
 * the next one catches up. `stop()` deletes nothing: `runs` tells completed from interrupted by the stream.
 */
export async function startHeartbeat(
  bus: BusConnection,
  run: string,
  owner: string,
  template: string,
): Promise<{ stop(): Promise<void> }> {
  const kv = await runsKv(bus);
  const beat = () =>
    kv.put(
      kvKey(run),
      JSON.stringify({
        owner,
        pid: process.pid,
        host: hostname(),
        heartbeatAt: new Date().toISOString(),
        template,
      } satisfies RunOwner),
    );
  await beat();
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    pending = beat().catch(() => undefined);
  }, heartbeatMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
    },
  };
}

export async function readOwner(kv: KV, run: string): Promise<RunOwner | null> {
  const entry = await kv.get(kvKey(run));
  if (!entry || entry.operation !== "PUT" || entry.length === 0) return null;
  return entry.json<RunOwner>();
}

/**
 * True while the owner's last beat is recent. An owner on this host whose process is gone is dead at once (a kill
 * -9 of `scientist run` is interrupted now, not after the beat goes stale).
 */
export function ownerLive(owner: RunOwner | null, now = Date.now()): boolean {
  if (owner === null || now - Date.parse(owner.heartbeatAt) >= staleAfterMs) return false;
  return owner.host !== hostname() || processAlive(owner.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The state of one run from its stream (completed?) and its owner's heartbeat (live?). */
export async function runState(bus: BusConnection, run: string, kv?: KV | null): Promise<RunState> {
  const stored = await readRun(bus.js, bus.jsm, run);
  const types = stored.map((m) => m.envelope?.type);
  const started = stored.find((m) => m.envelope?.type === "run.started")?.envelope;
  const bucket = kv === undefined ? await openRunsKv(bus) : kv;
  const owner = bucket ? await readOwner(bucket, run) : null;
  const completed = types.includes("run.completed");
  return {
    run,
    state: completed ? "completed" : ownerLive(owner) ? "running" : "interrupted",
    template: (started?.payload as { template?: string } | undefined)?.template ?? owner?.template ?? null,
    startedAt: started?.at ?? null,
    ideas: types.filter((t) => t === "idea.proposed").length,
    papers: types.filter((t) => t === "paper.decided").length,
    messages: stored.length,
    owner,
  };
}

/** Every run with a stream on this server, oldest start first. */
export async function listRunStates(bus: BusConnection): Promise<RunState[]> {
  const kv = await openRunsKv(bus);
  const states: RunState[] = [];
  for (const run of await listRuns(bus.jsm)) states.push(await runState(bus, run, kv));
  return states.sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
}
