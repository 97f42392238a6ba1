import { z } from "zod";

/**
 * Steering a live run: the operator's interventions are ordinary messages (`control.*`), sent only by
 * `operator/<host>` (bus permissions and the sender check enforce it), so they are in the trace, survive crashes and
 * replay with the run.
 */

/** Roles a pause may target; absent means the whole run. */
const roleName = z.string().regex(/^[a-z][a-z0-9-]*$/, "role must be a role name");

/** Budget keys that may change live, each within the config's steering caps. */
export const budgetKeySchema = z.enum(["ideas", "usd", "maxInFlightIdeas"]);
export type BudgetKey = z.infer<typeof budgetKeySchema>;

export const controlSchemas = {
  /** Roles stop starting new work (messages are held, leases kept); in-flight work completes. */
  "control.paused": z.object({ role: roleName.nullable().default(null), reason: z.string().default("") }).strict(),
  "control.resumed": z.object({ role: roleName.nullable().default(null) }).strict(),
  /** The idea is dropped by the operator: its further messages are not handled, the archive records why. */
  "control.idea-stopped": z
    .object({ ideaId: z.string().min(1), reason: z.string().default("stopped by the operator") })
    .strict(),
  /** A note the llm ideator, coder and writer see in their next prompt for that idea; rules honour what they can. */
  "control.noted": z.object({ ideaId: z.string().min(1), text: z.string().min(1).max(4000) }).strict(),
  /** A constraint on new ideas: text for the llm ideator and novelty checker, a knob filter for rules. */
  "control.constrained": z.object({ text: z.string().min(1).max(4000) }).strict(),
  "control.budget-changed": z
    .object({
      key: budgetKeySchema,
      value: z.number().nonnegative(),
      /** The cap the sender checked against (config steering.caps), recorded for the report. */
      cap: z.number().nullable().default(null),
    })
    .strict()
    .refine((b) => b.key === "usd" || Number.isInteger(b.value), {
      message: "ideas and maxInFlightIdeas take whole numbers",
    })
    .refine((b) => b.key !== "maxInFlightIdeas" || b.value >= 1, { message: "maxInFlightIdeas must be at least 1" }),
  /** An archived idea to extend next (the ideator's next proposal is its child). */
  "control.promoted": z.object({ ideaId: z.string().min(1) }).strict(),
} as const;

export type ControlType = keyof typeof controlSchemas;
export const controlTypes = Object.keys(controlSchemas) as ControlType[];
export const isControlType = (type: string): type is ControlType => type in controlSchemas;
