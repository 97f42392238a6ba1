// Issue 11 "Done means": the original's templates (../shared/seed-templates: seir, grokking, earthquake-prediction)
// run unchanged, in rules mode and in llm mode (a local scripted OpenAI-wire server playing a competent, honest
// model), each producing decided papers with compiled PDFs. Reduced settings go in by config (`run.settings`, knob
// names from the inferred space), never by editing the template. Real NATS, real sandbox; skips loudly without
// Docker or without the templates.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Dockerode from "dockerode";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../config/index.ts";
import { createDockerSandbox, limitsFromSettings } from "../sandbox/index.ts";
import { startTestNats } from "./support/nats.ts";
import { dockerAvailable, latexImageReady } from "./support/docker.ts";
import {
  earthquakeWithSyntheticData,
  quakeGrid,
  seedScripts,
  seedTemplate,
  treeDigest,
} from "./support/seed-templates.ts";
import { studyResearcher, type StudyResearcher } from "./support/study-researcher.ts";
import { runStudy, type StudyRun } from "./support/swarm-study.ts";

const hasDocker = await dockerAvailable();
const hasLatex = hasDocker && (await latexImageReady());
const cacheDir = join(repoRoot, ".scientist/cache");

/** Whether `image` can import `module` (grokking imports einops, which Debian bookworm does not package). */
async function imageHasModule(image: string, module: string): Promise<boolean> {
  const sandbox = createDockerSandbox({ docker: new Dockerode(), cacheDir });
  try {
    const limits = limitsFromSettings({
      memoryMb: 512,
      cpus: 1,
      pids: 64,
      diskMb: 64,
      outputKb: 64,
      artifactMb: 1,
      artifactCount: 1,
      nofile: 256,
      fileSizeMb: 1,
    });
    const result = await sandbox.run({
      image,
      files: {},
      command: ["python3", "-c", `import ${module}`],
      limits,
      timeoutMs: 120_000,
    });
    return result.status === "ok";
  } finally {
    await sandbox.close();
  }
}

interface Case {
  name: keyof typeof seedScripts;
  /** Reduced settings for every run, baseline included (knob -> value, as `scientist run --set KNOB=VALUE`). */
  settings: Record<string, number>;
  image: string;
  /** Modules the image must have for the template to run; when absent the run must fail at boot naming them. */
  needs: string[];
  /** Ideas in rules mode (default 1): where some inferred knobs break the code, several are proposed at once. */
  rulesIdeas?: number;
}

const cases: Case[] = [
  // SEIR integrates 100 days of an ODE: about a second as it is; nothing to reduce.
  { name: "seir", settings: {}, image: "python-ml", needs: [] },
  // 4 datasets x 3 seeds x 7,500 updates of batch 512: reduced to 1 seed and 20 updates of batch 64 (2 evaluations).
  {
    name: "grokking",
    settings: {
      "run.num_total_updates": 20,
      "run.get_data.batch_size": 64,
      "num_seeds.x_div_y": 1,
      "num_seeds.x_plus_y": 1,
      "num_seeds.x_minus_y": 1,
      "num_seeds.permutation": 1,
    },
    image: "python-torch",
    needs: ["einops"],
  },
  // A convolutional LSTM over a 200 x 250 grid with 1,000 test days and 10 partial-training cycles: reduced to a
  // synthetic 20 x 25 grid (the data the test makes), 1 cycle.
  {
    name: "earthquake-prediction",
    // 180 synthetic days: 70 test days (20 predictions after the 50-day horizon), 60 training windows > QUEUE_LENGTH.
    settings: { N_CELLS_HOR: quakeGrid.hor, N_CELLS_VER: quakeGrid.ver, TESTING_DAYS: 70, N_CYCLES: 1 },
    image: "python-torch",
    needs: [],
    // About half of its inferred knobs break the code when varied (conv kernel sizes, BATCH_SIZE, a threshold with
    // no quake above it): the rules coder records those ideas as failed with the error; 3 in parallel leave papers.
    rulesIdeas: 3,
  },
];

const present = cases.map((c) => ({ ...c, dir: seedTemplate(c.name) }));

