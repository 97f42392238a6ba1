import { describe, expect, it } from "vitest";
import { isTemplateError, readParamsBlock, writeParamsBlock } from "./index.ts";

const source = [
  "import numpy as np",
  "",
  "# --- scientist:params begin (the rules coder rewrites this block) ---",
  'PARAMS = {"learning_rate": 0.05, "width": 32, "init_scale": 1.0, "optimizer": "sgd", "nesterov": False}',
  "# --- scientist:params end ---",
  "",
  "print(PARAMS)",
  "",
].join("\n");

describe("params block", () => {
  it("reads a flat dict of numbers, strings and booleans", () => {
    expect(readParamsBlock(source)).toEqual({
      learning_rate: 0.05,
      width: 32,
      init_scale: 1,
      optimizer: "sgd",
      nesterov: false,
    });
  });

  it("round-trips: writing what was read gives back the same source", () => {
    expect(writeParamsBlock(source, readParamsBlock(source)!)).toBe(source);
  });

  it("rewrites only the block and keeps floats floats", () => {
    const next = writeParamsBlock(source, {
      learning_rate: 0.5,
      width: 64,
      init_scale: 2,
      optimizer: "adam",
      nesterov: true,
    });
    expect(next).toContain(
      'PARAMS = {"learning_rate": 0.5, "width": 64, "init_scale": 2.0, "optimizer": "adam", "nesterov": True}',
    );
    expect(next.startsWith("import numpy as np\n\n# --- scientist:params begin")).toBe(true);
    expect(next.endsWith("# --- scientist:params end ---\n\nprint(PARAMS)\n")).toBe(true);
    expect(readParamsBlock(next)).toEqual({
      learning_rate: 0.5,
      width: 64,
      init_scale: 2,
      optimizer: "adam",
      nesterov: true,
    });
  });

  it("writes strings that need escaping as valid Python literals", () => {
    const next = writeParamsBlock(source, { note: 'say "hi"\n\\ok', tiny: 1e-7 });
    expect(next).toContain('PARAMS = {"note": "say \\"hi\\"\\n\\\\ok", "tiny": 1e-7}');
    expect(readParamsBlock(next)).toEqual({ note: 'say "hi"\n\\ok', tiny: 1e-7 });
  });

  it("reads a multi-line block with single quotes, comments, trailing commas and CRLF line ends", () => {
    const multi = [
      "# --- scientist:params begin ---",
      "PARAMS = {",
      "    'lr': 3e-4,  # Adam's default",
      "    'steps': 1_000,",
      "    'act': 'relu',",
      "    'neg': -0.5,",
      "}",
      "# --- scientist:params end ---",
      "",
    ].join("\r\n");
    expect(readParamsBlock(multi)).toEqual({ lr: 3e-4, steps: 1000, act: "relu", neg: -0.5 });
    const next = writeParamsBlock(multi, { lr: 0.001, steps: 10, act: "tanh", neg: -1 });
    expect(next).toBe(
      '# --- scientist:params begin ---\r\nPARAMS = {"lr": 0.001, "steps": 10, "act": "tanh", "neg": -1.0}\r\n# --- scientist:params end ---\r\n',
    );
  });

  it("returns null for a seed-format source without a block", () => {
    expect(readParamsBlock("lr = 0.1\nprint(lr)\n")).toBeNull();
  });

  it("refuses to write when the block is missing", () => {
    try {
      writeParamsBlock("lr = 0.1\n", { lr: 0.2 });
      expect.unreachable();
    } catch (error) {
      expect(isTemplateError(error, "TEMPLATE_NO_PARAMS_BLOCK")).toBe(true);
      expect((error as { retryable: boolean }).retryable).toBe(false);
    }
  });

  it("refuses expressions, None and nested dicts with TEMPLATE_BAD_PARAMS", () => {
    for (const body of [
      '{"lr": 1 / 10}',
      '{"lr": None}',
      '{"opt": {"lr": 0.1}}',
      '{"lr": 0.1, "lr": 0.2}',
      '{"lr": 0.1',
    ]) {
      const text = `# --- scientist:params begin ---\nPARAMS = ${body}\n# --- scientist:params end ---\n`;
      expect(() => readParamsBlock(text), body).toThrow(expect.objectContaining({ code: "TEMPLATE_BAD_PARAMS" }));
    }
  });

  it("refuses two blocks as ambiguous", () => {
    const twice = `${source}\n${source}`;
    expect(() => readParamsBlock(twice)).toThrow(expect.objectContaining({ code: "TEMPLATE_BAD_PARAMS" }));
  });

  it("refuses to write a non-finite number", () => {
    expect(() => writeParamsBlock(source, { learning_rate: Number.NaN })).toThrow(
      expect.objectContaining({ code: "TEMPLATE_BAD_PARAMS" }),
    );
  });
});
