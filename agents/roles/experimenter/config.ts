import { z } from "zod";

export const experimenterConfigSchema = z.object({}).strict();
export type ExperimenterConfig = z.infer<typeof experimenterConfigSchema>;
