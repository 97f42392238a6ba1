import { z } from "zod";

export const areaChairConfigSchema = z
  .object({
    /** Review seats per paper (the seed's ensemble of 5). */
    seats: z.number().int().min(1).max(20).default(5),
    /** Accept iff the rounded mean Overall is at least this (the seed's 6). */
    threshold: z.number().min(1).max(10).default(6),
  })
  .strict();
export type AreaChairConfig = z.infer<typeof areaChairConfigSchema>;
