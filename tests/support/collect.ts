import { followRun, type BusConnection, type Envelope } from "../../bus/index.ts";

/**
 * Follows a run's stream and resolves when `until` holds for a message (never sleeps): returns everything seen.
 * Rejects after `timeoutMs` with the types seen so far, so a stuck run fails with a useful message.
 */
export async function collectUntil(
  bus: BusConnection,
  run: string,
  until: (e: Envelope, all: Envelope[]) => boolean,
  timeoutMs = 120_000,
): Promise<Envelope[]> {
  const controller = new AbortController();
  const seen: Envelope[] = [];
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for await (const m of followRun(bus.js, run, controller.signal)) {
      if (!m.envelope) continue;
      seen.push(m.envelope);
      if (until(m.envelope, seen)) return seen;
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`timed out after ${timeoutMs} ms; saw: ${seen.map((e) => e.type).join(", ")}`);
}
