import type { Envelope } from "../../bus/index.ts";
import type { RegistryLike } from "./registry-like.ts";

/** Types the runtime itself writes for any role: actors' transitions, dead letters, the model budget's announcement. */
const anyRoleTypes = new Set(["actor.transitioned", "message.deadlettered", "budget.exhausted"]);

/** The role (or service identity) an envelope claims to come from: `from` is `<role>/<instance>`. */
export const senderOf = (envelope: Pick<Envelope, "from">): string => envelope.from.split("/")[0] ?? "";

/**
 * Why an envelope's sender may not send its type, or null when it may: a role sends what it emits (and the runtime
 * types), `cli/...` (the run owner) starts runs and writes dead letters, `operator/...` sends `control.*`. Pure: the
 * bus permissions stop strangers; this stops a permitted identity from claiming another role's name.
 */
export function senderProblem(envelope: Pick<Envelope, "type" | "from">, registry: RegistryLike): string | null {
  const sender = senderOf(envelope);
  const { type } = envelope;
  if (type.startsWith("control.")) {
    return sender === "operator" ? null : `${type} may only come from operator/..., not from ${envelope.from}`;
  }
  if (sender === "cli") {
    if (type === "run.started" || type === "message.deadlettered") return null;
    return `cli/... may send run.started and dead letters, not ${type}`;
  }
  if (sender === "operator") return `operator/... may send control.* only, not ${type}`;
  if (!registry.names().includes(sender)) {
    return `${type} from ${envelope.from}: ${sender || "(empty)"} is not a role of this swarm`;
  }
  if (anyRoleTypes.has(type)) return null;
  const role = registry.get(sender);
  if (role.emits.includes(type)) return null;
  return `${type} from ${envelope.from}: role ${sender} does not emit ${type} (it emits ${role.emits.join(", ")})`;
}
