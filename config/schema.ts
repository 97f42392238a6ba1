import { z } from "zod";

/** One schema for the whole swarm config: strict (unknown keys fail naming the key), defaults in one place. */

const positiveInt = z.number().int().positive();

export const roleEntrySchema = z
  .object({
    enabled: z.boolean().default(true),
    replicas: z.number().int().min(0).max(64).default(1),
    policy: z.enum(["rules", "llm"]).optional(),
    /** Role-specific settings, validated by the role's own configSchema at boot. */
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const pluginEntrySchema = z
  .object({
    /** Path of an ES module (relative to the config file) whose default export (or `role`) is a role value. */
    module: z.string().min(1),
    replicas: z.number().int().min(0).max(64).default(1),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const sandboxSchema = z
  .object({
    backend: z.enum(["docker", "bwrap", "auto"]).default("docker"),
    /** Default image when the template names none (a recipe name or a docker image). */
    image: z.string().default("python-ml"),
    cacheDir: z.string().default(".scientist/cache"),
    mirror: z.string().default("http://deb.debian.org/debian"),
    timeoutSeconds: positiveInt.default(7200),
    plotTimeoutSeconds: positiveInt.default(600),
    /** Image that compiles papers' LaTeX (never compiled on the host) and its wall clock per compile. */
    latexImage: z.string().default("latex"),
    latexTimeoutSeconds: positiveInt.default(300),
    memoryMb: positiveInt.default(2048),
    cpus: z.number().positive().max(64).default(1),
    pids: positiveInt.default(256),
    diskMb: positiveInt.default(512),
    outputKb: positiveInt.default(1024),
    artifactMb: positiveInt.default(64),
    artifactCount: positiveInt.default(200),
    nofile: positiveInt.default(1024),
    fileSizeMb: positiveInt.default(256),
    /** Docker containers created ahead of need so runs start fast; each is used by exactly one run. 0 = off. */
    warmPool: z.number().int().min(0).max(32).default(2),
    /** GPU pass-through for the docker backend: none, all, or a count (needs the NVIDIA container toolkit). */
    gpus: z.union([z.enum(["none", "all"]), positiveInt]).default("none"),
  })
  .strict();

const priceSchema = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0).default(0),
    cacheWrite: z.number().min(0).default(0),
  })
  .strict();

/** The model layer for llm policies. Keys are not here: they come from the environment, read in load-config.ts. */
export const llmSchema = z
  .object({
    provider: z.enum(["openai", "openai-compatible", "anthropic"]).default("openai"),
    /** Model for every role unless `models` names another. */
    model: z.string().min(1).default("gpt-4o-2024-08-06"),
    /** Per-role model, e.g. { reviewer: gpt-4o-mini }. */
    models: z.record(z.string(), z.string().min(1)).default({}),
    /** Per-role sampling temperature; roles not named use the seed's 0.75 (coder 0). */
    temperatures: z.record(z.string(), z.number().min(0).max(2)).default({}),
    /** null: the vendor's API (OPENAI_BASE_URL overrides for openai and openai-compatible). */
    baseURL: z.string().nullable().default(null),
    timeoutSeconds: positiveInt.default(120),
    /** Retries of one call on 429/5xx/timeouts (bounded: the seed can hang for hours on rate limits). */
    maxRetries: z.number().int().min(0).max(10).default(3),
    /** Follow-ups that show the model its validation error before the step fails. */
    maxRepairs: z.number().int().min(0).max(5).default(2),
    /** Output tokens a call may use (also the budget's estimate of a pending call's output). */
    maxTokens: positiveInt.default(4096),
    /** USD per million tokens, by model id. */
    prices: z.record(z.string(), priceSchema).default({}),
    /** Hard limits for the run; null means no limit on that axis. */
    budget: z
      .object({
        maxUsd: z.number().positive().nullable().default(null),
        maxTokens: positiveInt.nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const literatureSourceSchema = z.union([
  z.enum(["offline", "semantic-scholar", "openalex", "arxiv"]),
  z
    .object({
      kind: z.enum(["offline", "semantic-scholar", "openalex", "arxiv"]),
      name: z.string().min(1).optional(),
      /** Test servers and proxies; default: the service's public API. */
      baseUrl: z.string().url().optional(),
      /** offline only: a JSONL corpus (default: the novelty role's corpus). */
      path: z.string().optional(),
      timeoutSeconds: z.number().positive().optional(),
    })
    .strict(),
]);

export const literatureSchema = z
  .object({
    /** Sources tried in order (a fallback chain); keys come from S2_API_KEY / OPENALEX_API_KEY. */
    sources: z.array(literatureSourceSchema).min(1).default(["offline"]),
    /** Keep search results in the sci_literature KV bucket (online APIs are slow and rate-limited). */
    cache: z.boolean().default(true),
    /** Contact address OpenAlex asks polite clients to send. */
    mailto: z.string().nullable().default(null),
  })
  .strict();

export const configSchema = z
  .object({
    run: z
      .object({
        /** A template name under templates/ or a path to a template folder. */
        template: z.string().default("mlp-dynamics"),
        /** How many ideas the ideator may propose in this run. */
        ideas: z.number().int().min(0).max(10_000).default(3),
        maxInFlightIdeas: z.number().int().min(1).max(1000).default(2),
        policy: z.enum(["rules", "llm"]).default("rules"),
        out: z.string().default("runs"),
        /**
         * The run gives up (and still writes its report) after this long. A safety net, not a budget: the seed lets
         * one experiment run take 7,200 s, and a seed-sized study (5 ideas x 4 runs) can then take 40 h with one
         * experiment at a time, so the default is 48 h (2,880 min); a run ends as soon as every idea is decided.
         */
        deadlineMinutes: z.number().positive().default(2880),
        /**
         * A role with work waiting and no live instance (no presence beat) for this long is reported as dead
         * (RUNTIME_ROLE_DEAD, once per outage, in the log and report.json warnings): the run would otherwise wait
         * silently until its deadline for a process nobody restarts.
         */
        deadRoleSeconds: z.number().positive().default(60),
        /**
         * Fixed settings for every run, baseline included (knob -> value; knobs from the template's space or
         * inferred-space.yaml).
         */
        settings: z.record(z.string().min(1), z.union([z.number(), z.string(), z.boolean()])).default({}),
      })
      .strict()
      .prefault({}),
    nats: z
      .object({
        /** A server URL; null starts a local nats-server with JetStream. */
        url: z.string().nullable().default(null),
        storeDir: z.string().default(".scientist/nats"),
        maxDeliver: z.number().int().min(1).max(100).default(5),
        ackWaitSeconds: positiveInt.default(30),
        /**
         * JetStream replicas of the run stream, KV buckets and object stores this swarm creates: 1 on one server,
         * 3 on a 3-node cluster (survives one node's loss), 5 at most (the NATS limit).
         */
        replicas: z.number().int().min(1).max(5).default(1),
        /**
         * Largest message (envelope JSON bytes) the swarm publishes or handles: bigger is refused at publish
         * (BUS_PAYLOAD_TOO_LARGE) and dead-lettered on receipt. Below the server's 1 MB max_payload; artifacts
         * travel in the object store, so real messages are a few KB.
         */
        maxPayloadBytes: z
          .number()
          .int()
          .min(4096)
          .max(1_000_000)
          .default(512 * 1024),
        /**
         * NATS users with per-role permissions. enabled null = on for the local server this process starts, off for
         * a nats.url (set true when that server uses `scientist creds` files). Passwords live in credsDir, never here.
         */
        auth: z
          .object({
            enabled: z.boolean().nullable().default(null),
            credsDir: z.string().min(1).default(".scientist/creds"),
          })
          .strict()
          .prefault({}),
        /** TLS for the client connections and the local server: PEM file paths. */
        tls: z
          .object({
            ca: z.string().min(1).optional(),
            cert: z.string().min(1).optional(),
            key: z.string().min(1).optional(),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
    roles: z.record(z.string(), roleEntrySchema).default({}),
    plugins: z.array(pluginEntrySchema).default([]),
    sandbox: sandboxSchema.prefault({}),
    llm: llmSchema.prefault({}),
    literature: literatureSchema.prefault({}),
    /** Live budget changes (`scientist steer <run> budget KEY VALUE`) may not exceed these caps. */
    steering: z
      .object({
        caps: z
          .object({
            ideas: z.number().int().min(0).max(10_000).default(50),
            maxInFlightIdeas: z.number().int().min(1).max(1000).default(8),
            /** null: the cap is llm.budget.maxUsd (a run without a USD budget cannot be given one live). */
            usd: z.number().positive().nullable().default(null),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(["trace", "debug", "info", "warn", "error", "silent"]).default("info") })
      .strict()
      .prefault({}),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
