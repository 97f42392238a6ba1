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
 * Beats for `agents` (ids `<role>/<instance>`) every presenceBeatMs until `signal` aborts, then removes their keys
 * (a clean stop). A beat that fails (NATS down for a moment) is skipped: missing beats are what the watch reads.
 */
export function beatPresence(kv: KV, run: string, agents: string[], signal: AbortSignal): Promise<void> {
  const beat = async () => {
    const at = new Date().toISOString();
    await Promise.all(agents.map((agent) => kv.put(presenceKey(run, agent), JSON.stringify({ agent, at })))).catch(
      () => undefined,
    );
  };
  return new Promise<void>((resolve) => {
    void beat();
    const timer = setInterval(() => void beat(), presenceBeatMs);
    signal.addEventListener(
      "abort",
      () => {
        clearInterval(timer);
        void Promise.all(agents.map((agent) => kv.delete(presenceKey(run, agent))))
          .catch(() => undefined)
          .then(() => resolve());
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
    const beat = JSON.parse(entry.string()) as { agent: string; at: string };
    if (now - Date.parse(beat.at) < presenceStaleMs) live.set(role, [...(live.get(role) ?? []), beat.agent]);
  }
  return live;
}
