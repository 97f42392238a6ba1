import { describe, expect, it } from "vitest";
import { z } from "zod";
import { builtinRoles } from "../../agents/roles/index.ts";
import { configFields, configLines } from "./role-config.ts";

describe("scientist roles prints each role's config schema", () => {
  it("keys with type, bounds, default, required and description", () => {
    const schema = z
      .object({
        seats: z.number().int().min(1).max(20).default(5),
        mode: z.enum(["fast", "slow"]).describe("how hard to try"),
        tags: z.array(z.string()).default([]),
      })
      .strict();
    const { fields, jsonSchema } = configFields(schema);
    expect(fields).toEqual([
      { key: "seats", type: "integer", required: false, default: 5, range: "1..20" },
      { key: "mode", type: '"fast" | "slow"', required: true, description: "how hard to try" },
      { key: "tags", type: "string[]", required: false, default: [] },
    ]);
    expect(jsonSchema).toMatchObject({ type: "object", additionalProperties: false });
    expect(configLines(fields)).toEqual([
      "seats: integer (1..20) = 5",
      'mode: "fast" | "slow" (required)  how hard to try',
      "tags: string[] = []",
    ]);
  });

  it("every built-in role's config renders, the empty one as such", () => {
    for (const role of builtinRoles) {
      const lines = configLines(configFields(role.configSchema).fields);
      expect(lines.length, role.name).toBeGreaterThan(0);
    }
    const coder = builtinRoles.find((r) => r.name === "coder")!;
    expect(configLines(configFields(coder.configSchema).fields)).toContain("maxRuns: integer (1..20) = 5");
    const experimenter = builtinRoles.find((r) => r.name === "experimenter")!;
    expect(configLines(configFields(experimenter.configSchema).fields)).toEqual(["(no settings)"]);
  });
});
