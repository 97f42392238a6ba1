import { assign, enqueueActions, fromPromise, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, publish, type PublishEvent } from "../shared/machine-kit.ts";
import type { FailedSeat, SeatReview } from "./decide.ts";
import { retryOnBusFault } from "../shared/bus-faults.ts";

type Drafted = Payload<"paper.drafted">;
type Submitted = Payload<"review.submitted">;
type Failed = Payload<"review.failed">;
type Decided = Payload<"paper.decided">;

/** A seat that could not review, with its persona for the reasons we write. */
type FailedSeatEntry = FailedSeat & { persona: string };

interface Ctx {
  seats: number;
  personas: string[];
  /** Seats that must answer for a decision. */
  quorum: number;
  paper: Drafted | null;
  reviews: SeatReview[];
  failed: FailedSeatEntry[];
  /** The policy's meta-review; null lets `decide` write the rules one. */
  metaReview?: string | null;
}

export interface PanelInput {
  paper: Drafted;
  reviews: SeatReview[];
  failed: FailedSeat[];
}

const failedSeats = (context: Ctx): FailedSeat[] => context.failed.map(({ seat, reason }) => ({ seat, reason }));
const answered = (context: Ctx) => context.reviews.length + context.failed.length;

/**
 * Fans a drafted paper out to K seats in parallel and waits until every seat has answered or failed. With at least
 * `quorum` reviews it decides on them with a meta-review; below the quorum the idea fails, naming the failed seats.
 */
export const areaChairMachine = setup({
  types: {} as {
    context: Ctx;
    events: MessageEvent;
    input: { seats: number; personas: string[]; quorum?: number };
    emitted: PublishEvent;
  },
  actors: {
    // The policy's meta-review (llm); by default none, and `decide` writes the rules meta-review.
    metaReview: fromPromise<string | null, PanelInput>(async () => null),
    decide: injected<Decided, PanelInput & { metaReview: string | null }>("decide"),
  },
  guards: {
    newSeat: ({ context, event }) => {
      const { seat, paperId } = payloadOf<{ seat: number; paperId: string }>(event);
      // Only the seats this area chair requested, for its paper, count: a forged extra seat (a 6th of 5) is ignored.
      if (!Number.isInteger(seat) || seat < 0 || seat >= context.seats || paperId !== context.paper?.paperId)
        return false;
      return !context.reviews.some((r) => r.seat === seat) && !context.failed.some((f) => f.seat === seat);
    },
    quorumReached: ({ context }) => answered(context) >= context.seats && context.reviews.length >= context.quorum,
    belowQuorum: ({ context }) => answered(context) >= context.seats,
  },
}).createMachine({
  id: "area-chair",
  initial: "idle",
  context: ({ input }) => ({
    seats: input.seats,
    personas: input.personas,
    quorum: input.quorum ?? Math.min(3, input.seats),
    paper: null,
    reviews: [],
    failed: [],
  }),
  states: {
    idle: {
      on: {
        "paper.drafted": {
          target: "collecting",
          actions: [
            assign({ paper: ({ event }) => payloadOf<Drafted>(event) }),
            enqueueActions(({ context, enqueue }) => {
              for (let seat = 0; seat < context.seats; seat++) {
                const persona = context.personas[seat % context.personas.length]!;
                enqueue.emit(
                  publish({
                    type: "review.requested",
                    seat,
                    payload: {
                      paperId: context.paper!.paperId,
                      ideaId: context.paper!.ideaId,
                      seat,
                      persona,
                      paper: context.paper,
                    },
                  }),
                );
              }
            }),
          ],
        },
      },
    },
    collecting: {
      always: [
        { guard: "quorumReached", target: "metaReviewing" },
        {
          guard: "belowQuorum",
          target: "decided",
          actions: emitMessage(({ context }) => ({
            type: "idea.failed",
            payload: {
              ideaId: context.paper.ideaId,
              stage: "area-chair",
              reason:
                `only ${context.reviews.length} of ${context.seats} seats reviewed, below the quorum of ${context.quorum}; failed seats: ` +
                (context.failed as FailedSeatEntry[])
                  .map((f) => `seat ${f.seat} (${f.persona}): ${f.reason}`)
                  .join("; "),
            },
          })),
        },
      ],
      on: {
        "review.submitted": {
          guard: "newSeat",
          target: "collecting",
          reenter: true,
          actions: assign({
            reviews: ({ context, event }) => {
              const p = payloadOf<Submitted>(event);
              return [...context.reviews, { seat: p.seat, persona: p.persona, review: p.review }].sort(
                (a, b) => a.seat - b.seat,
              );
            },
          }),
        },
        "review.failed": {
          guard: "newSeat",
          target: "collecting",
          reenter: true,
          actions: assign({
            failed: ({ context, event }) => {
              const p = payloadOf<Failed>(event);
              return [...context.failed, { seat: p.seat, persona: p.persona, reason: p.reason }].sort(
                (a, b) => a.seat - b.seat,
              );
            },
          }),
        },
      },
    },
    metaReviewing: {
      invoke: {
        src: "metaReview",
        input: ({ context }) => ({ paper: context.paper!, reviews: context.reviews, failed: failedSeats(context) }),
        onDone: { target: "deciding", actions: assign({ metaReview: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          {
            target: "decided",
            actions: emitMessage(({ context, event }) => ({
              type: "idea.failed",
              payload: {
                ideaId: context.paper.ideaId,
                stage: "area-chair",
                reason: `the meta-review failed: ${errorText(event.error)}`,
              },
            })),
          },
        ],
      },
    },
    deciding: {
      invoke: {
        src: "decide",
        input: ({ context }) => ({
          paper: context.paper!,
          reviews: context.reviews,
          failed: failedSeats(context),
          metaReview: context.metaReview ?? null,
        }),
        onDone: {
          target: "decided",
          actions: emitMessage(({ event }) => ({ type: "paper.decided", payload: event.output })),
        },
      },
    },
    decided: { type: "final" },
  },
});
