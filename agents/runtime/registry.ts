import { pathToFileURL } from "node:url";
import { registerMessageType, payloadSchemaFor } from "../../bus/index.ts";
import { RuntimeError } from "./errors.ts";
import type { RoleDefinition } from "./role.ts";

/** Roles registered by name; a duplicate or unknown name is a boot error that lists the known ones. */
export class RoleRegistry {
  private readonly roles = new Map<string, RoleDefinition>();

  register(role: RoleDefinition): this {
    checkRoleShape(role, "role");
    if (this.roles.has(role.name)) {
      throw new RuntimeError(
        "RUNTIME_DUPLICATE_ROLE",
        `role ${role.name} is registered twice (known roles: ${this.names().join(", ")})`,
      );
    }
    for (const [type, schema] of Object.entries(role.messageTypes ?? {})) {
      if (!payloadSchemaFor(type)) registerMessageType(type, schema);
    }
    this.roles.set(role.name, role);
    return this;
  }

  get(name: string): RoleDefinition {
    const role = this.roles.get(name);
    if (!role)
      throw new RuntimeError("RUNTIME_UNKNOWN_ROLE", `unknown role ${name} (known roles: ${this.names().join(", ")})`);
    return role;
  }

  has(name: string): boolean {
    return this.roles.has(name);
  }

  names(): string[] {
    return [...this.roles.keys()];
  }

  all(): RoleDefinition[] {
    return [...this.roles.values()];
  }
}

function checkRoleShape(role: Partial<RoleDefinition> | undefined, where: string): asserts role is RoleDefinition {
  const missing = ["name", "consumes", "emits", "configSchema", "machine", "policies"].filter(
    (key) => (role as Record<string, unknown> | undefined)?.[key as string] === undefined,
  );
  if (!role || missing.length > 0) {
    throw new RuntimeError(
      "RUNTIME_BAD_PLUGIN",
      `${where} is not a role value: missing ${missing.join(", ") || "everything"}`,
    );
  }
  if (!/^[a-z][a-z0-9-]*$/.test(String(role.name))) {
    throw new RuntimeError(
      "RUNTIME_BAD_PLUGIN",
      `${where}: role name ${JSON.stringify(role.name)} must be lower-case letters, digits and '-'`,
    );
  }
}

/** Loads a role from an ES module path (its default export or an export named `role`). */
export async function loadRoleModule(path: string): Promise<RoleDefinition> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new RuntimeError("RUNTIME_BAD_PLUGIN", `cannot load role module ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const role = (mod.default ?? mod.role) as RoleDefinition | undefined;
  checkRoleShape(role, `module ${path}`);
  return role;
}
