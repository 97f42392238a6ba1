import { describe, expect, it } from "vitest";
import { isAbsolute } from "node:path";
import { loadConfig } from "../../config/index.ts";
import { corpusPath, roleNeeds, servicesNeeded } from "../runtime/index.ts";
import { builtinRoles, createBuiltinRegistry } from "./index.ts";

const registry = createBuiltinRegistry();
const hosted = (policy: string, ...names: string[]) => names.map((name) => ({ name, policy }));

describe("a host builds the services its roles declare they need", () => {
  it("every built-in role declares its needs from the known set", () => {
    for (const role of builtinRoles) {
      expect(role.needs, role.name).toBeDefined();
      for (const need of role.needs ?? []) expect(roleNeeds, `${role.name} needs ${need}`).toContain(need);
    }
  });

  it("a sandbox only for a role that runs code, literature only for roles that search", () => {
    expect(servicesNeeded(hosted("rules", "experimenter"), registry)).toMatchObject({
      needSandbox: true,
      needLiterature: false,
    });
    expect(servicesNeeded(hosted("rules", "reviewer", "area-chair"), registry)).toMatchObject({
      needSandbox: false,
      needLiterature: false,
    });
    expect(servicesNeeded(hosted("rules", "novelty"), registry)).toMatchObject({
      needSandbox: false,
      needLiterature: true,
    });
  });

  it("a model only where a role that calls one runs its llm policy", () => {
    expect(servicesNeeded(hosted("rules", "coder", "writer"), registry).needLlm).toBe(false);
    expect(servicesNeeded(hosted("llm", "experimenter"), registry).needLlm).toBe(false);
    expect(servicesNeeded([...hosted("rules", "ideator"), ...hosted("llm", "coder")], registry).needLlm).toBe(true);
  });

  it("role knowledge lives in the roles: the coder's greedy temperature, the novelty corpus path", () => {
    expect(servicesNeeded(hosted("llm", "coder"), registry).roles[0]?.temperature).toBe(0);
    const config = loadConfig({ env: {}, raw: { roles: { novelty: { config: { corpus: "my/corpus.jsonl" } } } } });
    const path = corpusPath(config, builtinRoles);
    expect(isAbsolute(path) && path.endsWith("my/corpus.jsonl")).toBe(true);
    // Without a role naming one, the default corpus (shared if present, else the shipped mini one).
    expect(corpusPath(config, [])).not.toContain("my/corpus.jsonl");
  });
});
