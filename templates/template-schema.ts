/**
 * template.yaml: our one addition to the seed's template format. Every key is optional, so a template
 * written in the seed's format (no template.yaml at all) loads with these defaults, which are the seed's
 * own numbers (7,200 s per run, 600 s for plot.py).
 */
import { z } from "zod";

const paramValueSchema = z.union([z.number(), z.string(), z.boolean()]);

export const SANDBOX_DEFAULTS = {
  image: "python-ml",
  timeoutSeconds: 7200,
  plotTimeoutSeconds: 600,
  memoryMb: 2048,
  cpus: 1,
} as const;

export const sandboxSchema = z
  .object({
    image: z.string().min(1).default(SANDBOX_DEFAULTS.image),
    timeoutSeconds: z.number().positive().default(SANDBOX_DEFAULTS.timeoutSeconds),
    plotTimeoutSeconds: z.number().positive().default(SANDBOX_DEFAULTS.plotTimeoutSeconds),
    memoryMb: z.number().int().positive().default(SANDBOX_DEFAULTS.memoryMb),
    cpus: z.number().positive().default(SANDBOX_DEFAULTS.cpus),
  })
  .strict();

export const metricsSchema = z
  .object({
    /** The final_info.json metric ideas are judged by; null = unknown (a seed-format template). */
    primary: z.string().min(1).nullable().default(null),
    higherIsBetter: z.boolean().default(true),
  })
  .strict();

export const templateYamlSchema = z
  .object({
    /** Defaults to the folder name (filled in by loadTemplate). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, "letters, digits, '-' and '_' only")
      .optional(),
    description: z.string().default(""),
    sandbox: sandboxSchema.default(() => sandboxSchema.parse({})),
    metrics: metricsSchema.default(() => metricsSchema.parse({})),
    /** Knob -> values the rules ideator may try; each knob must exist in experiment.py's PARAMS. */
    space: z.record(z.string().min(1), z.array(paramValueSchema).min(1)).default({}),
  })
  .strict();

export type TemplateYamlInput = z.input<typeof templateYamlSchema>;
export type TemplateYaml = Omit<z.output<typeof templateYamlSchema>, "name"> & { name: string };
export type TemplateSandbox = z.output<typeof sandboxSchema>;
export type TemplateMetrics = z.output<typeof metricsSchema>;
