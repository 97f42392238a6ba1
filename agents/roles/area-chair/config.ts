import { z } from "zod";

export const areaChairConfigSchema = z
  .object({
    /** Review seats per paper (the seed's ensemble of 5). */
    seats: z.number().int().min(1).max(20).default(5),
    /** Accept iff the rounded mean Overall is at least this (the seed's 6). */
    threshold: z.number().min(1).max(10).default(6),
    /** Seats that must answer for a decision; fewer and the idea fails. Default 3, or every seat of a smaller panel. */
    quorum: z.number().int().min(1).max(20).optional(),
    /** The meta-review reads the paper's text up to this many characters (as the reviewers do). */
    maxPaperChars: z.number().int().min(1000).default(120_000),
  })
  .strict()
  .refine((c) => c.quorum === undefined || c.quorum <= c.seats, {
    message: "quorum must not exceed seats",
    path: ["quorum"],
  })
  .transform((c) => ({ ...c, quorum: c.quorum ?? Math.min(3, c.seats) }));
export type AreaChairConfig = z.infer<typeof areaChairConfigSchema>;
