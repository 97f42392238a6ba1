import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BusError } from "./errors.ts";
import {
  inboxPrefixFor,
  permissionsFor,
  renderServerConfig,
  serviceIdentities,
  type RoleShape,
  type TlsFiles,
} from "./nats-config.ts";

/** User/password of one identity, as a client presents it. */
export interface BusAuth {
  user: string;
  pass: string;
}

export const serverConfigFile = "nats-server.conf";
const tlsOnlyConfigFile = "nats-server-tls-only.conf";
const credsFile = (dir: string, identity: string) => join(dir, `${identity}.json`);

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps the mode of a file that already exists
}

/** The credentials of one identity from `<credsDir>/<identity>.json`; a missing file names the config key. */
export function readCreds(credsDir: string, identity: string): BusAuth {
  const path = credsFile(credsDir, identity);
  let parsed: { user?: unknown; password?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as typeof parsed;
  } catch (error) {
    throw new BusError(
      "BUS_CREDS_MISSING",
      `no NATS credentials for ${identity}: cannot read ${path} (config key nats.auth.credsDir; write them with 'scientist creds'): ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (typeof parsed.user !== "string" || typeof parsed.password !== "string") {
    throw new BusError(
      "BUS_CREDS_MISSING",
      `${path} is not a credentials file (needs "user" and "password"; config key nats.auth.credsDir)`,
    );
  }
  return { user: parsed.user, pass: parsed.password };
}

/**
 * Writes one credentials file per identity (every role, plus cli, operator and agent) and the server config that
 * admits exactly them with their permissions. Existing passwords are kept, so copies on other hosts stay valid and
 * a plugged-in role only adds its own identity.
 */
export function writeCreds(
  credsDir: string,
  roles: readonly RoleShape[],
  tls: TlsFiles | null = null,
): { configPath: string; identities: string[]; created: string[] } {
  for (const role of roles) {
    if ((serviceIdentities as readonly string[]).includes(role.name)) {
      throw new BusError(
        "BUS_CREDS_CONFLICT",
        `role ${role.name} has the name of a service identity (${serviceIdentities.join(", ")}); rename the role`,
      );
    }
  }
  mkdirSync(credsDir, { recursive: true, mode: 0o700 });
  const identities = [...serviceIdentities, ...roles.map((r) => r.name)];
  const created: string[] = [];
  const users = identities.map((identity) => {
    const path = credsFile(credsDir, identity);
    let password: string;
    if (existsSync(path)) {
      password = readCreds(credsDir, identity).pass;
    } else {
      password = randomBytes(24).toString("base64url");
      writePrivate(path, `${JSON.stringify({ user: identity, password }, null, 2)}\n`);
      created.push(identity);
    }
    return { user: identity, password, permissions: permissionsFor(identity, roles) };
  });
  const configPath = join(credsDir, serverConfigFile);
  writePrivate(configPath, renderServerConfig(users, tls));
  return { configPath, identities, created };
}

/** With auth off, TLS still applies: a server config holding only the `tls` block (nats.tls.* are never ignored). */
function writeTlsOnlyConfig(dir: string, tls: TlsFiles): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, tlsOnlyConfigFile);
  writePrivate(path, renderServerConfig(null, tls));
  return path;
}

/** `nats://user:pass@host:4222` → the URL without its user info, and that user info as auth. */
export function splitUrlAuth(url: string): { url: string; auth: BusAuth | null } {
  const match = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(url);
  if (!match) return { url, auth: null };
  const [, scheme, info, rest] = match as unknown as [string, string, string, string];
  const colon = info.indexOf(":");
  const user = decodeURIComponent(colon < 0 ? info : info.slice(0, colon));
  const pass = colon < 0 ? "" : decodeURIComponent(info.slice(colon + 1));
  return { url: `${scheme}${rest}`, auth: { user, pass } };
}

/** A URL safe to print: any password in it replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]*):[^@/]*@/g, "$1:***@");
}

/** The bus part of the swarm config that decides how a connection authenticates. */
export interface BusAccessConfig {
  auth: { enabled: boolean; credsDir: string };
  tls: TlsFiles | null;
  /** JetStream replicas of what a connection creates (config nats.replicas); carried here so every caller gets it. */
  replicas?: number;
  /** Largest envelope published or handled (config nats.maxPayloadBytes). */
  maxPayloadBytes?: number;
}

/**
 * Connect options for one identity: its creds file and reply prefix when auth is on, TLS when configured, and the
 * configured replica count for the KV buckets and object stores the connection creates.
 */
export function busAccessFor(
  nats: BusAccessConfig,
  identity: string,
): { auth: BusAuth | null; tls: TlsFiles | null; inboxPrefix?: string; replicas: number; maxPayloadBytes?: number } {
  const replicas = nats.replicas ?? 1;
  const limit = nats.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: nats.maxPayloadBytes };
  if (!nats.auth.enabled) return { auth: null, tls: nats.tls, replicas, ...limit };
  return {
    auth: readCreds(nats.auth.credsDir, identity),
    tls: nats.tls,
    inboxPrefix: inboxPrefixFor(identity),
    replicas,
    ...limit,
  };
}

/**
 * The server config for a local nats-server with auth: written from the roles when they are known (adding missing
 * identities), else the one already in credsDir (a reader starting the server), else one for the service
 * identities only. With auth off: a TLS-only config when nats.tls names a cert, else null.
 */
export function localServerConfig(nats: BusAccessConfig, roles: readonly RoleShape[] | null): string | null {
  if (!nats.auth.enabled)
    return nats.tls?.cert && nats.tls.key ? writeTlsOnlyConfig(nats.auth.credsDir, nats.tls) : null;
  const existing = join(nats.auth.credsDir, serverConfigFile);
  if (roles === null && existsSync(existing)) return existing;
  return writeCreds(nats.auth.credsDir, roles ?? [], nats.tls).configPath;
}
