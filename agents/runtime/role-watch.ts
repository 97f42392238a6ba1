// The run owner's dead-role watch: a role with work waiting and no live replica (role-presence.ts) for
// run.deadRoleSeconds is named once per outage (RUNTIME_ROLE_DEAD, in the log and report.json warnings). Without
// it a role whose process died and that nobody restarts stalls the run silently until its deadline.
import type { Logger } from "pino";
import { consumerName, isNotFound, streamName, subjectFor, type BusConnection } from "../../bus/index.ts";
import type { RegistryLike } from "./registry-like.ts";
import { liveReplicas } from "./role-presence.ts";
import type { RunWarning } from "./run-owner.ts";

export interface RoleLoad {
  role: string;
  /** Replicas with a fresh presence beat. */
  live: number;
  /** Messages for the role not yet acknowledged: undelivered, or held by a replica (perhaps a dead one). */
  waiting: number;
}

/** Pure: since when each role has been without a live replica while work waits, and whom to name now. */
export class DeadRoleTracker {
  private readonly since = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(private readonly deadAfterMs: number) {}

  observe(loads: readonly RoleLoad[], now: number): { dead: Array<RoleLoad & { forMs: number }>; back: string[] } {
    const dead: Array<RoleLoad & { forMs: number }> = [];
    const back: string[] = [];
    for (const load of loads) {
      if (load.live === 0 && load.waiting > 0) {
        const since = this.since.get(load.role) ?? now;
        this.since.set(load.role, since);
        if (now - since >= this.deadAfterMs && !this.reported.has(load.role)) {
          this.reported.add(load.role);
          dead.push({ ...load, forMs: now - since });
        }
      } else {
        this.since.delete(load.role);
        if (this.reported.delete(load.role)) back.push(load.role);
      }
    }
    return { dead, back };
  }
}

/** Messages waiting for one role across its consumers; a consumer never created counts the stream's messages. */
async function waitingFor(bus: BusConnection, run: string, role: string, consumes: readonly string[]) {
  let waiting = 0;
  for (const type of consumes) {
    try {
      const info = await bus.jsm.consumers.info(streamName(run), consumerName(role, type));
      waiting += info.num_pending + info.num_ack_pending;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const subject = subjectFor(run, type);
      const info = await bus.jsm.streams.info(streamName(run), { subjects_filter: subject });
      waiting += info.state.subjects?.[subject] ?? 0;
    }
  }
  return waiting;
}

export function startRoleWatch(options: {
  bus: BusConnection;
  run: string;
  registry: RegistryLike;
  deadAfterMs: number;
  logger: Logger;
  intervalMs?: number;
}): { warnings(): RunWarning[]; stop(): Promise<void> } {
  const { bus, run, registry, logger } = options;
  const tracker = new DeadRoleTracker(options.deadAfterMs);
  const warnings: RunWarning[] = [];
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    const now = Date.now();
    const loads: RoleLoad[] = [];
    const replicas = await liveReplicas(bus.kv.snapshots, run, now);
    for (const name of registry.names()) {
      const role = registry.get(name);
      const live = replicas.get(name)?.length ?? 0;
      loads.push({ role: name, live, waiting: live > 0 ? 0 : await waitingFor(bus, run, name, role.consumes) });
    }
    const { dead, back } = tracker.observe(loads, Date.now());
    for (const d of dead) {
      const seconds = Math.round(d.forMs / 1000);
      const message =
        `role ${d.role} has had ${d.waiting} message(s) waiting and no live replica for ${seconds} s; ` +
        `start one: scientist agent --run ${run} --roles ${d.role}`;
      warnings.push({ code: "RUNTIME_ROLE_DEAD", message, at: new Date().toISOString() });
      logger.warn({ code: "RUNTIME_ROLE_DEAD", role: d.role, waiting: d.waiting }, message);
    }
    for (const role of back) logger.info({ role }, `role ${role} has a live replica again`);
  };
  const timer = setInterval(() => {
    // One sample at a time; a failed one (NATS down for a moment) is skipped, the next tries again.
    sampling = sampling.then(() => sample().catch(() => undefined));
  }, options.intervalMs ?? 5_000);
  return {
    warnings: () => [...warnings],
    stop: async () => {
      clearInterval(timer);
      await sampling;
    },
  };
}
