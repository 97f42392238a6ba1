import type { InspectionEvent, StateValue } from "xstate";
import type { Outbound } from "./role.ts";

/** One change of an actor's state value while it handled a message, as XState's inspection API reported it. */
export interface ActorTransition {
  /** null only if a machine reports no initial state value (a fresh actor starts from its initial state). */
  from: string | null;
  to: string;
  /** The event that caused it (a message type, or an invoked actor's done/error event). */
  event: string;
}

/** `idle`, or `working.writing` for a nested state, or `a.x,b.y` for parallel regions: readable in a trace line. */
export function stateLabel(value: StateValue): string {
  if (typeof value === "string") return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${stateLabel(child as StateValue)}`))
    .join(",");
}

function valueOf(snapshot: unknown): StateValue | null {
  const value = (snapshot as { value?: unknown } | null)?.value;
  return typeof value === "string" || (typeof value === "object" && value !== null) ? (value as StateValue) : null;
}

/**
 * An `inspect` callback for createActor that records the root actor's state changes (children's snapshots, such as
 * an invoked sandbox run, are not the agent's state). Starts from the restored snapshot (or, for a fresh actor, its
 * initial state), so every record reads `from → to`.
 */
export function recordTransitions(persisted: unknown): {
  inspect: (event: InspectionEvent) => void;
  transitions: ActorTransition[];
} {
  const transitions: ActorTransition[] = [];
  const restored = valueOf(persisted);
  let last = restored === null ? null : stateLabel(restored);
  return {
    transitions,
    inspect(event) {
      if (event.type !== "@xstate.snapshot" || event.actorRef.sessionId !== event.rootId) return;
      const value = valueOf(event.snapshot);
      if (value === null) return;
      const label = stateLabel(value);
      if (label === last) return;
      // A fresh actor's initial state is not a change worth a message: its first real transition starts there.
      if (last === null && event.event.type === "xstate.init") {
        last = label;
        return;
      }
      transitions.push({ from: last, to: label, event: event.event.type });
      last = label;
    },
  };
}

/**
 * The transitions as `actor.transitioned` messages for the actor's outbox. They ride the same transactional
 * outbox as the machine's own messages (saved with the snapshot, deterministic ids), and no role consumes them,
 * so they add trace entries without adding deliveries.
 */
export function transitionMessages(
  transitions: readonly ActorTransition[],
  actor: { role: string; agent: string; actorKey: string; machine: string },
): Outbound[] {
  const { role, ...who } = actor;
  // The seat names the role: several roles consume one message, and each one's transitions need their own ids
  // (a replica of the same role re-handling it after a crash must get the same ids, and it does).
  return transitions.map((t, i) => ({
    type: "actor.transitioned",
    seat: `${role}:${i}`,
    payload: { ...who, from: t.from, to: t.to, event: t.event },
  }));
}
