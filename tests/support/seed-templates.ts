// The original's templates (../shared/seed-templates, read-only, never copied into the repo) as the end-to-end
// suite runs them: where they are, what the scripted model does with each, and the one thing a template needs
// that the original ships separately: earthquake-prediction's data file, which its README makes with
// `data/prepare.py` (absent). The test makes a small synthetic tensor with torch inside the sandbox instead.
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Dockerode from "dockerode";
import { repoRoot } from "../../config/index.ts";
import { createDockerSandbox, limitsFromSettings } from "../../sandbox/index.ts";
import type { StudyScript } from "./study-researcher.ts";

export const seedTemplatesDir = join(repoRoot, "..", "shared", "seed-templates");

export function seedTemplate(name: string): string | null {
  const dir = join(seedTemplatesDir, name);
  if (existsSync(join(dir, "experiment.py"))) return dir;
  console.warn(`\n!!! SEED TEMPLATE ${name} ABSENT (${dir}): its end-to-end runs are SKIPPED !!!\n`);
  return null;
}

/** sha256 of every file under `dir` by relative path: the template must be byte-identical after the runs. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** What a competent model does with each template: an idea on top of its seed ideas, one literal changed. */
export const seedScripts: Record<string, StudyScript> = {
  seir: {
    idea: {
      Name: "shorter_latent_period",
      Title: "A Shorter Latent Period Moves the SEIR Infection Peak",
      Experiment:
        "Halve the latent period lp passed to odeint (args) and compare infected_peak_day, infected_peak and total_infected with the baseline.",
      builtOn: "threshold_behavioral_response_seir",
    },
    edit: {
      search: "        args=(0.001, 14, 7),",
      replace: "        args=(0.001, 7, 7),",
      description: "the latent period halved",
    },
  },
  grokking: {
    idea: {
      Name: "faster_learning_rate_grokking",
      Title: "Learning Rate and the Onset of Grokking",
      Experiment:
        "Triple the AdamW learning rate in run() and compare final validation accuracy and the step at which validation accuracy reaches 99%.",
      builtOn: "batch_size_grokking",
    },
    edit: { search: "        lr=1e-3,", replace: "        lr=3e-3,", description: "the AdamW learning rate tripled" },
  },
  "earthquake-prediction": {
    idea: {
      Name: "higher_lr_earthquake_lstm",
      Title: "A Higher Learning Rate for the Convolutional LSTM Earthquake Predictor",
      Experiment: "Raise LEARNING_RATE and compare the test ROC AUC and average precision with the baseline LSTM.",
      builtOn: "regional_attention_lstm",
    },
    edit: {
      search: "LEARNING_RATE = 0.0003",
      replace: "LEARNING_RATE = 0.001",
      description: "the learning rate raised about threefold",
    },
  },
};

/** The reduced earthquake grid the tests run (knobs N_CELLS_HOR / N_CELLS_VER set by config, not by editing). */
export const quakeGrid = { hor: 20, ver: 25, days: 180 };

/**
 * earthquake-prediction as a user has it after preparing its data: the template's own files, unchanged, plus
 * `data/celled_data_<hor>x<ver>`, made here by torch in the sandbox (the python-torch image): daily magnitudes per
 * cell, mostly below the template's HEAVY_QUAKE_THRES = 3.5, with rare heavier quakes at a per-cell rate, so both
 * classes occur in the test period. Synthetic, and said so: it exercises the code, not seismology.
 * The folder is a temp folder outside the repo (the shared original stays read-only and unchanged).
 */
export async function earthquakeWithSyntheticData(
  template: string,
  cacheDir = join(repoRoot, ".scientist/cache"),
): Promise<string> {
  const { hor, ver, days } = quakeGrid;
  const sandbox = createDockerSandbox({ docker: new Dockerode(), cacheDir });
  const script = `import torch
g = torch.Generator().manual_seed(0)
T, H, W = ${days}, ${hor}, ${ver}
rate = torch.rand(1, 1, H, W, generator=g) * 0.03
heavy = torch.rand(T, 1, H, W, generator=g) < rate
mag = torch.where(heavy, 3.6 + 2.0 * torch.rand(T, 1, H, W, generator=g), 3.0 * torch.rand(T, 1, H, W, generator=g))
torch.save(mag.float(), "celled_data_${hor}x${ver}")
print(tuple(mag.shape), int((mag > 3.5).sum()))
`;
  try {
    const limits = limitsFromSettings({
      memoryMb: 2048,
      cpus: 1,
      pids: 256,
      diskMb: 512,
      outputKb: 1024,
      artifactMb: 64,
      artifactCount: 10,
      nofile: 1024,
      fileSizeMb: 256,
    });
    const result = await sandbox.run({
      image: "python-torch",
      files: { "make_data.py": script },
      command: ["python3", "make_data.py"],
      limits,
      timeoutMs: 300_000,
    });
    const data = result.files[`celled_data_${hor}x${ver}`];
    if (result.status !== "ok" || !data)
      throw new Error(
        `making the synthetic earthquake data failed (${result.status}): ${result.reason ?? ""} ${result.stderr.slice(-1500)}`,
      );
    const dir = join(mkdtempSync(join(tmpdir(), "sci-quake-")), "earthquake-prediction");
    cpSync(template, dir, { recursive: true });
    mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "data", `celled_data_${hor}x${ver}`), data);
    // The template's own files are byte for byte the original's; only data/ is added.
    const copied = Object.entries(treeDigest(dir)).filter(([path]) => !path.startsWith("data/"));
    if (JSON.stringify(Object.fromEntries(copied)) !== JSON.stringify(treeDigest(template)))
      throw new Error(`the copy of ${template} differs from the original`);
    console.log(
      `synthetic earthquake data ${result.stdout.trim()} (shape, heavy quakes), ${data.length} bytes, made in ${result.usage.wallMs} ms`,
    );
    return dir;
  } finally {
    await sandbox.close();
  }
}
