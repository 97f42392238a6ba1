import { headers } from "@nats-io/transport-node";
import type { JetStreamClient } from "@nats-io/jetstream";
import { createHash } from "node:crypto";
import { envelopeSchema, type Envelope } from "./envelope.ts";
import { BusError } from "./errors.ts";
import { payloadSchemaFor } from "./messages.ts";
import { subjectFor } from "./subjects.ts";

/** Validates an envelope and its payload against the registered schema; throws a coded error naming the problem. */
export function validateEnvelope(value: unknown): Envelope {
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    throw new BusError("BUS_INVALID_ENVELOPE", `invalid envelope: ${formatIssues(parsed.error.issues)}`);
  }
  const schema = payloadSchemaFor(parsed.data.type);
  if (!schema) throw new BusError("BUS_UNKNOWN_TYPE", `unknown message type ${parsed.data.type}`);
  const payload = schema.safeParse(parsed.data.payload);
  if (!payload.success) {
    throw new BusError(
      "BUS_INVALID_PAYLOAD",
      `invalid ${parsed.data.type} payload: ${formatIssues(payload.error.issues)}`,
    );
  }
  return { ...parsed.data, payload: payload.data };
}

export function formatIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** W3C traceparent: one trace per run, one span per message (ids derived so every host agrees). */
export function traceparentOf(envelope: Envelope): string {
  const trace = createHash("sha256").update(envelope.run).digest("hex").slice(0, 32);
  const span = createHash("sha256").update(envelope.id).digest("hex").slice(0, 16);
  return `00-${trace}-${span}-01`;
}

/**
 * Largest envelope (JSON bytes) the swarm publishes or handles, by default: under the server's 1 MB max_payload
 * with room for headers, and far above any real message (artifacts travel in the object store, not in messages).
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

/** Why an envelope is too big to publish (its JSON size against the limit), else null. */
export function sizeProblem(envelope: Envelope, maxBytes: number = DEFAULT_MAX_PAYLOAD_BYTES): string | null {
  const bytes = Buffer.byteLength(JSON.stringify(envelope));
  return bytes > maxBytes
    ? `${envelope.type} envelope is ${bytes} bytes, over the ${maxBytes}-byte limit (nats.maxPayloadBytes)`
    : null;
}

/**
 * Publishes a validated envelope with its id as `Nats-Msg-Id`, so JetStream drops a republished duplicate.
 * Returns whether the stream stored it as new. An envelope over `maxPayloadBytes` is refused (BUS_PAYLOAD_TOO_LARGE,
 * not retryable: the same message will be as big next time).
 */
export async function publishEnvelope(
  js: JetStreamClient,
  envelope: Envelope,
  options: { maxPayloadBytes?: number } = {},
): Promise<{ duplicate: boolean; seq: number }> {
  const valid = validateEnvelope(envelope);
  const tooBig = sizeProblem(valid, options.maxPayloadBytes);
  if (tooBig !== null) throw new BusError("BUS_PAYLOAD_TOO_LARGE", tooBig, { retryable: false });
  const h = headers();
  h.set("traceparent", traceparentOf(valid));
  h.set("sci-type", valid.type);
  try {
    const ack = await js.publish(subjectFor(valid.run, valid.type), JSON.stringify(valid), {
      msgID: valid.id,
      headers: h,
    });
    return { duplicate: ack.duplicate, seq: ack.seq };
  } catch (error) {
    throw new BusError("BUS_PUBLISH_FAILED", `publish ${valid.type} failed: ${(error as Error).message}`, {
      cause: error,
      retryable: true,
    });
  }
}
