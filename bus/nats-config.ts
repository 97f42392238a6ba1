import { buckets, consumerName } from "./subjects.ts";

/**
 * NATS permissions per identity, derived from role values: a role publishes only the types it emits and pulls only
 * from its own durable consumers. Wildcards in NATS match whole tokens only, so per-role names are enumerated.
 */

export interface RoleShape {
  name: string;
  consumes: readonly string[];
  emits: readonly string[];
}

export interface Permissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[] };
}

export interface TlsFiles {
  ca: string | null;
  cert: string | null;
  key: string | null;
}

/** Identities that are not roles: the run owner, the steering operator, a `scientist agent` host process. */
export const serviceIdentities = ["cli", "operator", "agent"] as const;

/** Types any role may send besides its emits: its actors' transitions and dead letters (the runtime writes them). */
export const runtimeTypes = ["actor.transitioned", "message.deadlettered"] as const;

/** Each identity gets its own reply prefix, so it cannot listen in on other identities' request replies. */
export const inboxPrefixFor = (identity: string): string => `_INBOX_${identity.replace(/[^a-zA-Z0-9_-]/g, "_")}`;

const kvBuckets = Object.values(buckets);
const typeSubject = (type: string) => `sci.*.${type}`;

/** Reading a KV bucket: direct gets (by subject) and stream message gets. */
const kvRead = (bucket: string) => [
  `$JS.API.DIRECT.GET.KV_${bucket}`,
  `$JS.API.DIRECT.GET.KV_${bucket}.>`,
  `$JS.API.STREAM.MSG.GET.KV_${bucket}`,
];

/** What connectBus does for anyone: account info, stream info, and creating the KV buckets if absent (idempotent). */
const connectBasics = [
  "$JS.API.INFO",
  "$JS.API.STREAM.INFO.*",
  ...kvBuckets.map((b) => `$JS.API.STREAM.CREATE.KV_${b}`),
];

export function rolePermissions(role: RoleShape): Permissions {
  const consumers = role.consumes.map((type) => ({ type, name: consumerName(role.name, type) }));
  return {
    publish: {
      allow: [
        ...[...role.emits, ...runtimeTypes].map(typeSubject),
        ...connectBasics,
        // Its own durable consumers only, each with its own filter (the 2.9 create API names both in the subject).
        ...consumers.flatMap(({ type, name }) => [
          `$JS.API.CONSUMER.CREATE.*.${name}.sci.*.${type}`,
          `$JS.API.CONSUMER.INFO.*.${name}`,
          `$JS.API.CONSUMER.MSG.NEXT.*.${name}`,
          `$JS.ACK.*.${name}.>`,
        ]),
        // Actor snapshots: keys are <run>.<role>.<actor>, so a role writes only its own actors.
        `$KV.${buckets.snapshots}.*.${role.name}.*`,
        ...kvRead(buckets.snapshots),
      ],
    },
    subscribe: { allow: [`${inboxPrefixFor(role.name)}.>`] },
  };
}

/**
 * A reader (the operator, an agent host process): reads runs, KV and object stores through ephemeral consumers, but
 * may not pull from or ack any role's durable consumer (that would steal its messages), nor delete or purge.
 */
function readerPermissions(identity: string, roles: readonly RoleShape[]): Permissions {
  const roleConsumers = roles.flatMap((r) => r.consumes.map((t) => consumerName(r.name, t)));
  return {
    publish: {
      allow: [
        ...connectBasics,
        "$JS.API.STREAM.NAMES",
        "$JS.API.STREAM.LIST",
        "$JS.API.CONSUMER.INFO.*.*",
        "$JS.API.CONSUMER.CREATE.*.*",
        "$JS.API.CONSUMER.CREATE.*.*.>",
        "$JS.API.CONSUMER.DELETE.*.*",
        "$JS.API.CONSUMER.MSG.NEXT.*.*",
        "$JS.API.DIRECT.GET.*",
        "$JS.API.DIRECT.GET.*.>",
        "$JS.API.STREAM.MSG.GET.*",
        "$JS.FC.>",
      ],
      deny: roleConsumers.flatMap((name) => [
        `$JS.API.CONSUMER.MSG.NEXT.*.${name}`,
        `$JS.API.CONSUMER.DELETE.*.${name}`,
        `$JS.API.CONSUMER.CREATE.*.${name}`,
        `$JS.API.CONSUMER.CREATE.*.${name}.>`,
      ]),
    },
    subscribe: { allow: [`${inboxPrefixFor(identity)}.>`] },
  };
}

export function permissionsFor(identity: string, roles: readonly RoleShape[]): Permissions | null {
  const role = roles.find((r) => r.name === identity);
  if (role) return rolePermissions(role);
  if (identity === "cli") return null; // the run owner: streams, consumers, run.started, reports (no restriction)
  const reader = readerPermissions(identity, roles);
  if (identity === "operator") {
    reader.publish.allow.push("sci.*.control.*");
    return reader;
  }
  // agent: a host process for remote roles runs their effects (artifacts, archive, journal, model ledger).
  reader.publish.allow.push(
    "sci.*.budget.exhausted",
    ...kvBuckets.filter((b) => b !== buckets.snapshots).map((b) => `$KV.${b}.>`),
    "$O.*.>",
    "$JS.API.STREAM.CREATE.*",
  );
  return reader;
}

const quote = (s: string) => JSON.stringify(s);
const list = (items: readonly string[]) => `[${items.map(quote).join(", ")}]`;

/** The nats-server config text: one user per identity with its permissions, and TLS when configured. */
export function renderServerConfig(
  users: ReadonlyArray<{ user: string; password: string; permissions: Permissions | null }> | null,
  tls: TlsFiles | null,
): string {
  // users null: no authorization block (auth off), e.g. a TLS-only local server.
  const lines = users
    ? [
        "# Written by `scientist creds`: one user per role and service identity. Keep it 0600.",
        "authorization {",
        "  users = [",
      ]
    : ["# Written by scientist: TLS only, no authorization (nats.auth.enabled is false)."];
  for (const u of users ?? []) {
    const perms = u.permissions
      ? `, permissions: { publish: { allow: ${list(u.permissions.publish.allow)}${u.permissions.publish.deny?.length ? `, deny: ${list(u.permissions.publish.deny)}` : ""} }, subscribe: { allow: ${list(u.permissions.subscribe.allow)} } }`
      : "";
    lines.push(`    { user: ${quote(u.user)}, password: ${quote(u.password)}${perms} }`);
  }
  if (users) lines.push("  ]", "}");
  if (tls?.cert && tls.key) {
    lines.push(
      "tls {",
      `  cert_file: ${quote(tls.cert)}`,
      `  key_file: ${quote(tls.key)}`,
      ...(tls.ca ? [`  ca_file: ${quote(tls.ca)}`] : []),
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}
