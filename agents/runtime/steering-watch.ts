import { DeliverPolicy } from "@nats-io/jetstream";
import type { Logger } from "pino";
import { envelopeSchema, streamName, type BusConnection, type Envelope } from "../../bus/index.ts";
import { SteeringState } from "./steering-state.ts";

/**
 * Feeds a host's SteeringState from the run's `control.*` messages, from the start of the stream (a restarted host
 * sees every earlier intervention) and then live. An ordered ephemeral consumer with one filter subject (2.9-safe);
 * readers (cli, agent) may create it, roles could not, so the host's own connection runs it.
 */
export async function watchSteering(options: {
  bus: BusConnection;
  run: string;
  state?: SteeringState;
  logger: Logger;
  signal: AbortSignal;
}): Promise<{ state: SteeringState; done: Promise<void> }> {
  const { bus, run, logger, signal } = options;
  const state = options.state ?? new SteeringState();
  const consumer = await bus.js.consumers.get(streamName(run), {
    deliver_policy: DeliverPolicy.All,
    filter_subjects: `sci.${run}.control.*`,
  });
  const messages = await consumer.consume();
  const stop = () => void messages.close();
  signal.addEventListener("abort", stop, { once: true });
  const done = (async () => {
    try {
      for await (const m of messages) {
        let envelope: Envelope;
        try {
          envelope = envelopeSchema.parse(JSON.parse(new TextDecoder().decode(m.data))) as Envelope;
        } catch (error) {
          const reason = (error as Error).message;
          logger.warn({ subject: m.subject, reason }, "malformed control message ignored by steering");
          continue;
        }
        if (!envelope.from.startsWith("operator/")) {
          const { from, type } = envelope;
          logger.warn({ from, type }, "control message not from operator/... ignored by steering");
          continue;
        }
        state.apply(envelope);
        logger.info({ type: envelope.type, payload: envelope.payload }, "steering applied");
      }
    } catch (error) {
      if (!signal.aborted) logger.error({ err: error }, "steering watch stopped");
    } finally {
      signal.removeEventListener("abort", stop);
    }
  })();
  return { state, done };
}
