import { z } from "zod";

export const noveltyConfigSchema = z
  .object({
    /** Search rounds per idea (the seed's 10); the rules policy uses as many queries as it can form, up to this. */
    maxRounds: z.number().int().min(1).max(20).default(10),
    /** Results kept per query (the seed's 10). */
    topK: z.number().int().min(1).max(100).default(10),
    /**
     * Rules verdict: a paper whose title shares at least this fraction of the idea's title words makes it not novel.
     */
    titleOverlap: z.number().min(0).max(1).default(0.8),
    /**
     * Path of a JSONL corpus; "auto" uses ../shared/data/literature.jsonl when present, else the shipped mini corpus.
     */
    corpus: z.string().default("auto"),
  })
  .strict();
export type NoveltyConfig = z.infer<typeof noveltyConfigSchema>;
