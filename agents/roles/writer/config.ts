import { z } from "zod";

export const writerConfigSchema = z
  .object({
    /** Related-work entries taken from the novelty evidence. */
    relatedWork: z.number().int().min(0).max(50).default(6),
    /** Citation rounds for the llm policy (the seed's 20). */
    citationRounds: z.number().int().min(0).max(50).default(20),
    /** Rounds in which the llm policy fixes paper.tex after a failed compile (the seed's 5); rules cannot edit. */
    latexFixes: z.number().int().min(0).max(20).default(5),
    /**
     * Rounds in which the llm policy fixes the claims the provenance check could not trace; rules papers print only
     * traceable ones.
     */
    claimFixes: z.number().int().min(0).max(10).default(3),
  })
  .strict();
export type WriterConfig = z.infer<typeof writerConfigSchema>;
