// The original's LaTeX template (seir: iclr2024_conference.sty/.bst, natbib, fancyhdr, its own bib entries in a
// filecontents block), filled by the writer from a real study and compiled by the real experimenter effect in the
// sandbox's latex image: a PDF, its text (pdftotext) and chktex's warnings come back.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { repoRoot } from "../../../config/index.ts";
import { scriptedProvider } from "../../llm/index.ts";
import { createSandbox, type Sandbox } from "../../../sandbox/index.ts";
import { dockerAvailable, latexImageReady } from "../../../tests/support/docker.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { runExperimentActor } from "../experimenter/index.ts";
import { createActor, toPromise } from "xstate";
import { checkClaimsActor } from "./claim-effects.ts";
import { mlpTemplate, seirStudy } from "./fixtures/studies.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { writerMachine } from "./machine.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writeRulesPaper } from "./rules-paper.ts";

const SEED = "/work/shared/seed-templates/seir";
const hasSeed = existsSync(join(SEED, "latex/template.tex"));
if (!hasSeed) console.warn(`\n!!! ${SEED} is absent: the seed LaTeX template compile test is SKIPPED !!!\n`);
const ready = hasSeed && (await dockerAvailable()) && (await latexImageReady());

// A 1x1 PNG: pdflatex needs a real image for \includegraphics.
const PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  ),
);

/** Artifacts kept as bytes (the compile's PDF and the plot are binary). */
function byteArtifacts(initial: Record<string, string | Uint8Array>) {
  const files = new Map<string, Uint8Array>(
    Object.entries(initial).map(([k, v]) => [k, typeof v === "string" ? new TextEncoder().encode(v) : v]),
  );
  return {
    files,
    put: async (name: string, data: string | Uint8Array) => (
      files.set(name, typeof data === "string" ? new TextEncoder().encode(data) : data),
      name
    ),
    get: async (name: string) => {
      const bytes = files.get(name);
      if (!bytes) throw new Error(`artifact ${name} missing`);
      return bytes;
    },
    getText: async (name: string) =>
      new TextDecoder().decode(
        await (async () => files.get(name) ?? Promise.reject(new Error(`artifact ${name} missing`)))(),
      ),
    getTextOr: async (name: string, fallback: string) => {
      const bytes = files.get(name);
      return bytes ? new TextDecoder().decode(bytes) : fallback;
    },
    list: async () => [...files.keys()],
  };
}

describe.skipIf(!ready)("the original's template.tex, filled and compiled in the sandbox's latex image", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({ backend: "docker", cacheDir: join(repoRoot, ".scientist/cache") });
  });
  afterAll(async () => sandbox?.close());

  it("compiles to a PDF with paper.txt extracted and chktex.log kept; the rules paper's claims all trace", async () => {
    const { template: base, study: rawStudy, artifacts: infos } = seirStudy(await mlpTemplate());
    const latexFiles = Object.fromEntries(
      readdirSync(join(SEED, "latex")).map((f) => [`latex/${f}`, readFileSync(join(SEED, "latex", f), "utf8")]),
    );
    const template = { ...base, files: { ...latexFiles, "template.yaml": "" } };
    const study = { ...rawStudy, plots: { "seir_plot.png": `${rawStudy.ideaId}/seir_plot.png` } };
    const artifacts = byteArtifacts({ ...infos, [`${study.ideaId}/seir_plot.png`]: PNG });
    const writerContext = llmContext(
      "writer",
      { relatedWork: 6, citationRounds: 0, latexFixes: 0, claimFixes: 0 },
      scriptedProvider([]),
      { artifacts: artifacts as never },
    );
    writerContext.services.template = template;
    const machine = writerMachine.provide({
      actors: {
        writePaper: fromPromise(async ({ input }) => writeRulesPaper(template, input as never, 6)),
        checkClaims: checkClaimsActor(writerContext),
        fixClaims: fromPromise(async () => null),
        fixLatex: fromPromise(async () => null),
        publishPaper: publishPaperActor(writerContext),
        renderLatex: renderLatexActor(writerContext),
        storeFixedLatex: storeFixedLatexActor(writerContext),
      } as never,
    });
    const h = new MachineHarness(machine, { latexFixes: 0, claimFixes: 0, latexTimeoutMs: 120_000 });
    const [request] = await h.send("study.completed", study, study.ideaId);
    const payload = request!.payload as { files: Record<string, string> };
    expect(Object.keys(payload.files).sort()).toEqual([
      "fancyhdr.sty",
      "iclr2024_conference.bst",
      "iclr2024_conference.sty",
      "natbib.sty",
      "paper.tex",
    ]);

    const experimenterContext = llmContext("experimenter", {}, scriptedProvider([]), { artifacts: artifacts as never });
    experimenterContext.services.sandbox = sandbox;
    experimenterContext.services.journal = {
      once: async (_key: string, work: () => Promise<unknown>) => ({ result: await work(), reused: false }),
    } as never;
    const started = Date.now();
    const finished = await toPromise(
      createActor(runExperimentActor(experimenterContext), { input: request!.payload as never }).start(),
    );
    console.log(
      `seed template compile: ${Date.now() - started} ms, ${finished.status}${finished.reason ? ` (${finished.reason})` : ""}`,
    );
    expect(finished.status, finished.stderrTail).toBe("ok");
    expect(Object.keys(finished.artifacts).sort()).toEqual(["chktex.log", "paper.log", "paper.pdf", "paper.txt"]);

    const [drafted] = await h.send("experiment.finished", finished, study.ideaId);
    expect(drafted).toMatchObject({
      type: "paper.drafted",
      payload: {
        pdf: `${study.ideaId}/paper.pdf`,
        latexStatus: "ok",
        textArtifact: `${study.ideaId}/paper.txt`,
        provenance: { unsupported: 0 },
      },
    });
    expect(new TextDecoder().decode(artifacts.files.get(`${study.ideaId}/paper.pdf`)!.slice(0, 5))).toBe("%PDF-");
    const text = new TextDecoder().decode(artifacts.files.get(`${study.ideaId}/paper.txt`)!);
    // The ICLR style sets headings in small caps: compare letters only.
    const letters = text.replace(/\s+/g, "").toLowerCase();
    expect(letters).toContain("ashorterlatentperiod");
    expect(letters).toContain("introduction");
    expect(text).toContain("SEIR: baseline 694.8455, run_1 1025.3676, change +330.5222 (worse;");
    expect(text).toContain("(Lu et al., 2024)"); // the template's own bib entry, cited by its own text, through its .bst
    const record = JSON.parse(new TextDecoder().decode(artifacts.files.get(`${study.ideaId}/provenance.json`)!));
    expect(record).toMatchObject({ unsupported: 0, latex: { unsupported: 0 } });
  });
});
