import { emit, fromPromise } from "xstate";
import type { Envelope } from "../../../bus/index.ts";
import type { Outbound } from "../../runtime/index.ts";
import { RoleError } from "../errors.ts";

/** Placeholder for an injected actor: a machine used without providing it fails loudly, naming the actor. */
export function injected<TOutput, TInput>(name: string) {
  const logic = fromPromise<TOutput, TInput>(async () => {
    throw new RoleError("ROLE_ACTOR_NOT_PROVIDED", `actor ${name} was not provided to the machine`);
  });
  // Marked so the runtime can check at boot that effects + policy provide every placeholder (uncoveredActors).
  return Object.assign(logic, { injectedPlaceholder: name });
}

/** The emitted event the runtime turns into an outbound message. */
export interface PublishEvent {
  type: "publish";
  message: Outbound;
}

export function publish(message: Outbound): PublishEvent {
  return { type: "publish", message };
}

/** An emit action that publishes what `build` returns (one message). */
// Typed loosely on purpose: xstate's action generics don't compose through a helper, and the runtime validates
// every outbound payload against the bus schema anyway.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function emitMessage(build: (args: { context: any; event: any }) => Outbound): any {
  return emit((args: { context: unknown; event: unknown }) => publish(build(args as never)) as never);
}

export function payloadOf<P>(event: { envelope?: Envelope }): P {
  return event.envelope?.payload as P;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
