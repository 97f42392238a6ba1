import { z } from "zod";

export const writerConfigSchema = z
  .object({
    /** Related-work entries taken from the novelty evidence. */
    relatedWork: z.number().int().min(0).max(50).default(6),
    /** Citation rounds for the llm policy (the seed's 20). */
    citationRounds: z.number().int().min(0).max(50).default(20),
  })
  .strict();
export type WriterConfig = z.infer<typeof writerConfigSchema>;
