// The boot of a seed-format template through the real sandbox: the image picked from the imports, the knobs found by
// infer_space.py in that image (the same as the host lane finds), a setting applied by the wrapper changing what the
// code computes, a missing module failing the boot by name, and a template with nothing to vary failing with what
// to add. Real Docker; skips loudly without it or without ../shared/seed-templates.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../../config/index.ts";
import { createDockerSandbox, limitsFromSettings, type Sandbox } from "../../sandbox/index.ts";
import { bootTemplateInfo } from "./template-info.ts";

function seedDir(name: string): string | null {
  const dir = join(repoRoot, "..", "shared", "seed-templates", name);
  if (existsSync(join(dir, "experiment.py"))) return dir;
  console.warn(`\n!!! SEED TEMPLATE ${name} ABSENT (${dir}): its boot checks are SKIPPED !!!\n`);
  return null;
}

const engineHas = (image: string) =>
  new Dockerode()
    .getImage(`scientist/${image}:latest`)
    .inspect()
    .then(
      () => true,
      () => false,
    );

const hasDocker = await new Dockerode().ping().then(
  () => true,
  (error: Error) => {
    console.warn(`\n!!! NO DOCKER ENGINE: template boot checks are SKIPPED (${error.message}) !!!\n`);
    return false;
  },
);
const seir = seedDir("seir");
const grokking = seedDir("grokking");
const torchBuilt = hasDocker && (await engineHas("python-torch"));
if (hasDocker && !torchBuilt)
  console.warn(
    "\n!!! NO python-torch IMAGE: the grokking boot check is SKIPPED (node bin/scientist.mjs sandbox build python-torch) !!!\n",
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

describe.skipIf(!hasDocker)("bootTemplateInfo through the real sandbox", () => {
  const sandbox: Sandbox = createDockerSandbox({
    docker: new Dockerode(),
    cacheDir: join(repoRoot, ".scientist/cache"),
  });
  const scratch: string[] = [];
  const boot = (dir: string, extra: Parameters<typeof bootTemplateInfo>[1] = {}) =>
    bootTemplateInfo(dir, { sandbox, limits, defaultImage: "python-ml", requireSpace: true, ...extra });
  afterAll(async () => {
    await sandbox.close();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(seir === null)(
    "seir: python-ml, the knobs the host lane finds, a space, and a setting that changes the result",
    async () => {
      const template = await boot(seir!);
      expect(template.boot).toMatchObject({ image: "python-ml", spaceSource: "inferred" });
      expect(template.sandbox.image).toBe("python-ml");
      expect(template.metrics.primary).toBe("infected_peak_day");
      const host = JSON.parse(
        execFileSync("python3", [join(repoRoot, "templates/probe_template.py"), join(seir!, "experiment.py")], {
          encoding: "utf8",
        }),
      );
      expect(Object.keys(template.baselineParams)).toEqual(host.knobs.map((k: { name: string }) => k.name));
      expect(template.space["odeint.args.1"]).toEqual([7, 14, 28]);
      const yaml = parseYaml(template.boot!.inferredSpaceYaml!) as { knobs: Record<string, { where: string }> };
      expect(yaml.knobs["odeint.args.1"]!.where).toBe("experiment.py:44:22");

      const before = readFileSync(join(seir!, "experiment.py"), "utf8");
      const results = [];
      const settings: Array<Record<string, number>> = [{}, { "odeint.args.1": 7 }];
      for (const [index, params] of settings.entries()) {
        const run = template.prepareRun(params, index);
        const result = await sandbox.run({
          image: template.sandbox.image!,
          files: { ...template.workspace, ...run.files },
          command: run.command,
          limits,
          timeoutMs: 120_000,
        });
        expect(result.status, result.stderr.slice(-1500)).toBe("ok");
        results.push(JSON.parse(new TextDecoder().decode(result.files[`run_${index}/final_info.json`]!)).SEIR.means);
      }
      // A shorter latent period brings the infection peak forward.
      expect(results[1].infected_peak_day).toBeLessThan(results[0].infected_peak_day);
      expect(readFileSync(join(seir!, "experiment.py"), "utf8")).toBe(before);
    },
  );

  it.skipIf(seir === null)("seir: a fixed setting naming no knob fails at boot, listing the known ones", async () => {
    await expect(boot(seir!, { settings: { "odeint.args.9": 1 } })).rejects.toThrow(
      /setting odeint\.args\.9: experiment\.py has no such knob \(known: .*odeint\.args\.1/,
    );
    const fixed = await boot(seir!, { settings: { "arange.1": "50" } });
    expect(fixed.fixedSettings).toEqual({ "arange.1": 50 });
    expect(fixed.baselineParams["arange.1"]).toBe(50);
    expect(fixed.space).not.toHaveProperty("arange.1");
  });

  it.skipIf(seir === null)("seir with the inferred space pasted into template.yaml boots with that space", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "boot-seir-")), "seir");
    scratch.push(dir);
    cpSync(seir!, dir, { recursive: true });
    writeFileSync(join(dir, "template.yaml"), "space:\n  odeint.args.1: [7, 14, 28]\n");
    const template = await boot(dir);
    expect(template.space).toEqual({ "odeint.args.1": [7, 14, 28] });
    expect(template.boot?.spaceSource).toBe("template.yaml");
    writeFileSync(join(dir, "template.yaml"), "space:\n  odeint.args.1: [7.5]\n");
    await expect(boot(dir)).rejects.toThrow(/space\.odeint\.args\.1: 7\.5 is not a int/);
  });

  it.skipIf(grokking === null || !torchBuilt)(
    "grokking: python-torch for its torch and einops imports (einops from Debian trixie)",
    async () => {
      const template = await boot(grokking!);
      expect(template.sandbox.image).toBe("python-torch");
      expect(Object.keys(template.space)).toEqual(expect.arrayContaining(["run.num_total_updates"]));
    },
  );

  it("a template with nothing to infer fails at boot saying what to add; with an llm ideator it boots", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "boot-empty-")), "empty");
    scratch.push(dir);
    cpSync(join(repoRoot, "templates", "mlp-dynamics"), dir, { recursive: true });
    rmSync(join(dir, "template.yaml"));
    writeFileSync(
      join(dir, "experiment.py"),
      'import argparse, json, os\np = argparse.ArgumentParser()\np.add_argument("--out_dir", default="run_0")\na = p.parse_args()\nos.makedirs(a.out_dir, exist_ok=True)\njson.dump({"d": {"means": {"m": len(a.out_dir)}}}, open(os.path.join(a.out_dir, "final_info.json"), "w"))\n',
    );
    await expect(boot(dir)).rejects.toThrow(
      /the rules ideator has nothing to vary \(no template\.yaml space, no params block, and no literal settings in experiment\.py\)\. Add a `space:` to template\.yaml/,
    );
    const llm = await boot(dir, { requireSpace: false });
    expect(llm.space).toEqual({});
    expect(llm.boot?.spaceSource).toBe("none");
  });
});
