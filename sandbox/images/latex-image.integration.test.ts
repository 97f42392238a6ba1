// The latex image compiles the original's template.tex files as they are (their own .sty/.bst beside them, the
// figures they name present as the seed's plot.py would leave them), with no package missing from the log, and has
// pdftotext (reviewers read the PDF's text) and chktex. Real Docker; skips loudly without it or the templates.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../config/index.ts";
import { createDockerSandbox } from "../docker-sandbox.ts";
import { limitsFromSettings } from "../limits.ts";
import { imageRecipes } from "./recipes.ts";

const seedRoot = join(repoRoot, "..", "shared", "seed-templates");
const templates = ["seir", "grokking", "earthquake-prediction"].filter((name) =>
  existsSync(join(seedRoot, name, "latex", "template.tex")),
);
if (templates.length < 3)
  console.warn(
    `\n!!! SEED TEMPLATES MISSING under ${seedRoot}: LaTeX checks run for ${templates.join(", ") || "none"} only !!!\n`,
  );

const hasDocker = await new Dockerode().ping().then(
  () => true,
  (error: Error) => {
    console.warn(`\n!!! NO DOCKER ENGINE: the latex image checks are SKIPPED (${error.message}) !!!\n`);
    return false;
  },
);

// A 1x1 PNG: the figures template.tex includes are plot.py outputs, absent from the template folder itself.
const pixel = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const limits = limitsFromSettings({
  memoryMb: 1024,
  cpus: 1,
  pids: 128,
  diskMb: 256,
  outputKb: 1024,
  artifactMb: 32,
  artifactCount: 50,
  nofile: 1024,
  fileSizeMb: 64,
});

/** Every package a template.tex loads, by name (\usepackage[opts]{a,b}). */
export function usedPackages(tex: string): string[] {
  const names = new Set<string>();
  for (const match of tex.replace(/(^|[^\\])%.*$/gm, "$1").matchAll(/\\usepackage(?:\[[^\]]*\])?\{([^}]*)\}/g)) {
    for (const name of match[1]!.split(",")) if (name.trim()) names.add(name.trim());
  }
  return [...names].sort();
}

describe.skipIf(!hasDocker || templates.length === 0)(
  "the latex image and the original's template.tex files (real Docker)",
  () => {
    const sandbox = createDockerSandbox({ docker: new Dockerode(), cacheDir: join(repoRoot, ".scientist/cache") });
    afterAll(() => sandbox.close());

    it("the recipe carries TeX Live science (algorithm, algpseudocode), poppler-utils and chktex", () => {
      const packages = imageRecipes.get("latex")!.packages;
      for (const p of [
        "texlive-science",
        "texlive-latex-extra",
        "texlive-fonts-recommended",
        "poppler-utils",
        "chktex",
        "latexmk",
      ])
        expect(packages).toContain(p);
    });

    for (const name of templates) {
      it(`${name}: latex/template.tex compiles as it is, no package missing, and pdftotext reads it`, async () => {
        const dir = join(seedRoot, name, "latex");
        const files: Record<string, Uint8Array | string> = {};
        for (const file of readdirSync(dir)) files[`latex/${file}`] = readFileSync(join(dir, file));
        const tex = readFileSync(join(dir, "template.tex"), "utf8");
        expect(usedPackages(tex)).toEqual(
          expect.arrayContaining([
            "algorithmicx",
            "algpseudocode",
            "cleveref",
            "colortbl",
            "titletoc",
            "subcaption",
            "microtype",
            "nicefrac",
            "times",
          ]),
        );
        // \graphicspath{{../}}: the seed compiles in latex/ with the figures one folder up.
        for (const figure of tex.matchAll(/\\includegraphics(?:\[[^\]]*\])?\{([^}]+)\}/g)) files[figure[1]!] = pixel;
        const script =
          "latexmk -cd -pdf -interaction=nonstopmode -halt-on-error latex/template.tex >/dev/null; status=$?; pdftotext latex/template.pdf latex/template.txt; chktex --version | head -1; exit $status";
        const result = await sandbox.run({
          image: "latex",
          files,
          command: ["sh", "-c", script],
          limits,
          timeoutMs: 240_000,
        });
        const log = new TextDecoder().decode(result.files["latex/template.log"] ?? new Uint8Array());
        expect(log, "no template.log came back").not.toBe("");
        expect(
          log.match(/^.*(File `[^']+' not found|LaTeX Error|Emergency stop).*$/gm) ?? [],
          "missing packages or errors in the log",
        ).toEqual([]);
        expect(result.status, `${result.reason ?? ""}\n${log.slice(-1500)}`).toBe("ok");
        expect(new TextDecoder().decode(result.files["latex/template.pdf"]!.subarray(0, 5))).toBe("%PDF-");
        expect(new TextDecoder().decode(result.files["latex/template.txt"]!)).toMatch(/TITLE HERE/);
        expect(result.stdout).toMatch(/ChkTeX/);
      });
    }
  },
);
