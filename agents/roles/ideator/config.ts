import { z } from "zod";

export const ideatorConfigSchema = z
  .object({
    /** Reflection rounds per idea (the seed's 3); the rules policy needs none. */
    reflections: z.number().int().min(1).max(10).default(3),
  })
  .strict();
export type IdeatorConfig = z.infer<typeof ideatorConfigSchema>;
