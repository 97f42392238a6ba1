import { describe, expect, it } from "vitest";
import { createActor, toPromise } from "xstate";
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from "../../../sandbox/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { scriptedProvider } from "../../llm/index.ts";
import { firstTexError, LATEX_COMMAND, LATEX_SCRIPT, latexLogTail, latexRequestProblem } from "./latex-compile.ts";
import { runExperimentActor } from "./run-experiment.ts";

const LOG = `${"This is pdfTeX, Version 3.141592653\n".repeat(80)}! Undefined control sequence.\nl.42 \\badmacro\n              {x}\nHere is how much of TeX's memory you used:\n`;
const bytes = (text: string) => new TextEncoder().encode(text);

/** The experimenter's effect over a fake sandbox that records the request and answers like latexmk would. */
function experimenter(answer: Partial<SandboxRunResult>) {
  const seen: SandboxRunRequest[] = [];
  const sandbox: Sandbox = {
    backend: "docker",
    ensureImage: async () => undefined,
    close: async () => undefined,
    run: async (request) => {
      seen.push(request);
      return {
        status: "ok",
        exitCode: 0,
        stdout: "Latexmk: All targets are up-to-date",
        stderr: "",
        files: {},
        usage: { wallMs: 900, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
        reason: null,
        image: "sha256:latex",
        ...answer,
      };
    },
  } as Sandbox;
  const artifacts = fakeArtifacts({ "i1/acc.png": "png-bytes" });
  const context = llmContext("experimenter", {}, scriptedProvider([]), { artifacts });
  context.services.sandbox = sandbox;
  context.services.journal = {
    once: async (_key: string, work: () => Promise<unknown>) => ({ result: await work(), reused: false }),
  } as never;
  const request = {
    ideaId: "i1",
    kind: "latex" as const,
    runIndex: 0,
    attempt: 1,
    files: { "paper.tex": "\\documentclass{article}", "references.bib": "" },
    inputs: { "i1/acc.png": "acc.png" },
    command: ["latexmk", "-pdf", "-shell-escape", "paper.tex"],
    timeoutMs: 10_000_000,
    cacheKey: null,
  };
  const run = (overrides: Record<string, unknown> = {}) =>
    toPromise(createActor(runExperimentActor(context), { input: { ...request, ...overrides } }).start());
  return { run, seen, artifacts, context };
}

describe("experimenter: compiling a paper (kind latex)", () => {
  it("runs the fixed script (chktex, latexmk without rc files or shell escape, pdftotext) in the latex image, and keeps the paper, its log, chktex's warnings and its text", async () => {
    const { run, seen, artifacts, context } = experimenter({
      files: {
        "paper.pdf": bytes("%PDF-1.5"),
        "paper.log": bytes("ok"),
        "paper.aux": bytes("aux"),
        "chktex.log": bytes("Warning 8 in paper.tex line 3"),
        "paper.txt": bytes("Title"),
      },
    });
    const result = await run();
    expect(seen[0]).toMatchObject({
      image: "latex",
      command: [...LATEX_COMMAND],
      timeoutMs: context.swarm.sandbox.latexTimeoutMs,
    });
    expect(seen[0]!.command).toEqual(["sh", "-c", LATEX_SCRIPT]);
    expect(LATEX_SCRIPT).toContain("chktex -q -n2 -n24 -n13 -n1 paper.tex > chktex.log");
    expect(LATEX_SCRIPT).toContain(
      "latexmk -norc -pdf -no-shell-escape -interaction=nonstopmode -halt-on-error paper.tex",
    );
    expect(LATEX_SCRIPT).toContain("pdftotext -enc UTF-8 paper.pdf paper.txt");
    expect(LATEX_SCRIPT).not.toMatch(/(?<!no)-shell-escape|\$\(|`/);
    expect(Object.keys(seen[0]!.files).sort()).toEqual(["acc.png", "paper.tex", "references.bib"]);
    expect(result).toMatchObject({
      kind: "latex",
      status: "ok",
      artifacts: {
        "paper.pdf": "i1/paper.pdf",
        "paper.log": "i1/paper.log",
        "chktex.log": "i1/chktex.log",
        "paper.txt": "i1/paper.txt",
      },
    });
    expect(Object.keys(result.artifacts)).toHaveLength(4);
    expect(artifacts.files.get("i1/paper.pdf")).toBe("%PDF-1.5");
  });

  it("sends back the TeX error from paper.log, not latexmk's summary, when the compile fails", async () => {
    const { run } = experimenter({
      status: "error",
      exitCode: 12,
      reason: "exit code 12",
      stderr: "Latexmk: Errors, so I did not complete making targets",
      files: { "paper.log": bytes(LOG) },
    });
    const result = await run();
    expect(result.status).toBe("error");
    expect(result.stderrTail.startsWith("! Undefined control sequence.\nl.42 \\badmacro")).toBe(true);
  });

  it("calls a compile without a PDF a failure", async () => {
    const { run } = experimenter({ files: { "paper.log": bytes("no pages of output") } });
    expect(await run()).toMatchObject({
      status: "error",
      reason: "latexmk exited 0 but wrote no paper.pdf",
      stderrTail: "no pages of output",
    });
  });

  it("refuses a request that would send a latexmkrc (it could switch shell escape on), and admits the template's .sty, .bst and .cls", async () => {
    expect(
      latexRequestProblem({ "paper.tex": "x", ".latexmkrc": "$pdflatex = 'pdflatex -shell-escape %O %S';" }, {}),
    ).toMatch(/not \.latexmkrc/);
    expect(latexRequestProblem({ "paper.tex": "x", latexmkrc: "" }, {})).toMatch(/not latexmkrc/);
    expect(latexRequestProblem({ "paper.tex": "x", "sub/natbib.sty": "" }, {})).toMatch(/not sub\/natbib\.sty/);
    expect(latexRequestProblem({ "paper.tex": "x", "run.sh": "" }, {})).toMatch(/not run\.sh/);
    expect(
      latexRequestProblem(
        {
          "paper.tex": "x",
          "iclr2024_conference.sty": "",
          "iclr2024_conference.bst": "",
          "fancyhdr.sty": "",
          "natbib.sty": "",
          "llncs.cls": "",
        },
        {},
      ),
    ).toBeNull();
    expect(latexRequestProblem({ "paper.tex": "x" }, { a: "../../etc/x.png" })).toMatch(/not \.\.\/\.\.\/etc\/x\.png/);
    expect(latexRequestProblem({ "paper.tex": "x", "references.bib": "" }, { a: "val_acc.png" })).toBeNull();
    const { run, seen } = experimenter({});
    await expect(run({ files: { "paper.tex": "x", latexmkrc: "" } })).rejects.toThrow(
      /only \.tex\/\.bib\/\.sty\/\.bst\/\.cls files/,
    );
    expect(seen).toHaveLength(0);
  });

  it("names the first TeX error with the line that locates it, not latexmk's last line", () => {
    expect(firstTexError(LOG)).toBe("! Undefined control sequence. (l.42 \\badmacro)");
    expect(firstTexError(`${LOG}! Emergency stop.\n<*> paper.tex\n`)).toBe(
      "! Undefined control sequence. (l.42 \\badmacro)",
    );
    expect(firstTexError("! LaTeX Error: File `foo.sty' not found.\n\nType X to quit")).toBe(
      "! LaTeX Error: File `foo.sty' not found.",
    );
    expect(firstTexError("Latexmk: Errors, so I did not complete making targets")).toBeNull();
  });

  it("keeps the log's plain tail when it holds no TeX error line", () => {
    expect(latexLogTail("a".repeat(3000), 1500)).toBe("a".repeat(1500));
    expect(latexLogTail(LOG, 40)).toBe("! Undefined control sequence.\nl.42 \\badm");
  });
});
