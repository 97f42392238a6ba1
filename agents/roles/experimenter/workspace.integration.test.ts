// A template whose experiment.py imports a helper module and reads a small binary data file, run for real in the
// sandbox (the docker backend and the python-ml image): the whole template folder is each run's work dir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createActor, toPromise } from "xstate";
import { repoRoot } from "../../../config/index.ts";
import { createSandbox, type Sandbox } from "../../../sandbox/index.ts";
import { loadTemplate, readWorkspace } from "../../../templates/index.ts";
import { dockerAvailable } from "../../../tests/support/docker.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { scriptedProvider } from "../../llm/index.ts";
import { templateInfoFrom, type TemplateInfo } from "../../runtime/index.ts";
import { writeCodeRules } from "../coder/index.ts";
import { runExperimentActor } from "./run-experiment.ts";

const hasDocker = await dockerAvailable();

const EXPERIMENT = `# --- scientist:params begin ---
PARAMS = {"scale": 1.0}
# --- scientist:params end ---
import argparse, json, os
import helpers

parser = argparse.ArgumentParser()
parser.add_argument("--out_dir", type=str, default="run_0")
out = parser.parse_args().out_dir
data = open("data/points.bin", "rb").read()
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "final_info.json"), "w") as f:
    json.dump({"toy": {"means": {"score": helpers.score(data, PARAMS["scale"])}}}, f)
`;
const HELPERS = `def score(data, scale):
    """Mean byte value, scaled: the data file must arrive byte for byte."""
    return scale * sum(data) / len(data)

LABEL = "score (helpers.py)"
`;
const PLOT = `import glob, json
import matplotlib.pyplot as plt
import helpers

runs = sorted(glob.glob("run_*/final_info.json"))
values = [json.load(open(r))["toy"]["means"]["score"] for r in runs]
plt.bar([r.split("/")[0] for r in runs], values)
plt.ylabel(helpers.LABEL)
plt.savefig("scores.png")
`;
const DATA = new Uint8Array([0, 255, 10, 20, 0, 5]); // mean 48.33; a NUL and 0xff would not survive a text copy

describe.skipIf(!hasDocker)("a template with a helper module and a binary data file, in the real sandbox", () => {
  let dir: string;
  let sandbox: Sandbox;
  let template: TemplateInfo;
  const artifacts = fakeArtifacts();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sci-workspace-"));
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "latex"));
    writeFileSync(join(dir, "experiment.py"), EXPERIMENT);
    writeFileSync(join(dir, "helpers.py"), HELPERS);
    writeFileSync(join(dir, "plot.py"), PLOT);
    writeFileSync(join(dir, "data/points.bin"), DATA);
    writeFileSync(
      join(dir, "prompt.json"),
      JSON.stringify({ system: "s", task_description: "A toy template with a helper module." }),
    );
    writeFileSync(join(dir, "seed_ideas.json"), "[]");
    writeFileSync(join(dir, "latex/template.tex"), "\\documentclass{article}\\begin{document}x\\end{document}\n");
    const { workspace } = await readWorkspace(dir);
    template = templateInfoFrom(await loadTemplate(dir), { workspace });
    sandbox = await createSandbox({ backend: "docker", cacheDir: join(repoRoot, ".scientist/cache"), warmPool: 0 });
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function experimenter() {
    const context = llmContext("experimenter", {}, scriptedProvider([]), { artifacts });
    context.services.sandbox = sandbox;
    context.services.template = template;
    context.services.journal = {
      once: async (_key: string, work: () => Promise<unknown>) => ({ result: await work(), reused: false }),
    } as never;
    return (request: Record<string, unknown>) =>
      toPromise(
        createActor(runExperimentActor(context), {
          input: { ideaId: "i1", attempt: 1, inputs: {}, timeoutMs: 120_000, cacheKey: null, ...request } as never,
        }).start(),
      );
  }

  it("runs the baseline and a run with changed settings, each importing helpers.py and reading the data file", async () => {
    expect(Object.keys(template.workspace).sort()).toEqual([
      "data/points.bin",
      "experiment.py",
      "helpers.py",
      "latex/template.tex",
      "plot.py",
      "prompt.json",
      "seed_ideas.json",
    ]);
    const run = experimenter();
    const coderInput = {
      ideaId: "i1",
      idea: {} as never,
      attempt: 1,
      lastFailure: null,
      previousCode: null,
      runs: [],
      baseline: null,
    };
    const baseline = writeCodeRules(template, { ...coderInput, runIndex: 0, params: {} });
    expect(baseline.cacheKey).toMatch(/^baseline-/);
    const r0 = await run({
      kind: "experiment",
      runIndex: 0,
      files: baseline.files,
      command: baseline.command,
      cacheKey: baseline.cacheKey,
    });
    expect(r0.reason).toBeNull();
    expect(r0.status).toBe("ok");
    expect(r0.finalInfo!.toy!.means.score).toBeCloseTo(290 / 6, 6);
    expect(Object.keys(r0.artifacts)).toEqual(["run_0/final_info.json"]); // helpers.py, the data and the code are inputs

    const changed = writeCodeRules(template, { ...coderInput, runIndex: 1, params: { scale: 2.0 } });
    const r1 = await run({ kind: "experiment", runIndex: 1, files: changed.files, command: changed.command });
    expect(r1.status).toBe("ok");
    expect(r1.finalInfo!.toy!.means.score).toBeCloseTo((2 * 290) / 6, 6);
    expect(changed.changes).toContain('+PARAMS = {"scale": 2.0}');
  });

  it("runs plot.py with the helper module beside the runs' results and keeps only the figure", async () => {
    const run = experimenter();
    const inputs = {
      "i1/run_0/final_info.json": "run_0/final_info.json",
      "i1/run_1/final_info.json": "run_1/final_info.json",
    };
    const plot = await run({
      kind: "plot",
      runIndex: 0,
      files: { "plot.py": template.files["plot.py"] },
      inputs,
      command: ["python3", "plot.py"],
      timeoutMs: 120_000,
    });
    expect(plot.reason).toBeNull();
    expect(plot.status).toBe("ok");
    expect(plot.artifacts).toEqual({ "scores.png": "i1/scores.png" });
  });
});
