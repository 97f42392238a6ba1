import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";

/** A run id names one swarm run; it becomes a subject token, so it is restricted to safe characters. */
export const runIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "run id must be lower-case letters, digits and '-', at most 63 chars");

/** Message types are `noun.verb` in the past tense (lower case, one dot). */
export const messageTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, "message type must look like noun.verb");

/** An agent id is `role/instance`. */
export const agentIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\/[a-zA-Z0-9_.-]+$/, "agent id must look like role/instance");

export const envelopeSchema = z
  .object({
    id: z.string().min(1),
    type: messageTypeSchema,
    run: runIdSchema,
    from: agentIdSchema,
    causation: z.string().nullable(),
    correlation: z.string().min(1),
    at: z.string().datetime(),
    v: z.literal(1),
    payload: z.unknown(),
  })
  .strict();

export type Envelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, "payload"> & { payload: P };

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 12);
  return `r${stamp}-${randomUUID().slice(0, 6)}`;
}

/**
 * Deterministic message id: the same cause producing the same type for the same seat always gets the same id,
 * so a redelivered message that is handled again publishes byte-identical ids and JetStream drops the duplicate.
 */
export function deterministicId(causation: string | null, type: string, seat: string | number = 0, run = ""): string {
  return createHash("sha256")
    .update(`${run}|${causation ?? "root"}|${type}|${seat}`)
    .digest("hex")
    .slice(0, 32);
}
