// How a run applies settings without editing the template: flags for argparse knobs, the override wrapper for
// literals hidden in code (run here through host python3 on a tiny fixture that prints what it sees), the params
// block for our own templates; and the workspace of every template file.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  knobRun,
  paramsBlockRun,
  readWorkspace,
  SETTINGS_FILE,
  WRAPPER_FILE,
  type Knob,
  type PreparedRun,
} from "./index.ts";

const fixture = `import argparse
import json
import os
import sys
from dataclasses import dataclass


@dataclass
class Config:
    width: int = 8


def run(out_dir):
    num_total_updates = 7500
    warm = 0.5
    count = 0
    for _ in range(3):
        count += 1
    print(json.dumps({"updates": num_total_updates, "warm": warm, "width": Config().width, "count": count,
                      "lr": args.lr, "fast": args.fast, "argv": sys.argv, "file": os.path.basename(__file__), "name": __name__}))


parser = argparse.ArgumentParser()
parser.add_argument("--out_dir", type=str, default="run_0")
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--fast", action="store_true")
args = parser.parse_args()

if __name__ == "__main__":
    run(args.out_dir)
`;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function templateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "run-plan-"));
  scratch.push(dir);
  writeFileSync(join(dir, "experiment.py"), fixture);
  return dir;
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const script = new URL("./probe_template.py", import.meta.url).pathname;

function knobsOf(dir: string): Knob[] {
  return JSON.parse(execFileSync("python3", [script, join(dir, "experiment.py")], { encoding: "utf8" })).knobs;
}

/** Runs a prepared run as the sandbox would: its files in a fresh work dir (over the template's), its command. */
function execute(template: string, run: PreparedRun): Record<string, unknown> {
  const work = mkdtempSync(join(tmpdir(), "run-plan-work-"));
  scratch.push(work);
  writeFileSync(join(work, "experiment.py"), readFileSync(join(template, "experiment.py")));
  for (const [path, text] of Object.entries(run.files)) writeFileSync(join(work, path), text);
  const [cmd, ...argv] = run.command;
  return JSON.parse(execFileSync(cmd!, argv, { cwd: work, encoding: "utf8" }).trim().split("\n").pop()!);
}

describe("knobRun: settings of a seed-format template", () => {
  const dir = templateDir();
  const knobs = knobsOf(dir);
  const before = sha(join(dir, "experiment.py"));

  it("finds the fixture's knobs (argparse flags, a dataclass field, run()'s locals, a loop count), not the counter", () => {
    expect(knobs.map((k) => k.name).sort()).toEqual([
      "Config.width",
      "fast",
      "lr",
      "run.num_total_updates",
      "run.range.0",
      "run.warm",
    ]);
  });

  it("overriding run.num_total_updates changes the value the code sees, and the file on disk stays as it was", () => {
    const prepare = knobRun(fixture, knobs, {});
    const run = prepare({ "run.num_total_updates": 200, "Config.width": 16 }, 1);
    expect(run.command).toEqual(["python3", WRAPPER_FILE, SETTINGS_FILE, "experiment.py", "--out_dir=run_1"]);
    expect(run.files["experiment.py"]).toBe(fixture);
    const seen = execute(dir, run);
    expect(seen).toMatchObject({
      updates: 200,
      width: 16,
      warm: 0.5,
      count: 3,
      lr: 0.1,
      fast: false,
      file: "experiment.py",
      name: "__main__",
    });
    expect(seen.argv).toEqual(["experiment.py", "--out_dir=run_1"]);
    expect(sha(join(dir, "experiment.py"))).toBe(before);
  });

  it("argparse knobs go as flags, without the wrapper when nothing else changes", () => {
    const run = knobRun(fixture, knobs, {})({ lr: 0.05, fast: true, "run.num_total_updates": 7500 }, 2);
    expect(run.command).toEqual(["python3", "experiment.py", "--out_dir=run_2", "--lr=0.05", "--fast"]);
    expect(Object.keys(run.files)).toEqual(["experiment.py"]);
    expect(execute(dir, run)).toMatchObject({ lr: 0.05, fast: true, updates: 7500 });
  });

  it("fixed settings apply to every run, the baseline's included, and an idea's setting goes on top", () => {
    const prepare = knobRun(fixture, knobs, { "run.num_total_updates": 200 });
    expect(execute(dir, prepare({}, 0))).toMatchObject({ updates: 200, warm: 0.5 });
    expect(execute(dir, prepare({ "run.warm": 0.25 }, 1))).toMatchObject({ updates: 200, warm: 0.25 });
  });

  it("on code a coder edited, the fixed settings are found again by name and pinned; a vanished knob stops the run naming it", () => {
    const prepare = knobRun(fixture, knobs, { "run.num_total_updates": 200 });
    const edited = fixture.replace("    warm = 0.5\n", "    warm = 0.75\n");
    expect(execute(dir, prepare({}, 1, edited))).toMatchObject({ updates: 200, warm: 0.75 });
    const gone = fixture.replace(
      "    num_total_updates = 7500\n",
      "    num_total_updates = int(os.environ.get('N', '9'))\n",
    );
    expect(() => execute(dir, prepare({}, 1, gone))).toThrow(
      /setting run\.num_total_updates: experiment\.py has no such knob any more/,
    );
  });

  it("refuses unknown knobs and values of the wrong type", () => {
    const prepare = knobRun(fixture, knobs, {});
    expect(() => prepare({ "run.num_updates": 1 }, 1)).toThrow(
      /setting run\.num_updates: experiment\.py has no such knob \(known: /,
    );
    expect(() => prepare({ "run.num_total_updates": 0.5 }, 1)).toThrow(/expected an integer/);
  });
});

describe("paramsBlockRun: our params-block templates", () => {
  const source =
    '# --- scientist:params begin ---\nPARAMS = {"lr": 0.1, "epochs": 300}\n# --- scientist:params end ---\n';
  it("rewrites the block with the fixed settings and the idea's, and leaves a plain baseline as given", () => {
    expect(paramsBlockRun(source, {})({}, 0).files["experiment.py"]).toBe(source);
    const run = paramsBlockRun(source, { epochs: 60 })({ lr: 0.5 }, 1);
    expect(run.files["experiment.py"]).toContain('PARAMS = {"lr": 0.5, "epochs": 60}');
    expect(run.command).toEqual(["python3", "experiment.py", "--out_dir=run_1"]);
    expect(() => paramsBlockRun(source, {})({ dropout: 0.1 }, 1)).toThrow(
      /PARAMS has no such key \(known: lr, epochs\)/,
    );
  });
});

describe("readWorkspace", () => {
  it("holds every file of the template, binary included, but not run outputs, caches or what is over its limits", async () => {
    const dir = templateDir();
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "celled_data_20x25"), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(dir, "data", "big.bin"), Buffer.alloc(2048));
    mkdirSync(join(dir, "run_0"));
    writeFileSync(join(dir, "run_0", "final_info.json"), "{}");
    mkdirSync(join(dir, "__pycache__"));
    writeFileSync(join(dir, "__pycache__", "x.pyc"), "x");
    const { workspace, skipped } = await readWorkspace(dir, { fileBytes: 1024, totalBytes: 1 << 20 });
    expect(Object.keys(workspace).sort()).toEqual(["data/celled_data_20x25", "experiment.py"]);
    expect([...workspace["data/celled_data_20x25"]!]).toEqual([0, 1, 2, 255]);
    expect(skipped).toEqual(["data/big.bin"]);
  });
});
