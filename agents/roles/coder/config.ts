import { z } from "zod";

export const coderConfigSchema = z
  .object({
    /** Runs after the baseline run_0 (the seed's limit is 5). */
    maxRuns: z.number().int().min(1).max(20).default(5),
    /** Attempts per run before it counts as failed (the seed's 4); also the plot attempts. */
    maxAttempts: z.number().int().min(1).max(10).default(4),
    /** How many runs the rules policy plans (a sweep around the idea's setting), at most maxRuns. */
    rulesRuns: z.number().int().min(1).max(20).default(2),
    /**
     * llm policy: rounds per call (a run, plot.py, notes.txt) in which edit blocks that did not apply are shown to the
     * model again.
     */
    editRounds: z.number().int().min(1).max(10).default(3),
  })
  .strict();
export type CoderConfig = z.infer<typeof coderConfigSchema>;
