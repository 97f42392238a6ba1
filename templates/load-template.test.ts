import { cp, mkdtemp, readFile, rm, unlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultTemplateDir,
  listTemplates,
  loadTemplate,
  REQUIRED_FILES,
  templatesRoot,
  type TemplateError,
} from "./index.ts";

const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the default template in a temp folder, to break on purpose. */
async function copyOfDefault(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "template-test-"));
  scratch.push(root);
  const dir = join(root, "copy");
  await cp(defaultTemplateDir(), dir, { recursive: true });
  return dir;
}

async function loadError(dir: string): Promise<TemplateError> {
  try {
    await loadTemplate(dir);
  } catch (error) {
    return error as TemplateError;
  }
  throw new Error("expected loadTemplate to fail");
}

describe("loadTemplate", () => {
  it("loads the default template with its files, prompt, seed ideas, config and baseline params", async () => {
    const template = await loadTemplate(defaultTemplateDir());
    expect(template.name).toBe("mlp-dynamics");
    for (const file of REQUIRED_FILES) expect(template.files[file]).toBeTypeOf("string");
    expect(template.files["template.yaml"]).toContain("space:");
    expect(template.prompt.system).toMatch(/PhD student/);
    expect(template.prompt.task_description).toMatch(/spirals/);
    expect(template.seedIdeas.length).toBeGreaterThanOrEqual(2);
    expect(template.seedIdeas[0]).toHaveProperty("Name");
    expect(template.config.metrics).toEqual({ primary: "val_acc", higherIsBetter: true });
    expect(template.config.sandbox.timeoutSeconds).toBe(600);
    expect(template.hasParamsBlock).toBe(true);
    expect(template.baselineParams).toMatchObject({ learning_rate: 0.05, width: 32, optimizer: "sgd", label_noise: 0 });
    for (const [knob, values] of Object.entries(template.config.space)) {
      expect(template.baselineParams, knob).toHaveProperty(knob);
      expect(values.length).toBeGreaterThan(0);
    }
    expect(template.baselineFinalInfo).toBeNull();
  });

  it("loads a template in the seed's format (no template.yaml, no params block) with defaults", async () => {
    const dir = await copyOfDefault();
    await unlink(join(dir, "template.yaml"));
    const experiment = join(dir, "experiment.py");
    const plain = (await readFile(experiment, "utf8")).replace(/# --- scientist:params (begin|end).*\n/g, "");
    await writeFile(experiment, plain);
    const template = await loadTemplate(dir);
    expect(template.name).toBe("copy");
    expect(template.config.sandbox).toEqual({
      image: "python-ml",
      timeoutSeconds: 7200,
      plotTimeoutSeconds: 600,
      memoryMb: 2048,
      cpus: 1,
    });
    expect(template.config.metrics.primary).toBeNull();
    expect(template.config.space).toEqual({});
    expect(template.hasParamsBlock).toBe(false);
    expect(template.baselineParams).toEqual({});
  });

  it("leaves run folders and binary files out of files, and reads a shipped baseline", async () => {
    const dir = await copyOfDefault();
    await mkdir(join(dir, "run_0"));
    await writeFile(join(dir, "run_0", "final_info.json"), JSON.stringify({ moons: { means: { val_acc: 0.9 } } }));
    await writeFile(join(dir, "val_acc.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    const template = await loadTemplate(dir);
    expect(Object.keys(template.files).some((f) => f.startsWith("run_0"))).toBe(false);
    expect(template.skipped).toContain("val_acc.png");
    expect(template.baselineFinalInfo).toEqual({ moons: { means: { val_acc: 0.9 } } });
  });

  it("names the missing file", async () => {
    const dir = await copyOfDefault();
    await unlink(join(dir, "latex", "template.tex"));
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_MISSING_FILE");
    expect(error.file).toBe("latex/template.tex");
    expect(error.retryable).toBe(false);
  });

  it("fails with TEMPLATE_MISSING_FILE for a folder that does not exist", async () => {
    expect((await loadError("/nonexistent/template")).code).toBe("TEMPLATE_MISSING_FILE");
  });

  it("names the key of a wrongly typed template.yaml value", async () => {
    const dir = await copyOfDefault();
    const yaml = join(dir, "template.yaml");
    await writeFile(yaml, (await readFile(yaml, "utf8")).replace("timeoutSeconds: 600", "timeoutSeconds: soon"));
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_YAML");
    expect(error.key).toBe("sandbox.timeoutSeconds");
    expect(error.message).toContain("sandbox.timeoutSeconds");
  });

  it("names an unknown template.yaml key (the schema is strict)", async () => {
    const dir = await copyOfDefault();
    const yaml = join(dir, "template.yaml");
    await writeFile(yaml, (await readFile(yaml, "utf8")).replace("  cpus: 1", "  cpus: 1\n  gpus: 2"));
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_YAML");
    expect(error.key).toBe("sandbox.gpus");
  });

  it("reports the line of a YAML syntax error", async () => {
    const dir = await copyOfDefault();
    await writeFile(join(dir, "template.yaml"), "name: x\nsandbox: [unclosed\n");
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_YAML");
    expect(error.message).toMatch(/line \d/);
  });

  it("rejects a space knob that PARAMS does not have", async () => {
    const dir = await copyOfDefault();
    const yaml = join(dir, "template.yaml");
    await writeFile(yaml, `${await readFile(yaml, "utf8")}  dropout: [0.1, 0.5]\n`);
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_SPACE");
    expect(error.key).toBe("space.dropout");
  });

  it("rejects a space value of the wrong type", async () => {
    const dir = await copyOfDefault();
    const yaml = join(dir, "template.yaml");
    await writeFile(yaml, (await readFile(yaml, "utf8")).replace("depth: [1, 2]", "depth: [1, deep]"));
    expect((await loadError(dir)).key).toBe("space.depth");
  });

  it("names the bad field of a seed idea", async () => {
    const dir = await copyOfDefault();
    const ideas = JSON.parse(await readFile(join(dir, "seed_ideas.json"), "utf8")) as Array<Record<string, unknown>>;
    ideas[1]!.Novelty = 11;
    await writeFile(join(dir, "seed_ideas.json"), JSON.stringify(ideas));
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_JSON");
    expect(error.key).toBe("[1].Novelty");
  });

  it("fails on prompt.json that is not JSON", async () => {
    const dir = await copyOfDefault();
    await writeFile(join(dir, "prompt.json"), "{ system: nope");
    const error = await loadError(dir);
    expect(error.code).toBe("TEMPLATE_BAD_JSON");
    expect(error.file).toBe("prompt.json");
  });
});

describe("listTemplates", () => {
  it("lists the default template under templates/", async () => {
    const list = await listTemplates(templatesRoot());
    expect(list.map((t) => t.name)).toContain("mlp-dynamics");
    expect(list.find((t) => t.name === "mlp-dynamics")?.dir).toBe(defaultTemplateDir());
  });
});
