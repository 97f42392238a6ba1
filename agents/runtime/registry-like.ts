import type { RoleDefinition } from "./role.ts";

/** The part of the registry the host needs (lets tests pass a plain map-backed registry). */
export interface RegistryLike {
  get(name: string): RoleDefinition;
  names(): string[];
}
