import { describe, expect, it } from "vitest";
import { createActor, toPromise } from "xstate";
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from "../../../sandbox/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { scriptedProvider } from "../../llm/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";
import { runExperimentActor } from "./run-experiment.ts";
import { workspaceFor } from "./workspace.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const DATA = new Uint8Array([0, 1, 2, 255, 254, 0, 7]); // not UTF-8: must arrive byte for byte

// A template folder as the boot reads it: code, a helper module, a binary data file, a style file.
const template: TemplateInfo = {
  ...tinyTemplate,
  workspace: {
    "experiment.py": bytes(tinyTemplate.files["experiment.py"]!),
    "plot.py": bytes(tinyTemplate.files["plot.py"]!),
    "helpers.py": bytes("def mean(xs):\n    return sum(xs) / len(xs)\n"),
    "data/points.bin": DATA,
    "latex/template.tex": bytes("\\documentclass{article}"),
    "latex/iclr2024_conference.sty": bytes("% style"),
  },
};

function experimenter(answer: Partial<SandboxRunResult>) {
  const seen: SandboxRunRequest[] = [];
  const sandbox = {
    backend: "docker",
    ensureImage: async () => undefined,
    close: async () => undefined,
    run: async (request: SandboxRunRequest) => {
      seen.push(request);
      return {
        status: "ok",
        exitCode: 0,
        stdout: "",
        stderr: "",
        files: {},
        usage: { wallMs: 5, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
        reason: null,
        image: "sha256:ml",
        ...answer,
      };
    },
  } as unknown as Sandbox;
  const artifacts = fakeArtifacts({ "i1/run_0/final_info.json": '{"moons": {"means": {"acc": 0.5}}}' });
  const context = llmContext("experimenter", {}, scriptedProvider([]), { artifacts });
  context.services.sandbox = sandbox;
  context.services.template = template;
  context.services.journal = {
    once: async (_key: string, work: () => Promise<unknown>) => ({ result: await work(), reused: false }),
  } as never;
  const run = (request: Record<string, unknown>) =>
    toPromise(
      createActor(runExperimentActor(context), {
        input: {
          ideaId: "i1",
          runIndex: 1,
          attempt: 1,
          inputs: {},
          timeoutMs: 60_000,
          cacheKey: null,
          ...request,
        } as never,
      }).start(),
    );
  return { run, seen, artifacts, context };
}

describe("experimenter: each run works in the whole template folder", () => {
  it("sends every template file (binary data byte for byte) with the coder's files on top, and keeps only run_i's results", async () => {
    const finalInfo = bytes('{"moons": {"means": {"acc": 0.7}}}');
    const { run, seen, artifacts } = experimenter({
      files: {
        "run_1/final_info.json": finalInfo,
        "helpers.py": bytes("rewritten by the run"),
        "__pycache__/helpers.cpython-311.pyc": bytes("pyc"),
        "scratch.txt": bytes("x"),
      },
    });
    const edited = 'PARAMS = {"lr": 1, "width": 8}\nimport helpers\n';
    const result = await run({
      kind: "experiment",
      files: { "experiment.py": edited },
      command: ["python3", "experiment.py", "--out_dir=run_1"],
    });
    const files = seen[0]!.files;
    expect(Object.keys(files).sort()).toEqual([
      "data/points.bin",
      "experiment.py",
      "helpers.py",
      "latex/iclr2024_conference.sty",
      "latex/template.tex",
      "plot.py",
    ]);
    expect(files["experiment.py"]).toBe(edited); // the edit wins over the template's copy
    expect(files["data/points.bin"]).toEqual(DATA);
    expect(seen[0]!.collect).toEqual(["run_1/"]);
    expect(result).toMatchObject({
      status: "ok",
      finalInfo: { moons: { means: { acc: 0.7 } } },
      artifacts: { "run_1/final_info.json": "i1/run_1/final_info.json" },
    });
    expect(Object.keys(result.artifacts)).toEqual(["run_1/final_info.json"]);
    expect([...artifacts.files.keys()].filter((k) => !k.includes("/logs/")).sort()).toEqual([
      "i1/run_0/final_info.json",
      "i1/run_1/final_info.json",
    ]);
  });

  it("runs plot.py beside the helper modules and the runs' results, and keeps only what it wrote", async () => {
    const { run, seen } = experimenter({
      files: {
        "acc.png": bytes("png"),
        "data/points.bin": bytes("changed"),
        "run_0/final_info.json": bytes("{}"),
        "__pycache__/helpers.pyc": bytes("pyc"),
      },
    });
    const result = await run({
      kind: "plot",
      runIndex: 0,
      files: { "plot.py": "import helpers\n" },
      inputs: { "i1/run_0/final_info.json": "run_0/final_info.json" },
      command: ["python3", "plot.py"],
    });
    expect(Object.keys(seen[0]!.files).sort()).toEqual([
      "data/points.bin",
      "experiment.py",
      "helpers.py",
      "latex/iclr2024_conference.sty",
      "latex/template.tex",
      "plot.py",
      "run_0/final_info.json",
    ]);
    expect(seen[0]!.files["plot.py"]).toBe("import helpers\n");
    expect(seen[0]!.collect).toBeUndefined();
    expect(result.artifacts).toEqual({ "acc.png": "i1/acc.png" });
  });

  it("gives a LaTeX compile only what the writer sends", async () => {
    const { run, seen } = experimenter({ files: { "paper.pdf": bytes("%PDF") } });
    await run({ kind: "latex", runIndex: 0, files: { "paper.tex": "x" }, command: ["latexmk"] });
    expect(Object.keys(seen[0]!.files)).toEqual(["paper.tex"]);
  });

  it("refuses a work dir over the artifact limit with an error that names the file", async () => {
    const big: TemplateInfo = {
      ...template,
      workspace: { ...template.workspace, "data/huge.npy": new Uint8Array(3 * 1024 * 1024) },
    };
    const request = {
      ideaId: "i1",
      kind: "experiment" as const,
      runIndex: 0,
      attempt: 1,
      files: {},
      inputs: {},
      command: ["python3"],
      timeoutMs: 1,
      cacheKey: null,
    };
    await expect(workspaceFor(big, request, async () => new Uint8Array(), 2 * 1024 * 1024)).rejects.toMatchObject({
      code: "EXPERIMENTER_WORKSPACE_TOO_LARGE",
      message: expect.stringMatching(
        /data\/huge\.npy is 3\.0 MiB, over the artifact limit of 2\.0 MiB \(sandbox\.artifactMb\)/,
      ),
    });
    const many: TemplateInfo = {
      ...template,
      workspace: { ...template.workspace, "a.bin": new Uint8Array(1536 * 1024), "b.bin": new Uint8Array(1024 * 1024) },
    };
    await expect(workspaceFor(many, request, async () => new Uint8Array(), 2 * 1024 * 1024)).rejects.toThrow(
      /pass the artifact limit of 2\.0 MiB \(sandbox\.artifactMb\) at b\.bin/,
    );
  });
});
