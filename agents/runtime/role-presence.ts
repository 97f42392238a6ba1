// Each hosted replica says it is alive: a beat in the snapshots bucket under its role's own prefix (the one key
// space a role may write), read by the run owner's dead-role watch (role-watch.ts).
import type { KV } from "@nats-io/kv";

export const presenceBeatMs = 5_000;
/** A replica whose last beat is older than this is not live (four beats missed). */
export const presenceStaleMs = 4 * presenceBeatMs;
const marker = "presence-";

/** `<run>.<role>.presence-<instance>`: the third token is an actor name in the snapshot key space. */
export const presenceKey = (run: string, agentId: string): string => {
  const [role, instance] = agentId.split("/");
  return `${run}.${role}.${marker}${(instance ?? "").replace(/[^a-zA-Z0-9_-]/g, "_")}`;
};

/**
 * Beats for every group of agents (ids `<role>/<instance>`, each group written with its role's own KV handle) every
 * presenceBeatMs until `signal` aborts, then removes their keys (a clean stop). One timer and one abort listener per
 * host, however many roles it hosts. A beat that fails (NATS down for a moment) is skipped: missing beats are what
 * the watch reads.
 */
export function beatPresence(
  groups: ReadonlyArray<{ kv: KV; agents: readonly string[] }>,
  run: string,
  signal: AbortSignal,
): Promise<void> {
  const each = (write: (kv: KV, agent: string) => Promise<unknown>) =>
    Promise.all(groups.flatMap(({ kv, agents }) => agents.map((agent) => write(kv, agent)))).catch(() => undefined);
  const beat = () => {
    const at = new Date().toISOString();
    return each((kv, agent) => kv.put(presenceKey(run, agent), JSON.stringify({ agent, at })));
  };
  return new Promise<void>((resolve) => {
    void beat();
    const timer = setInterval(() => void beat(), presenceBeatMs);
    signal.addEventListener(
      "abort",
      () => {
        clearInterval(timer);
        void each((kv, agent) => kv.delete(presenceKey(run, agent))).then(() => resolve());
      },
      { once: true },
    );
  });
}

/** Live replicas per role (last beat fresher than presenceStaleMs at `now`), from one listing of the run's keys. */
export async function liveReplicas(kv: KV, run: string, now: number): Promise<Map<string, string[]>> {
  const live = new Map<string, string[]>();
  for await (const key of await kv.keys(`${run}.*.*`)) {
    const [, role, actor] = key.split(".");
    if (!role || !actor?.startsWith(marker)) continue;
    const entry = await kv.get(key);
    if (!entry || entry.operation !== "PUT") continue;
    const beat = parseBeat(entry.string());
    if (beat && now - Date.parse(beat.at) < presenceStaleMs) live.set(role, [...(live.get(role) ?? []), beat.agent]);
  }
  return live;
}

/** A beat as written by beatPresence, or null: one unreadable key must not blind the watch to every role. */
function parseBeat(text: string): { agent: string; at: string } | null {
  try {
    const beat = JSON.parse(text) as { agent?: unknown; at?: unknown };
    return typeof beat.agent === "string" && typeof beat.at === "string" ? { agent: beat.agent, at: beat.at } : null;
  } catch {
    return null;
  }
}
