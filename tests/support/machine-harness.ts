import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AnyStateMachine, Snapshot } from "xstate";
import { deterministicId, type Envelope } from "../../bus/index.ts";
import { runMachineStep, type Outbound, type TemplateInfo } from "../../agents/runtime/index.ts";
import { repoRoot } from "../../config/index.ts";

let counter = 0;

export function envelope(type: string, payload: unknown, correlation = "c-1", run = "r-test"): Envelope {
  counter++;
  return {
    id: deterministicId(`test-${counter}`, type, 0, run),
    type,
    run,
    from: "test/harness",
    causation: null,
    correlation,
    at: new Date().toISOString(),
    v: 1,
    payload,
  };
}

/** Drives a machine one message at a time, carrying the persisted snapshot like the runtime does (no NATS). */
export class MachineHarness {
  snapshot: Snapshot<unknown> | null = null;
  outputs: Outbound[] = [];
  status = "active";
  constructor(
    private readonly machine: AnyStateMachine,
    private readonly input: unknown = {},
  ) {}

  async send(type: string, payload: unknown, correlation?: string): Promise<Outbound[]> {
    const step = await runMachineStep(
      this.machine,
      this.snapshot,
      this.input,
      { type, envelope: envelope(type, payload, correlation) },
      new AbortController().signal,
    );
    this.snapshot = step.snapshot;
    this.status = step.status;
    this.outputs.push(...step.outbox);
    return step.outbox;
  }

  get value(): unknown {
    return (this.snapshot as { value?: unknown } | null)?.value;
  }
}

export const tinyTemplate: TemplateInfo = {
  name: "tiny",
  dir: "/nonexistent",
  files: {
    "experiment.py":
      '# --- scientist:params begin ---\nPARAMS = {"lr": 0.1, "width": 8}\n# --- scientist:params end ---\nprint("hi")\n',
    "plot.py": "print('plot')\n",
    // The seed's LaTeX skeleton, as the default template ships it (the writer renders paper.tex from it).
    "latex/template.tex": readFileSync(join(repoRoot, "templates/mlp-dynamics/latex/template.tex"), "utf8"),
  },
  prompt: { system: "s", task_description: "A tiny template for tests." },
  seedIdeas: [],
  baselineParams: { lr: 0.1, width: 8 },
  space: { lr: [0.01, 0.1, 1], width: [4, 8, 16] },
  metrics: { primary: "acc", higherIsBetter: true },
  sandbox: { image: "python-ml", timeoutMs: 60_000, plotTimeoutMs: 30_000, memoryMb: 512, cpus: 1 },
  fixedSettings: {},
  applyParams: (source, params) => source.replace(/PARAMS = .*/, `PARAMS = ${JSON.stringify(params)}`),
  prepareRun(params, runIndex, source) {
    const code = source ?? this.files["experiment.py"]!;
    return {
      files: { "experiment.py": Object.keys(params).length ? this.applyParams(code, params) : code },
      command: ["python3", "experiment.py", `--out_dir=run_${runIndex}`],
    };
  },
  get workspace() {
    return Object.fromEntries(Object.entries(this.files).map(([path, text]) => [path, new TextEncoder().encode(text)]));
  },
};
