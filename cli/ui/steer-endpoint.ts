import type { IncomingMessage } from "node:http";
import type { BusConnection } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { controlFor, sendControl, SteeringError } from "../../agents/runtime/index.ts";

export interface SteerOptions {
  /** A connection with the operator identity (it may publish control.* only). */
  bus: BusConnection;
  config: Pick<SwarmConfig, "steering" | "llm">;
  /** operator/<who>: the page's sender id. */
  from?: string;
}

const MAX_BODY = 16 * 1024;
const RUN_ID = /^[a-z0-9-]{1,64}$/;

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SteeringError("STEER_BAD_ARGS", `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const statusOf: Record<string, number> = {
  STEER_UNKNOWN_RUN: 404,
  STEER_UNKNOWN_IDEA: 404,
  STEER_RUN_ENDED: 409,
  STEER_OVER_CAP: 422,
};

/**
 * POST /api/steer {run, verb, args?, role?, reason?}: the page's buttons, published as the operator. Only JSON is
 * accepted: a cross-site form cannot send that content type without a preflight this server never answers.
 */
export async function steerRequest(
  steer: SteerOptions | undefined,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  if (!steer) return { status: 403, body: { error: "this page is read-only (scientist ui --read-only)" } };
  if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
    return { status: 415, body: { error: "POST /api/steer takes application/json" } };
  }
  try {
    let input: { run?: unknown; verb?: unknown; args?: unknown; role?: unknown; reason?: unknown };
    try {
      input = JSON.parse(await readBody(req)) as typeof input;
    } catch (error) {
      if (error instanceof SteeringError) throw error;
      throw new SteeringError("STEER_BAD_ARGS", `body is not JSON: ${(error as Error).message}`);
    }
    if (typeof input.run !== "string" || !RUN_ID.test(input.run)) {
      throw new SteeringError("STEER_BAD_ARGS", "run must be a run id");
    }
    const args = Array.isArray(input.args) ? input.args.map(String) : [];
    const options = {
      ...(typeof input.role === "string" && input.role && { role: input.role }),
      ...(typeof input.reason === "string" && input.reason && { reason: input.reason }),
    };
    const request = controlFor(String(input.verb ?? ""), args, options);
    const from = steer.from ? { from: steer.from } : {};
    const sent = await sendControl({ bus: steer.bus, run: input.run, request, config: steer.config, ...from });
    return { status: 200, body: { sent: { id: sent.id, type: sent.type, payload: sent.payload } } };
  } catch (error) {
    if (error instanceof SteeringError) {
      return { status: statusOf[error.code] ?? 400, body: { error: error.message, code: error.code } };
    }
    throw error;
  }
}