describe.skipIf(!hasDocker || present.every((c) => c.dir === null))(
  "the original's templates run unchanged (real NATS, real Docker)",
  () => {
    let nats: Awaited<ReturnType<typeof startTestNats>>;
    beforeAll(async () => {
      nats = await startTestNats();
    });
    afterAll(async () => {
      await nats?.cleanup();
    });

    for (const c of present) {
      describe.skipIf(c.dir === null)(c.name, () => {
        let template = c.dir!;
        let before: Record<string, string> = {};
        let missing: string[] = [];
        beforeAll(async () => {
          before = treeDigest(c.dir!);
          missing = [];
          for (const module of c.needs) if (!(await imageHasModule(c.image, module))) missing.push(module);
          if (missing.length)
            console.warn(
              `\n!!! ${c.name}: the ${c.image} image lacks ${missing.join(", ")}: expecting the run to fail at boot naming it !!!\n`,
            );
          if (c.name === "earthquake-prediction") template = await earthquakeWithSyntheticData(c.dir!, cacheDir);
        }, 400_000);
        afterAll(() => {
          // The shared original is read-only; still, prove nothing wrote to it.
          expect(treeDigest(c.dir!)).toEqual(before);
        });

        for (const mode of ["rules", "llm"] as const) {
          describe(`${mode} mode`, () => {
            let researcher: StudyResearcher | null = null;
            let study: StudyRun | null = null;
            let failure: Error | null = null;
            beforeAll(async () => {
              researcher = mode === "llm" ? studyResearcher(seedScripts[c.name]!) : null;
              try {
                study = await runStudy({
                  natsUrl: nats.url,
                  template,
                  label: `${c.name} ${mode}`,
                  ...(researcher && { reply: researcher.reply }),
                  // Fixed ids: the rules ideator's knob choices are seeded by the run id, so failures reproduce.
                  run: `r-e2e-${c.name}-${mode}`,
                  raw: {
                    run: {
                      settings: c.settings,
                      ...(mode === "rules" && c.rulesIdeas && { ideas: c.rulesIdeas, maxInFlightIdeas: c.rulesIdeas }),
                    },
                  },
                });
              } catch (error) {
                failure = error as Error;
              }
            }, 600_000);

            it(missingNote(c), () => {
              if (missing.length) {
                expect(failure, "the run should have failed at boot").not.toBeNull();
                for (const module of missing) expect(failure!.message).toContain(module);
                console.warn(
                  `[${c.name} ${mode}] failed at boot, as it must without ${missing.join(", ")}: ${failure!.message}`,
                );
                return;
              }
              if (failure) throw failure;
              const run = study!;
              const r = run.result.report;
              expect(r.completed).toBe(true);
              expect(r.policy).toBe(mode);
              for (const idea of r.ideas) {
                expect(["decided", "failed", "not-novel"], `${idea.id}: ${idea.status}`).toContain(idea.status);
                if (idea.status === "failed") console.warn(`[${c.name} ${mode}] ${idea.id} failed: ${idea.reason}`);
              }
              expect(r.papers.length, JSON.stringify(r.ideas)).toBeGreaterThanOrEqual(1);
              expect(run.firstDecidedSeconds).not.toBeNull();
              // The knobs the rules ideator may vary, for the closing note (the whole file is in the run folder).
              const spacePath = join(run.result.runDir, "inferred-space.yaml");
              expect(existsSync(spacePath), "inferred-space.yaml in the run folder").toBe(true);
              const inferred = parse(readFileSync(spacePath, "utf8")) as {
                space?: Record<string, unknown[]>;
                fixedSettings?: Record<string, unknown>;
              };
              console.log(
                `[${c.name} ${mode}] inferred knobs: ${Object.keys(inferred.space ?? {}).join(", ")}; fixed settings: ${JSON.stringify(inferred.fixedSettings ?? {})}`,
              );
              console.log(`[${c.name} ${mode}] time to first decided paper: ${run.firstDecidedSeconds!.toFixed(1)} s`);
              for (const paper of r.papers) {
                expect(["Accept", "Reject"]).toContain(paper.decision);
                expect(paper.reviews.length).toBeGreaterThanOrEqual(3);
                expect(paper.provenance, `${paper.idea}: no provenance`).not.toBeNull();
                console.log(
                  `[${c.name} ${mode}] ${paper.idea}: ${paper.decision} (overall ${paper.overall}), latex ${paper.latexStatus}, provenance ${JSON.stringify(paper.provenance)}`,
                );
                // Rules papers print only what they can trace; the scripted llm model is honest too.
                expect(paper.provenance!.unsupported, `${paper.idea}/provenance.json`).toBe(0);
                if (hasLatex) {
                  expect(paper.pdf, `${paper.idea}: ${paper.latexStatus}`).toBe(`${paper.idea}/paper.pdf`);
                  expect(paper.latexStatus).toBe("ok");
                  expect(readFileSync(join(run.result.runDir, paper.pdf!)).subarray(0, 5).toString("latin1")).toBe(
                    "%PDF-",
                  );
                }
              }
              if (!hasLatex) console.warn(`\n!!! ${c.name}: PDF ASSERTIONS SKIPPED: no current latex image !!!\n`);
            });

            // Only llm mode has a model to check: rules mode defines no such test rather than skipping one.
            if (mode === "llm")
              it("llm: the model built on the seed ideas, its edit ran, and its prose quotes the measured values", (context) => {
                if (missing.length) context.skip(); // the boot failure is asserted above
                if (failure) throw failure;
                const run = study!;
                const s = seedScripts[c.name]!;
                expect(researcher!.requests.find((q) => q.schema === "idea")!.user[0]).toContain(s.idea.builtOn);
                const paper = run.result.report.papers[0]!;
                const code = readFileSync(join(run.result.runDir, paper.idea, "run_1.py"), "utf8");
                expect(code).toContain(s.edit.replace.trim());
                // Every number of the honest findings sentence is printed from run_0 / run_1's final_info.json.
                const markdown = readFileSync(join(run.result.runDir, paper.path), "utf8");
                const findings = /On (\S+), (\S+) is (\S+) for the baseline and (\S+) with the change\./.exec(markdown);
                expect(findings, "the Results prose quotes the table").not.toBeNull();
                const [, dataset, metric, base, changed] = findings!;
                const info = (i: number) =>
                  JSON.parse(readFileSync(join(run.result.runDir, paper.idea, `run_${i}`, "final_info.json"), "utf8"));
                expect(String(info(0)[dataset!].means[metric!])).toBe(base);
                expect(String(info(1)[dataset!].means[metric!])).toBe(changed);
              });
          });
        }
      });
    }
  },
);

function missingNote(c: Case): string {
  return `completes with decided papers, compiled PDFs and provenance${c.needs.length ? ` (or, without ${c.needs.join(", ")} in ${c.image}, fails at boot naming it)` : ""}`;
}
