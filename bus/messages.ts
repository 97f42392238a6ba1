import { z } from "zod";
import { controlSchemas } from "./control-messages.ts";

/** The seed's idea form, unchanged (scores 1-10). */
export const ideaSchema = z.object({
  Name: z.string().min(1),
  Title: z.string().min(1),
  Experiment: z.string().min(1),
  Interestingness: z.number().int().min(1).max(10),
  Feasibility: z.number().int().min(1).max(10),
  Novelty: z.number().int().min(1).max(10),
});
export type Idea = z.infer<typeof ideaSchema>;

/** Parameter settings an idea applies to the template (rules policies explore these). */
export const paramsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));
export type Params = z.infer<typeof paramsSchema>;

export const evidenceSchema = z.object({
  source: z.string(),
  id: z.string(),
  title: z.string(),
  year: z.number().int().nullable(),
  venue: z.string().nullable(),
  score: z.number(),
  note: z.string().optional(),
  /** Authors where the source knows them: the writer's BibTeX keys and entries use them. */
  authors: z.array(z.string()).optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const finalInfoSchema = z.record(
  z.string(),
  z.object({ means: z.record(z.string(), z.number()) }).passthrough(),
);
export type FinalInfo = z.infer<typeof finalInfoSchema>;

export const sandboxStatusSchema = z.enum(["ok", "error", "timeout", "oom", "killed", "output-limit", "disk-limit"]);

export const usageSchema = z.object({
  wallMs: z.number(),
  cpuMs: z.number().nullable(),
  peakMemoryBytes: z.number().nullable(),
  bytesWritten: z.number().nullable(),
});

/** The NeurIPS review form the seed's reviewer fills. */
export const reviewSchema = z.object({
  Summary: z.string(),
  Strengths: z.array(z.string()),
  Weaknesses: z.array(z.string()),
  Originality: z.number().int().min(1).max(4),
  Quality: z.number().int().min(1).max(4),
  Clarity: z.number().int().min(1).max(4),
  Significance: z.number().int().min(1).max(4),
  Questions: z.array(z.string()),
  Limitations: z.array(z.string()),
  "Ethical Concerns": z.boolean(),
  Soundness: z.number().int().min(1).max(4),
  Presentation: z.number().int().min(1).max(4),
  Contribution: z.number().int().min(1).max(4),
  Overall: z.number().int().min(1).max(10),
  Confidence: z.number().int().min(1).max(5),
  Decision: z.enum(["Accept", "Reject"]),
});
export type Review = z.infer<typeof reviewSchema>;

const runResultSchema = z.object({
  runIndex: z.number().int().min(0),
  params: paramsSchema,
  status: sandboxStatusSchema,
  finalInfo: finalInfoSchema.nullable(),
  attempts: z.number().int().min(1),
  reason: z.string().nullable(),
  /** What the coder changed for this run, in words (settings for rules, the model's own description for llm). */
  description: z.string().default(""),
});
export type RunResult = z.infer<typeof runResultSchema>;

/** One claim of a paper the provenance checker could not trace to a run artifact, a setting or the bibliography. */
export const unsupportedClaimSchema = z.object({
  claim: z.string(),
  /** Where it stands: "abstract", "section Results", "paper.tex line 120". */
  location: z.string(),
  reason: z.string(),
});

/** The provenance check's summary as it travels with a paper (the whole report is provenance.json beside it). */
export const provenanceSummarySchema = z.object({
  checked: z.number().int().min(0),
  supported: z.number().int().min(0),
  unsupported: z.number().int().min(0),
  /** Artifact name of provenance.json. */
  artifact: z.string().nullable(),
  /** The unsupported claims (at most 50), for reviewers and the area chair. */
  claims: z.array(unsupportedClaimSchema).max(50),
});
export type ProvenanceSummary = z.infer<typeof provenanceSummarySchema>;

const paperDraftedSchema = z.object({
  ideaId: z.string(),
  paperId: z.string(),
  title: z.string(),
  abstract: z.string(),
  /** Artifact name of the paper and its path relative to the run folder. */
  artifact: z.string(),
  path: z.string(),
  /** Measured facts the paper rests on (what rules reviewers score). */
  evidence: z.object({
    primaryMetric: z.string(),
    higherIsBetter: z.boolean(),
    effects: z.array(
      z.object({
        dataset: z.string(),
        baseline: z.number(),
        best: z.number(),
        delta: z.number(),
        spread: z.number(),
        /** false: the run recorded no seed spread (no stds), so `spread` (0) is unknown, not zero; absent: not said. */
        spreadKnown: z.boolean().optional(),
        runIndex: z.number().int(),
      }),
    ),
    runsAttempted: z.number().int(),
    runsFailed: z.number().int(),
    noveltyHits: z.number().int(),
    checkedNumbers: z.number().int(),
  }),
  /** The compiled PDF (relative to the run folder), or null when it did not compile; the Markdown paper stands. */
  pdf: z.string().nullable().default(null),
  /** "ok", or why there is no PDF (the last compile error, or that the rules policy cannot edit LaTeX). */
  latexStatus: z.string().default("not compiled"),
  /**
   * Artifact of the paper as the reviewers read it: text extracted from the PDF in the sandbox, else the LaTeX source.
   */
  textArtifact: z.string().nullable().default(null),
  /** The provenance check of the paper's claims; null only for papers not written by this swarm (review-bench). */
  provenance: provenanceSummarySchema.nullable().default(null),
});

/**
 * What the experimenter runs: experiment code, plot.py, or a paper's LaTeX (compiled only in the sandbox's latex
 * image; the writer requests it, the coder ignores it).
 */
export const experimentKindSchema = z.enum(["experiment", "plot", "latex"]);

/** Payload schemas by message type: the single source for what may travel on the bus. */
export const payloadSchemas = {
  "run.started": z.object({
    template: z.string(),
    policy: z.enum(["rules", "llm"]),
    ideas: z.number().int().min(0),
    maxInFlightIdeas: z.number().int().min(1),
    /** The run's fixed settings (config run.settings, --set), so agents hosted elsewhere apply the same ones. */
    settings: paramsSchema.default({}),
    /** Each role's policy in this run, so a host joining it runs the run's policies, not its own config's. */
    rolePolicies: z.record(z.string(), z.enum(["rules", "llm"])).optional(),
    /** The template's files as one bundle in the run's object store; joining hosts check the digest and use it. */
    templateBundle: z
      .object({
        artifact: z.string().min(1),
        digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
        bytes: z.number().int().min(0),
        files: z.number().int().min(0),
      })
      .optional(),
  }),
  "idea.proposed": z.object({
    ideaId: z.string(),
    idea: ideaSchema,
    params: paramsSchema,
    parent: z.string().nullable(),
    generation: z.number().int().min(0),
  }),
  "idea.assessed": z.object({
    ideaId: z.string(),
    idea: ideaSchema,
    params: paramsSchema,
    novel: z.boolean(),
    reason: z.string(),
    rounds: z.number().int().min(0),
    evidence: z.array(evidenceSchema),
  }),
  "experiment.requested": z.object({
    ideaId: z.string(),
    kind: experimentKindSchema,
    runIndex: z.number().int().min(0),
    attempt: z.number().int().min(1),
    /** Text files written into the work dir (code), by relative path. */
    files: z.record(z.string(), z.string()),
    /** Artifact names (object store) copied into the work dir, mapped to their relative path there. */
    inputs: z.record(z.string(), z.string()),
    command: z.array(z.string()).min(1),
    timeoutMs: z.number().int().positive(),
    /** Set when the result may be shared across ideas (identical baseline code). */
    cacheKey: z.string().nullable(),
  }),
  "experiment.finished": z.object({
    ideaId: z.string(),
    kind: experimentKindSchema,
    runIndex: z.number().int().min(0),
    attempt: z.number().int().min(1),
    status: sandboxStatusSchema,
    exitCode: z.number().int().nullable(),
    reason: z.string().nullable(),
    stderrTail: z.string(),
    finalInfo: finalInfoSchema.nullable(),
    /** Artifact names written by the run, relative path -> artifact name. */
    artifacts: z.record(z.string(), z.string()),
    usage: usageSchema,
    image: z.string(),
    reused: z.boolean(),
  }),
  "study.completed": z.object({
    ideaId: z.string(),
    idea: ideaSchema,
    params: paramsSchema,
    baseline: finalInfoSchema,
    runs: z.array(runResultSchema),
    plots: z.record(z.string(), z.string()),
    notes: z.string(),
    evidence: z.array(evidenceSchema),
    /** "ok", or why the study has no plots (plot.py failed and was not repaired); absent means "ok". */
    plotStatus: z.string().optional(),
  }),
  "idea.failed": z.object({ ideaId: z.string(), stage: z.string(), reason: z.string() }),
  "paper.drafted": paperDraftedSchema,
  "review.requested": z.object({
    paperId: z.string(),
    ideaId: z.string(),
    seat: z.number().int().min(0),
    persona: z.string(),
    paper: paperDraftedSchema,
  }),
  "review.submitted": z.object({
    paperId: z.string(),
    ideaId: z.string(),
    seat: z.number().int().min(0),
    persona: z.string(),
    review: reviewSchema,
  }),
  /** A seat that could not review (model failure, budget): the area chair decides on the seats that answered. */
  "review.failed": z.object({
    paperId: z.string(),
    ideaId: z.string(),
    seat: z.number().int().min(0),
    persona: z.string(),
    reason: z.string(),
  }),
  "paper.decided": z.object({
    paperId: z.string(),
    ideaId: z.string(),
    path: z.string(),
    decision: z.enum(["Accept", "Reject"]),
    overall: z.number(),
    threshold: z.number(),
    scores: z.record(z.string(), z.number()),
    metaReview: z.string(),
    reviews: z.array(z.object({ seat: z.number().int(), persona: z.string(), review: reviewSchema })),
    /** Seats that failed, with why (the decision rests on the others, down to the quorum). */
    failedSeats: z.array(z.object({ seat: z.number().int(), reason: z.string() })).default([]),
    /** The paper's provenance summary as the area chair saw it. */
    provenance: provenanceSummarySchema.nullable().default(null),
    /** Why the paper was not accepted although its scores would accept it (unsupported claims), else null. */
    overruled: z.string().nullable().default(null),
  }),
  "run.completed": z.object({
    proposed: z.number().int(),
    decided: z.number().int(),
    dropped: z.number().int(),
    failed: z.number().int(),
    reason: z.string(),
  }),
  /** The run's hard model budget would be exceeded: no further model call is made (published once per run). */
  "budget.exhausted": z.object({
    role: z.string(),
    ideaId: z.string().nullable(),
    reason: z.string(),
    spent: z.object({ usd: z.number(), tokens: z.number().int(), calls: z.number().int() }),
    budget: z.object({ maxUsd: z.number().nullable(), maxTokens: z.number().nullable() }),
  }),
  /**
   * An actor's state value changed while it handled a message (XState inspection); a trace entry, consumed by no role.
   */
  "actor.transitioned": z.object({
    agent: z.string(),
    actorKey: z.string(),
    machine: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    event: z.string(),
  }),
  "message.deadlettered": z.object({
    subject: z.string(),
    stream: z.string(),
    streamSequence: z.number().int(),
    deliveries: z.number().int(),
    consumer: z.string(),
    reason: z.string(),
    raw: z.string(),
  }),
  /** The operator's interventions (bus/control-messages.ts). */
  ...controlSchemas,
} as const;

export type BuiltinType = keyof typeof payloadSchemas;
export type Payload<T extends BuiltinType> = z.infer<(typeof payloadSchemas)[T]>;

/** Plugged-in roles register payload schemas for their own message types here. */
const extraSchemas = new Map<string, z.ZodType>();

export function registerMessageType(type: string, schema: z.ZodType): void {
  if (type in payloadSchemas) throw new Error(`message type ${type} is built in and cannot be re-registered`);
  extraSchemas.set(type, schema);
}

export function payloadSchemaFor(type: string): z.ZodType | undefined {
  return (payloadSchemas as Record<string, z.ZodType>)[type] ?? extraSchemas.get(type);
}

export function knownMessageTypes(): string[] {
  return [...Object.keys(payloadSchemas), ...extraSchemas.keys()];
}
