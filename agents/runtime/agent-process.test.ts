import { describe, expect, it } from "vitest";
import { withRunPolicies } from "./agent-process.ts";

describe("a joining host runs the run's policies", () => {
  const hosted = [
    { name: "writer", policy: "llm" as const, replicas: 1 },
    { name: "experimenter", policy: "llm" as const, replicas: 2 },
  ];

  it("takes each role's policy from run.started, whatever its own config says", () => {
    const roles = withRunPolicies(hosted, { policy: "rules", rolePolicies: { writer: "llm", experimenter: "rules" } });
    expect(roles.map((r) => [r.name, r.policy, r.replicas])).toEqual([
      ["writer", "llm", 1],
      ["experimenter", "rules", 2],
    ]);
  });

  it("falls back to the run's policy for a role run.started does not name", () => {
    expect(withRunPolicies(hosted, { policy: "rules" }).map((r) => r.policy)).toEqual(["rules", "rules"]);
    expect(withRunPolicies(hosted, { policy: "rules", rolePolicies: { writer: "llm" } }).map((r) => r.policy)).toEqual([
      "llm",
      "rules",
    ]);
  });
});
