import { z } from "zod";

export const reviewerConfigSchema = z
  .object({
    /** Reflection rounds per review (the seed's 5); the rules policy needs none. */
    reflections: z.number().int().min(1).max(10).default(5),
    /**
     * Few-shot papers with their reviews shown to an llm reviewer (the seed's num_fs_examples = 1; it ships 3). Unset:
     * 1 when the ICLR 2022 data is configured, else 0 with a warning (a clone without the data still reviews).
     */
    fewShot: z.number().int().min(0).max(3).optional(),
    /** The paper text is passed whole, as in the seed, up to this many characters (a 10-page paper is ~60,000). */
    maxPaperChars: z.number().int().min(1000).default(120_000),
  })
  .strict();
export type ReviewerConfig = z.infer<typeof reviewerConfigSchema>;
