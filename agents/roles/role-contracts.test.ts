import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { loadConfig } from "../../config/index.ts";
import {
  silentLogger,
  uncoveredActors,
  type RoleContext,
  type RoleDefinition,
  type Services,
} from "../runtime/index.ts";
import { tinyTemplate } from "../../tests/support/machine-harness.ts";
import { builtinRoles, injected } from "./index.ts";

// Factories only capture what they get; nothing here is called, so services can be bare.
const services = {
  sandbox: null,
  artifacts: {},
  archive: {},
  journal: {},
  template: tinyTemplate,
  literature: null,
  now: () => new Date(),
} as unknown as Services;

function contextFor(role: RoleDefinition): RoleContext {
  return {
    run: "r-contract",
    agentId: `${role.name}/t-0`,
    role: role.name,
    config: role.configSchema.parse({}),
    swarm: loadConfig({ env: {} }),
    services,
    logger: silentLogger,
  };
}

describe("role contracts checked at boot", () => {
  for (const role of builtinRoles) {
    for (const [policy, factory] of Object.entries(role.policies)) {
      it(`${role.name} with its ${policy} policy provides every actor its machine invokes`, () => {
        const context = contextFor(role);
        expect(uncoveredActors(role.machine, { ...(role.effects?.(context) ?? {}), ...factory(context) })).toEqual([]);
      });
    }
  }

  for (const role of builtinRoles) {
    it(`${role.name}: one policy shape, rules-policy.ts and llm-policy.ts providing the same actors`, () => {
      for (const file of ["rules-policy.ts", "llm-policy.ts"]) {
        expect(existsSync(join(import.meta.dirname, role.name, file)), `${role.name}/${file}`).toBe(true);
      }
      const context = contextFor(role);
      const rules = Object.keys(role.policies.rules?.(context) ?? {}).sort();
      const llm = Object.keys(role.policies.llm?.(context) ?? {}).sort();
      expect(llm).toEqual(rules);
    });
  }

  it("names an injected actor that neither effects nor policy provide", () => {
    const machine = setup({
      actors: { search: injected<string, string>("search"), judge: injected<string, string>("judge") },
    }).createMachine({ id: "m" });
    const role = { name: "x", machine, configSchema: z.object({}) };
    expect(uncoveredActors(role.machine, { search: {} })).toEqual(["judge"]);
  });
});
