/**
 * Runs the default template's experiment.py and plot.py for real on the host Python (numpy and matplotlib
 * from Debian: apt-get install python3-numpy python3-matplotlib). Skipped, loudly, when numpy is missing.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTemplateDir, loadTemplate, writeParamsBlock, type Params, type Template } from "./index.ts";

const run = promisify(execFile);

function findPython(module: string): string | null {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(candidate, ["-c", `import ${module}`], { stdio: "ignore", timeout: 30_000 });
      return candidate;
    } catch {
      // try the next interpreter
    }
  }
  return null;
}

const python = findPython("numpy");
const plotPython = findPython("numpy, matplotlib");
if (!python) {
  console.warn(
    "\n!!! SKIPPING mlp-dynamics experiment tests: no python3 with numpy (apt-get install -y python3-numpy python3-matplotlib) !!!\n",
  );
}

type FinalInfo = Record<string, { means: Record<string, number>; stds: Record<string, number> }>;

describe.skipIf(!python)("mlp-dynamics experiment.py", () => {
  let template: Template;
  let work: string;

  beforeAll(async () => {
    template = await loadTemplate(defaultTemplateDir());
    work = await mkdtemp(join(tmpdir(), "mlp-dynamics-"));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Run experiment.py with the baseline PARAMS overridden (few epochs keep the test quick). */
  async function runWith(outDir: string, overrides: Params): Promise<{ info: FinalInfo; raw: string }> {
    const source = writeParamsBlock(template.files["experiment.py"]!, {
      ...template.baselineParams,
      epochs: 15,
      ...overrides,
    });
    const script = join(work, `experiment-${outDir}.py`);
    await writeFile(script, source);
    await run(python!, [script, `--out_dir=${outDir}`], { cwd: work, timeout: 60_000 });
    const raw = await readFile(join(work, outDir, "final_info.json"), "utf8");
    return { info: JSON.parse(raw) as FinalInfo, raw };
  }

  it("writes final_info.json per dataset with means and stds rounded to 4 decimals", async () => {
    const { info, raw } = await runWith("run_0", {});
    expect(Object.keys(info)).toEqual(["moons", "circles", "spirals"]);
    for (const [dataset, entry] of Object.entries(info)) {
      expect(Object.keys(entry.means)).toEqual(
        expect.arrayContaining(["val_acc", "train_loss", "val_loss", "train_acc", "diverged"]),
      );
      expect(Object.keys(entry.stds)).toEqual(Object.keys(entry.means));
      for (const value of [...Object.values(entry.means), ...Object.values(entry.stds)]) {
        expect(Number.isFinite(value), dataset).toBe(true);
        expect(Math.round(value * 1e4) / 1e4, dataset).toBe(value);
      }
      expect(entry.means.val_acc).toBeGreaterThan(0.5);
    }
    // every number as printed in the file has at most 4 decimals (what the writer quotes verbatim)
    for (const literal of raw.match(/-?\d+\.\d+(e-?\d+)?/g) ?? []) expect(literal).toMatch(/^-?\d+\.\d{1,4}$/);
    const curves = JSON.parse(await readFile(join(work, "run_0", "curves.json"), "utf8")) as Record<
      string,
      { epoch: number[]; train_loss: number[] }
    >;
    expect(curves.moons!.epoch.length).toBe(curves.moons!.train_loss.length);
    expect(curves.moons!.epoch.at(-1)).toBe(15);
  });

  it("is deterministic given PARAMS", async () => {
    const first = await readFile(join(work, "run_0", "final_info.json"), "utf8"); // from the test above
    const again = await runWith("run_9", {});
    expect(again.raw).toBe(first);
  });

  it("shows a measurable effect of label noise", async () => {
    const clean = JSON.parse(await readFile(join(work, "run_0", "final_info.json"), "utf8")) as FinalInfo;
    const { info: noisy } = await runWith("run_1", { label_noise: 0.2 });
    for (const dataset of ["moons", "circles"]) {
      expect(noisy[dataset]!.means.train_loss! - clean[dataset]!.means.train_loss!).toBeGreaterThan(0.1);
    }
  });

  it("marks an exploding configuration as diverged with finite numbers", async () => {
    const { info } = await runWith("run_2", { learning_rate: 100, init_scale: 10, depth: 2, activation: "relu" });
    expect(info.spirals!.means.diverged).toBeGreaterThan(0);
    expect(Number.isFinite(info.spirals!.means.train_loss)).toBe(true);
  });

  it.skipIf(!plotPython)("plot.py draws from whichever run folders exist", async () => {
    await writeFile(join(work, "plot.py"), template.files["plot.py"]!);
    const { stdout } = await run(plotPython!, ["plot.py"], { cwd: work, timeout: 120_000 });
    expect(stdout).toMatch(/plotted \d+ runs/);
    for (const png of ["val_acc.png", "train_loss.png", "val_loss.png"]) {
      expect((await stat(join(work, png))).size).toBeGreaterThan(1000);
    }
  });
});
