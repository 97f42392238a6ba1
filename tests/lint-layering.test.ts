// The layering lint rules (scripts/eslint-layering.mjs) on code they must refuse and code they must let through.
// No NATS, no Docker; it sits under tests/ because the rules live in scripts/, outside the unit folders.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, expect, it } from "vitest";
import layering from "../scripts/eslint-layering.mjs";

const root = resolve(import.meta.dirname, "..");
const linter = new Linter({ configType: "flat", cwd: root });
const config = [
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { layering },
    rules: { "layering/no-reach-in": "error", "layering/no-cycle": "error" },
  },
] as Linter.Config[];
const lint = (code: string, file: string, by = linter) =>
  by.verify(code, config, { filename: file }).map((m) => m.message);

describe("layering/no-reach-in", () => {
  const inCoder = join(root, "agents/roles/coder/new-file.ts");
  it("refuses another role's internals and another folder's internals", () => {
    expect(lint('import { personas } from "../reviewer/personas.ts";', inCoder)).toEqual([
      "agents/roles/reviewer/personas.ts is inside role folder agents/roles/reviewer: import it through agents/roles/reviewer/index.ts",
    ]);
    expect(lint('import { RuntimeError } from "../../runtime/errors.ts";', inCoder)).toEqual([
      "agents/runtime/errors.ts is inside agents/runtime: import it through agents/runtime/index.ts",
    ]);
    expect(lint('export { BusError } from "../../../bus/errors.ts";', inCoder)).toHaveLength(1);
  });

  it("lets through index.ts, the role's own files, shared/ and package imports", () => {
    const code = [
      'import { personas } from "../reviewer/index.ts";',
      'import { RuntimeError } from "../../runtime/index.ts";',
      'import { coderMachine } from "./machine.ts";',
      'import { injected } from "../shared/machine-kit.ts";',
      'import { z } from "zod";',
    ].join("\n");
    expect(lint(code, inCoder)).toEqual([]);
  });
});

describe("layering/no-cycle", () => {
  const dir = mkdtempSync(join(tmpdir(), "layering-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A linter rooted at the temporary folder: flat config matches files under its cwd only.
  const here = new Linter({ configType: "flat", cwd: dir });
  writeFileSync(join(dir, "b.ts"), 'import { c } from "./c.ts";\nexport const b = c;\n');
  writeFileSync(join(dir, "c.ts"), 'import { a } from "./a.ts";\nexport const c = a;\n');
  writeFileSync(join(dir, "d.ts"), 'import type { A } from "./a.ts";\nexport type D = A;\n');

  it("names the cycle a value import closes", () => {
    const messages = lint('import { b } from "./b.ts";\nexport const a = b;\n', join(dir, "a.ts"), here);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^import cycle: .*a\.ts -> .*b\.ts -> .*c\.ts -> .*a\.ts$/);
  });

  it("type-only imports may loop: they vanish at run time", () => {
    expect(lint('import type { D } from "./d.ts";\nexport type A = D;\n', join(dir, "a.ts"), here)).toEqual([]);
  });
});
