import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import {
  budgetKeySchema,
  controlSchemas,
  deterministicId,
  IdeaArchive,
  publishEnvelope,
  readRun,
  runExists,
  type BusConnection,
  type ControlType,
  type Envelope,
} from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";

export type SteeringErrorCode =
  | "STEER_BAD_VERB"
  | "STEER_BAD_ARGS"
  | "STEER_UNKNOWN_RUN"
  | "STEER_RUN_ENDED"
  | "STEER_UNKNOWN_IDEA"
  | "STEER_OVER_CAP";

export class SteeringError extends Error {
  readonly code: SteeringErrorCode;
  constructor(code: SteeringErrorCode, message: string) {
    super(message);
    this.name = "SteeringError";
    this.code = code;
  }
}

export const steerVerbs = ["pause", "resume", "stop-idea", "note", "constrain", "budget", "promote"] as const;

export interface ControlRequest {
  type: ControlType;
  payload: Record<string, unknown>;
}

/** A steer verb and its words as a control message (the CLI's and the page's grammar); throws SteeringError. */
export function controlFor(
  verb: string,
  args: readonly string[],
  options: { role?: string; reason?: string } = {},
): ControlRequest {
  const need = (n: number, usage: string) => {
    if (args.length < n || args.slice(0, n).some((a) => a.trim() === "")) {
      throw new SteeringError("STEER_BAD_ARGS", `usage: steer <run> ${usage}`);
    }
  };
  let request: ControlRequest;
  switch (verb) {
    case "pause":
      request = { type: "control.paused", payload: { role: options.role ?? null, reason: options.reason ?? "" } };
      break;
    case "resume":
      request = { type: "control.resumed", payload: { role: options.role ?? null } };
      break;
    case "stop-idea":
      need(1, "stop-idea ID [--reason TEXT]");
      request = {
        type: "control.idea-stopped",
        payload: { ideaId: args[0], reason: options.reason ?? "stopped by the operator" },
      };
      break;
    case "note":
      need(2, "note ID TEXT");
      request = { type: "control.noted", payload: { ideaId: args[0], text: args.slice(1).join(" ") } };
      break;
    case "constrain":
      need(1, "constrain TEXT");
      request = { type: "control.constrained", payload: { text: args.join(" ") } };
      break;
    case "budget": {
      need(2, `budget ${budgetKeySchema.options.join("|")} VALUE`);
      const key = budgetKeySchema.safeParse(args[0]);
      if (!key.success) {
        throw new SteeringError(
          "STEER_BAD_ARGS",
          `budget key must be one of ${budgetKeySchema.options.join(", ")}, not ${args[0]}`,
        );
      }
      const value = Number(args[1]);
      if (!Number.isFinite(value)) {
        throw new SteeringError("STEER_BAD_ARGS", `budget value must be a number, not ${args[1]}`);
      }
      request = { type: "control.budget-changed", payload: { key: key.data, value } };
      break;
    }
    case "promote":
      need(1, "promote ID");
      request = { type: "control.promoted", payload: { ideaId: args[0] } };
      break;
    default:
      throw new SteeringError(
        "STEER_BAD_VERB",
        `unknown steer verb ${JSON.stringify(verb)} (one of: ${steerVerbs.join(", ")})`,
      );
  }
  const parsed = controlSchemas[request.type].safeParse(request.payload);
  if (!parsed.success) {
    throw new SteeringError("STEER_BAD_ARGS", `${verb}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  return { type: request.type, payload: parsed.data as Record<string, unknown> };
}

/** The config's cap for a live budget change (null: no change allowed on that key). */
export function budgetCap(config: Pick<SwarmConfig, "steering" | "llm">, key: string): number | null {
  const caps = config.steering.caps;
  if (key === "ideas") return caps.ideas;
  if (key === "maxInFlightIdeas") return caps.maxInFlightIdeas;
  return caps.usd ?? config.llm.budget.maxUsd;
}

export const operatorAgentId = (who = hostname()) => `operator/${who.replace(/[^a-zA-Z0-9_.-]/g, "_")}`;

/**
 * Checks a control request against the run (it exists and has not ended, the idea is one of its ideas or an archived
 * one, a budget within the config's caps) and publishes it as the operator. Its causation is the run's latest
 * message: the causal point at which the intervention happened, which a replay re-applies it after.
 */
export async function sendControl(options: {
  bus: BusConnection;
  run: string;
  request: ControlRequest;
  config: Pick<SwarmConfig, "steering" | "llm">;
  from?: string;
  now?: Date;
}): Promise<Envelope> {
  const { bus, run, request } = options;
  if (!(await runExists(bus.jsm, run))) {
    throw new SteeringError("STEER_UNKNOWN_RUN", `no run ${run} on this NATS server`);
  }
  const stored = await readRun(bus.js, bus.jsm, run);
  const envelopes = stored.flatMap((s) => (s.envelope ? [s.envelope] : []));
  if (envelopes.some((e) => e.type === "run.completed")) {
    throw new SteeringError("STEER_RUN_ENDED", `run ${run} has completed; there is nothing to steer`);
  }
  const p = request.payload;
  if (request.type === "control.idea-stopped" || request.type === "control.noted") {
    const ideas = envelopes
      .filter((e) => e.type === "idea.proposed")
      .map((e) => String((e.payload as { ideaId: string }).ideaId));
    if (!ideas.includes(String(p.ideaId))) {
      throw new SteeringError(
        "STEER_UNKNOWN_IDEA",
        `run ${run} has no idea ${String(p.ideaId)} (its ideas: ${ideas.join(", ") || "none yet"})`,
      );
    }
  }
  if (request.type === "control.promoted") {
    const template = envelopes.find((e) => e.type === "run.started")?.payload as { template?: string } | undefined;
    const archived = template?.template ? await new IdeaArchive(bus.kv.archive).list(template.template) : [];
    if (!archived.some((e) => e.ideaId === p.ideaId)) {
      throw new SteeringError(
        "STEER_UNKNOWN_IDEA",
        `the archive of template ${template?.template ?? "?"} holds no idea ${String(p.ideaId)}`,
      );
    }
  }
  let payload = p;
  if (request.type === "control.budget-changed") {
    const cap = budgetCap(options.config, String(p.key));
    if (cap === null) {
      throw new SteeringError(
        "STEER_OVER_CAP",
        `budget ${String(p.key)} has no cap in the config (set steering.caps.usd or llm.budget.maxUsd)`,
      );
    }
    if (Number(p.value) > cap) {
      throw new SteeringError(
        "STEER_OVER_CAP",
        `budget ${String(p.key)} ${String(p.value)} exceeds the config's cap ${cap} (steering.caps)`,
      );
    }
    payload = { ...p, cap };
  }
  // The causal point: the latest message that is not an actor's state change (their order is not reproducible).
  const last = envelopes.filter((e) => e.type !== "actor.transitioned").at(-1) ?? null;
  const envelope: Envelope = {
    id: deterministicId(last?.id ?? null, request.type, randomUUID(), run),
    type: request.type,
    run,
    from: options.from ?? operatorAgentId(),
    causation: last?.id ?? null,
    correlation: typeof p.ideaId === "string" ? p.ideaId : run,
    at: (options.now ?? new Date()).toISOString(),
    v: 1,
    payload,
  };
  await publishEnvelope(bus.js, envelope);
  return envelope;
}
