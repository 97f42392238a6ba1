import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./errors.ts";
import { configSchema, type ParsedConfig } from "./schema.ts";

/** The project root (this file lives in <root>/config/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const defaultConfigPath = resolve(repoRoot, "config", "default.yaml");

export interface SwarmConfig {
  configPath: string | null;
  /** Relative paths in the config resolve against this folder (the config file's). */
  baseDir: string;
  repoRoot: string;
  run: {
    template: string;
    ideas: number;
    maxInFlightIdeas: number;
    policy: "rules" | "llm";
    outDir: string;
    deadlineMs: number;
    deadRoleMs: number;
    settings: Record<string, string | number | boolean>;
  };
  nats: {
    url: string | null;
    storeDir: string;
    maxDeliver: number;
    ackWaitMs: number;
    /** JetStream replicas of what the swarm creates (run stream, KV buckets, object stores). */
    replicas: number;
    /** Whether connections authenticate with the per-identity files in credsDir (see bus/auth.ts). */
    auth: { enabled: boolean; credsDir: string };
    tls: { ca: string | null; cert: string | null; key: string | null } | null;
  };
  roles: Record<
    string,
    { enabled: boolean; replicas: number; policy: "rules" | "llm" | undefined; config: Record<string, unknown> }
  >;
  plugins: { module: string; replicas: number; config: Record<string, unknown> }[];
  sandbox: ParsedConfig["sandbox"] & {
    timeoutMs: number;
    plotTimeoutMs: number;
    latexTimeoutMs: number;
    cacheDir: string;
  };
  logging: ParsedConfig["logging"];
  /** Caps for live budget changes (`scientist steer`). */
  steering: ParsedConfig["steering"];
  /** The model layer; `apiKey` comes from the environment (never from a file) and is redacted from logs. */
  llm: ParsedConfig["llm"] & { apiKey: string | null; timeoutMs: number; replay: string | null };
  /** Literature sources in fallback order, with keys resolved from the environment. */
  literature: {
    sources: Array<{
      kind: "offline" | "semantic-scholar" | "openalex" | "arxiv";
      name?: string;
      baseUrl?: string;
      path?: string;
      timeoutMs?: number;
      apiKey: string | null;
    }>;
    cache: boolean;
    mailto: string | null;
  };
  /** Paths of data the swarm may use, found at boot. */
  data: { literature: string | null; iclr2022: string | null };
}

export interface ConfigOverrides {
  ideas?: number;
  out?: string;
  template?: string;
  policy?: "rules" | "llm";
  natsUrl?: string;
  /** --model: the model for every role (per-role `llm.models` entries are overridden too). */
  model?: string;
  /** --replay: answer every model and literature call from this run's recording. */
  replay?: string;
  /**
   * --set KNOB=VALUE (repeatable): fixed settings on top of run.settings; values are read as each knob's type at boot.
   */
  settings?: Record<string, string>;
}

/** Formats a zod issue as "config key a.b.c: message", naming unknown keys too. */
function describeIssue(issue: z.core.$ZodIssue): { key: string; text: string } {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    return { key: keys[0] ?? path, text: `unknown config key ${keys.join(", ")}` };
  }
  return { key: path || "(root)", text: `config key ${path || "(root)"}: ${issue.message}` };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The key each provider kind reads: the SDKs' own variable names, read here and nowhere else. */
export const llmKeyVariable = {
  openai: "OPENAI_API_KEY",
  "openai-compatible": "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
} as const;

function resolveLlm(llm: ParsedConfig["llm"], o: ConfigOverrides, env: NodeJS.ProcessEnv): SwarmConfig["llm"] {
  const apiKey = env[llmKeyVariable[llm.provider]] || null;
  // OPENAI_BASE_URL is the openai SDK's own variable: honouring it sends every call to that endpoint.
  const baseURL = llm.provider !== "anthropic" && env.OPENAI_BASE_URL ? env.OPENAI_BASE_URL : llm.baseURL;
  return {
    ...llm,
    model: o.model ?? llm.model,
    models: o.model ? {} : llm.models,
    baseURL,
    apiKey,
    timeoutMs: llm.timeoutSeconds * 1000,
    replay: o.replay ?? null,
  };
}

/**
 * Auth and TLS of the bus. A nats.url with user info authenticates with it instead of creds files; a file named
 * here that does not exist fails at boot naming its key.
 */
function natsAccess(
  n: ParsedConfig["nats"],
  url: string | null,
  fromBase: (p: string) => string,
): Pick<SwarmConfig["nats"], "auth" | "tls"> {
  const credsDir = resolve(n.auth.credsDir);
  const urlHasUser = url !== null && /^[a-z]+:\/\/[^@/]+@/i.test(url);
  const enabled = urlHasUser ? false : (n.auth.enabled ?? url === null);
  if (enabled && url !== null && !existsSync(credsDir)) {
    throw new ConfigError(
      "CONFIG_INVALID",
      `config key nats.auth.credsDir: ${credsDir} does not exist (copy the files 'scientist creds' wrote, or set nats.auth.enabled: false)`,
      {
        key: "nats.auth.credsDir",
      },
    );
  }
  let tls: SwarmConfig["nats"]["tls"] = null;
  if (n.tls) {
    const file = (key: "ca" | "cert" | "key") => {
      const value = n.tls?.[key];
      if (value === undefined) return null;
      const path = fromBase(value);
      if (!existsSync(path))
        throw new ConfigError("CONFIG_INVALID", `config key nats.tls.${key}: file ${path} does not exist`, {
          key: `nats.tls.${key}`,
        });
      return path;
    };
    tls = { ca: file("ca"), cert: file("cert"), key: file("key") };
    if ((tls.cert === null) !== (tls.key === null)) {
      throw new ConfigError(
        "CONFIG_INVALID",
        `config key nats.tls: cert and key go together (got only ${tls.cert ? "cert" : "key"})`,
        { key: tls.cert ? "nats.tls.key" : "nats.tls.cert" },
      );
    }
  }
  return { auth: { enabled, credsDir }, tls };
}

