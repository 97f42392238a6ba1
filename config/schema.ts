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
    memoryMb: positiveInt.default(2048),
    cpus: z.number().positive().max(64).default(1),
    pids: positiveInt.default(256),
    diskMb: positiveInt.default(512),
    outputKb: positiveInt.default(1024),
    artifactMb: positiveInt.default(64),
    artifactCount: positiveInt.default(200),
    nofile: positiveInt.default(1024),
    fileSizeMb: positiveInt.default(256),
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
        /** The run gives up (and still writes its report) after this long. */
        deadlineMinutes: z.number().positive().default(60),
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
      })
      .strict()
      .prefault({}),
    roles: z.record(z.string(), roleEntrySchema).default({}),
    plugins: z.array(pluginEntrySchema).default([]),
    sandbox: sandboxSchema.prefault({}),
    logging: z
      .object({ level: z.enum(["trace", "debug", "info", "warn", "error", "silent"]).default("info") })
      .strict()
      .prefault({}),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
