import { createActor, waitFor, type AnyStateMachine, type Snapshot } from "xstate";
import type { MessageEvent, Outbound } from "./role.ts";
import { RuntimeError } from "./errors.ts";
import { recordTransitions, type ActorTransition } from "./actor-transitions.ts";

export interface MachineStep {
  /** Persisted snapshot after the machine settled. */
  snapshot: Snapshot<unknown>;
  outbox: Outbound[];
  status: string;
  /** The actor's state changes while handling this message (XState inspection), oldest first. */
  transitions: ActorTransition[];
}

/**
 * Restores an actor (or creates a fresh one), sends one message event and waits until the machine settles:
 * no invoked actor still running. Only settled snapshots are persisted, so a restore never resumes half an effect.
 */
export async function runMachineStep(
  machine: AnyStateMachine,
  persisted: Snapshot<unknown> | null,
  input: unknown,
  event: MessageEvent,
  signal: AbortSignal,
): Promise<MachineStep> {
  // An actor that reached a final state takes no more events (a late compile result for a finished study, say):
  // the message is handled as a no-op instead of XState warning that it went to a stopped actor.
  if (persisted && (persisted as { status?: string }).status === "done") {
    return { snapshot: persisted, outbox: [], status: "done", transitions: [] };
  }
  const outbox: Outbound[] = [];
  const recorder = recordTransitions(persisted);
  const actor = persisted
    ? createActor(machine, { snapshot: persisted, input, inspect: recorder.inspect })
    : createActor(machine, { input, inspect: recorder.inspect });
  const subscription = actor.on("publish", (emitted: { message: Outbound }) => {
    outbox.push(emitted.message);
  });
  const onAbort = () => actor.stop();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    actor.start();
    actor.send(event);
    const settled = await waitFor(actor, (s) => s.status !== "active" || Object.keys(s.children).length === 0);
    if (signal.aborted)
      throw new RuntimeError("RUNTIME_MACHINE_FAILED", "aborted while handling a message", { retryable: true });
    if (settled.status === "error") {
      const cause = (settled as { error?: unknown }).error;
      // A coded error that says retrying cannot help (a fact of the input) keeps saying so: the handler terminates it.
      throw new RuntimeError("RUNTIME_MACHINE_FAILED", `machine failed: ${String(cause)}`, {
        cause,
        retryable: retryableOf(cause),
      });
    }
    return {
      snapshot: actor.getPersistedSnapshot() as Snapshot<unknown>,
      outbox,
      status: settled.status,
      transitions: recorder.transitions,
    };
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError("RUNTIME_MACHINE_FAILED", `machine failed on ${event.type}: ${(error as Error).message}`, {
      cause: error,
      retryable: retryableOf(error),
    });
  } finally {
    signal.removeEventListener("abort", onAbort);
    subscription.unsubscribe();
    actor.stop();
  }
}

/** Whether trying again can help: what a coded error says (`retryable`), else yes (an unknown fault may pass). */
export function retryableOf(error: unknown): boolean {
  const flag = (error as { retryable?: unknown } | null)?.retryable;
  return typeof flag === "boolean" ? flag : true;
}