/**
 * Reads, validates and freezes the swarm config. The only reader of process.env in the project: `env` is
 * passed explicitly so tests can give their own.
 */
export function loadConfig(
  options: { path?: string | null; overrides?: ConfigOverrides; env?: NodeJS.ProcessEnv; raw?: unknown } = {},
): SwarmConfig {
  const env = options.env ?? process.env;
  const configPath = options.raw !== undefined ? null : resolve(options.path ?? defaultConfigPath);
  let raw: unknown = options.raw ?? {};
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, "utf8");
    } catch (error) {
      throw new ConfigError("CONFIG_UNREADABLE", `cannot read config file ${configPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(
        "CONFIG_UNREADABLE",
        `config file ${configPath} is not valid YAML: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(describeIssue);
    throw new ConfigError(
      "CONFIG_INVALID",
      `invalid config${configPath ? ` (${configPath})` : ""}: ${issues.map((i) => i.text).join("; ")}`,
      {
        key: issues[0]?.key ?? null,
      },
    );
  }
  const c = parsed.data;
  const o = options.overrides ?? {};
  const baseDir = configPath ? dirname(configPath) : process.cwd();
  const fromBase = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const fromCwd = (p: string) => resolve(p);
  if (o.ideas !== undefined && (!Number.isInteger(o.ideas) || o.ideas < 0)) {
    throw new ConfigError("CONFIG_INVALID", `--ideas must be a whole number >= 0, got ${o.ideas}`, {
      key: "run.ideas",
    });
  }
  const templateName = o.template ?? c.run.template;
  const builtinTemplate = resolve(repoRoot, "templates", templateName);
  const template =
    /[/\\]/.test(templateName) || !existsSync(builtinTemplate)
      ? o.template
        ? fromCwd(templateName)
        : fromBase(templateName)
      : builtinTemplate;
  const sharedLiterature = resolve(repoRoot, "..", "shared", "data", "literature.jsonl");
  const sharedIclr = resolve(repoRoot, "..", "shared", "data", "iclr2022");
  const config: SwarmConfig = {
    configPath,
    baseDir,
    repoRoot,
    run: {
      template,
      ideas: o.ideas ?? c.run.ideas,
      maxInFlightIdeas: c.run.maxInFlightIdeas,
      policy: o.policy ?? c.run.policy,
      // The output folder follows the user's working directory, like any CLI output path.
      outDir: o.out ? fromCwd(o.out) : fromCwd(c.run.out),
      deadlineMs: c.run.deadlineMinutes * 60_000,
      deadRoleMs: c.run.deadRoleSeconds * 1000,
      settings: { ...c.run.settings, ...o.settings },
    },
    nats: {
      url: o.natsUrl ?? env.SCIENTIST_NATS_URL ?? c.nats.url,
      storeDir: fromCwd(c.nats.storeDir),
      maxDeliver: c.nats.maxDeliver,
      ackWaitMs: c.nats.ackWaitSeconds * 1000,
      replicas: c.nats.replicas,
      ...natsAccess(c.nats, o.natsUrl ?? env.SCIENTIST_NATS_URL ?? c.nats.url, fromBase),
    },
    roles: Object.fromEntries(Object.entries(c.roles).map(([name, r]) => [name, { ...r, policy: r.policy }])),
    plugins: c.plugins.map((p) => ({ ...p, module: fromBase(p.module) })),
    sandbox: {
      ...c.sandbox,
      cacheDir: fromCwd(c.sandbox.cacheDir),
      timeoutMs: c.sandbox.timeoutSeconds * 1000,
      plotTimeoutMs: c.sandbox.plotTimeoutSeconds * 1000,
      latexTimeoutMs: c.sandbox.latexTimeoutSeconds * 1000,
    },
    logging: c.logging,
    steering: c.steering,
    llm: resolveLlm(c.llm, o, env),
    literature: {
      cache: c.literature.cache,
      mailto: c.literature.mailto,
      sources: c.literature.sources.map((source) => {
        const spec = typeof source === "string" ? { kind: source } : source;
        const apiKey =
          spec.kind === "semantic-scholar"
            ? (env.S2_API_KEY ?? env.SEMANTIC_SCHOLAR_API_KEY ?? null)
            : spec.kind === "openalex"
              ? (env.OPENALEX_API_KEY ?? null)
              : null;
        return {
          kind: spec.kind,
          ...("name" in spec && spec.name ? { name: spec.name } : {}),
          ...("baseUrl" in spec && spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
          ...("path" in spec && spec.path ? { path: fromBase(spec.path) } : {}),
          ...("timeoutSeconds" in spec && spec.timeoutSeconds ? { timeoutMs: spec.timeoutSeconds * 1000 } : {}),
          apiKey,
        };
      }),
    },
    data: {
      literature: env.SCIENTIST_LITERATURE ?? (existsSync(sharedLiterature) ? sharedLiterature : null),
      // The original's reviewer benchmark and few-shot reviews (review-bench, reviewer.fewShot); null when absent.
      iclr2022: env.SCIENTIST_ICLR2022 ?? (existsSync(sharedIclr) ? sharedIclr : null),
    },
  };
  return deepFreeze(config);
}
