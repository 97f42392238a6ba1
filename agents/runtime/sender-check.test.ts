import { describe, expect, it } from "vitest";
import { builtinRoles } from "../roles/index.ts";
import { RoleRegistry } from "./registry.ts";
import { senderProblem } from "./sender-check.ts";

const registry = new RoleRegistry();
for (const role of builtinRoles) registry.register(role);
const check = (type: string, from: string) => senderProblem({ type, from }, registry);

describe("senderProblem", () => {
  it("accepts a role sending what it emits and the runtime's own types", () => {
    expect(check("paper.decided", "area-chair/host-1-0")).toBeNull();
    expect(check("review.submitted", "reviewer/host-1-3")).toBeNull();
    expect(check("actor.transitioned", "coder/x-0")).toBeNull();
    expect(check("message.deadlettered", "writer/x-0")).toBeNull();
    expect(check("budget.exhausted", "writer/budget-host")).toBeNull();
    expect(check("run.started", "cli/host")).toBeNull();
    expect(check("control.paused", "operator/me@host")).toBeNull();
  });

  it("names the problem when a sender claims a type it does not emit", () => {
    expect(check("paper.decided", "reviewer/x-0")).toMatch(/role reviewer does not emit paper.decided/);
    expect(check("run.completed", "reviewer/x-0")).toMatch(/does not emit run.completed/);
    expect(check("run.completed", "cli/host")).toMatch(/cli\/\.\.\. may send run.started/);
    expect(check("review.submitted", "mallory/x")).toMatch(/mallory is not a role/);
    expect(check("control.paused", "reviewer/x-0")).toMatch(/only come from operator/);
    expect(check("paper.decided", "operator/me")).toMatch(/control\.\* only/);
    expect(check("paper.decided", "")).toMatch(/\(empty\) is not a role/);
  });
});
