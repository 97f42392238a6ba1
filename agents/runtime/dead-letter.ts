import type { JsMsg } from "@nats-io/jetstream";
import { deterministicId, publishEnvelope, runIdSchema, type BusConnection, type Envelope } from "../../bus/index.ts";

/**
 * Moves a message that cannot be handled to `message.deadlettered` with the reason, then terminates its delivery:
 * nothing is lost (the original stays in the stream, the dead letter names it) and nothing loops forever.
 */
export async function deadLetter(
  bus: BusConnection,
  run: string,
  agentId: string,
  consumer: string,
  msg: JsMsg,
  reason: string,
  original: Envelope | null,
): Promise<void> {
  const raw = new TextDecoder().decode(msg.data);
  const envelope: Envelope = {
    id: deterministicId(original?.id ?? `seq-${msg.seq}`, "message.deadlettered", consumer, run),
    type: "message.deadlettered",
    run: runIdSchema.parse(run),
    from: agentId,
    causation: original?.id ?? null,
    correlation: original?.correlation ?? `seq-${msg.seq}`,
    at: new Date().toISOString(),
    v: 1,
    payload: {
      subject: msg.subject,
      stream: msg.info.stream,
      streamSequence: msg.seq,
      deliveries: msg.info.deliveryCount,
      consumer,
      reason: reason.slice(0, 4000),
      raw: raw.slice(0, 8000),
    },
  };
  await publishEnvelope(bus.js, envelope);
  msg.term(reason.slice(0, 200));
}
