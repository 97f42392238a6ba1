import { z } from "zod";

export const reviewerConfigSchema = z
  .object({
    /** Reflection rounds per review (the seed's 5); the rules policy needs none. */
    reflections: z.number().int().min(1).max(10).default(5),
    /** Few-shot examples shown to an llm reviewer (the seed's 1). */
    fewShot: z.number().int().min(0).max(5).default(1),
  })
  .strict();
export type ReviewerConfig = z.infer<typeof reviewerConfigSchema>;
