/**
 * Figure 5, time to the first decided paper of the default run (rules policies, the default template and config)
 * once the sandbox images exist, and where that time goes per stage, beside the sandbox time inside each stage
 * (the experiments and the LaTeX compile themselves: what no framework can remove).
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Envelope } from "../bus/index.ts";
import { loadConfig } from "../config/index.ts";
import { builtinRoles } from "../agents/roles/index.ts";
import { bootRoles, runSwarm, silentLogger } from "../agents/runtime/index.ts";
import { figure, type Figure, type SectionResult } from "./figures.ts";
import { startLocalBus } from "./local-bus.ts";
import { readTimedRun } from "./stage-times.ts";

const STAGES: Array<[string, string, string]> = [
  ["novelty", "idea.proposed", "idea.assessed"],
  ["experiments", "idea.assessed", "study.completed"],
  ["writing", "study.completed", "paper.drafted"],
  ["reviewing", "paper.drafted", "paper.decided"],
];

export async function firstPaperBench(): Promise<SectionResult> {
  const local = await startLocalBus();
  try {
    const config = loadConfig({
      env: {},
      raw: { run: { out: mkdtempSync(join(tmpdir(), "sci-bench-default-")) }, nats: { url: local.url } },
    });
    const { registry } = await bootRoles(config, builtinRoles);
    // The figure is the first decided paper: the run is stopped there (it still writes its report).
    const stop = new AbortController();
    const calledAt = Date.now();
    const result = await runSwarm({
      config,
      registry,
      logger: silentLogger,
      signal: stop.signal,
      onMessage: (m) => m.envelope?.type === "paper.decided" && stop.abort(),
    });
    const stored = await readTimedRun(local.bus, result.run);
    const first = stored.find((s) => s.envelope.type === "paper.decided");
    const startedAt = stored.find((s) => s.envelope.type === "run.started")?.storedMs ?? calledAt;
    if (!first)
      return {
        section: "5 first paper",
        figures: [],
        notes: [`the default run decided no paper: ${result.report.reason ?? "no reason"}`],
        skipped: "no decided paper",
      };
    const idea = first.envelope.correlation;
    const mine = stored.filter((s) => s.envelope.correlation === idea);
    const at = (type: string) => mine.find((s) => s.envelope.type === type)?.storedMs ?? null;
    const sandboxIn = (from: number, to: number) =>
      mine
        .filter((s) => s.envelope.type === "experiment.finished" && s.storedMs > from && s.storedMs <= to)
        .reduce((a, s) => a + (s.envelope as Envelope<{ usage: { wallMs: number } }>).payload.usage.wallMs, 0);
    const proposedAt = at("idea.proposed") ?? startedAt;
    const stages: Record<string, { ms: number; sandboxMs: number }> = {
      boot: { ms: startedAt - calledAt, sandboxMs: 0 },
      "to proposal": { ms: proposedAt - startedAt, sandboxMs: 0 },
    };
    for (const [name, from, to] of STAGES) {
      const a = at(from);
      const b = at(to);
      if (a !== null && b !== null) stages[name] = { ms: b - a, sandboxMs: sandboxIn(a, b) };
    }
    const totalMs = first.storedMs - calledAt;
    const sandboxMs = sandboxIn(proposedAt, first.storedMs);
    const figures: Figure[] = [
      figure({
        name: "first decided paper",
        value: totalMs / 1000,
        unit: "s",
        anchorName: "its sandbox time",
        anchor: sandboxMs / 1000,
        target: null,
        note: `idea ${idea}`,
      }),
      ...Object.entries(stages).map(([name, s]) =>
        figure({
          name: `  stage ${name}`,
          value: s.ms / 1000,
          unit: "s",
          anchorName: "sandbox",
          anchor: s.sandboxMs / 1000,
          target: null,
        }),
      ),
    ];
    const runs = mine
      .filter((s) => s.envelope.type === "experiment.finished")
      .map((s) => {
        const p = (
          s.envelope as Envelope<{ kind: string; runIndex: number; usage: { wallMs: number }; reused: boolean }>
        ).payload;
        return { kind: p.kind, runIndex: p.runIndex, wallMs: p.usage.wallMs, reused: p.reused };
      });
    return {
      section: "5 first paper",
      figures,
      notes: [
        `the first paper (${idea}) took ${(totalMs / 1000).toFixed(1)} s from the call, ${(sandboxMs / 1000).toFixed(1)} s of it inside the sandbox; ` +
          `the largest stage is ${Object.entries(stages).sort((a, b) => b[1].ms - a[1].ms)[0]![0]}. The run was stopped at that decision.`,
      ],
      details: {
        run: result.run,
        idea,
        totalMs,
        sandboxMs,
        stages,
        sandboxRuns: runs,
        report: { messages: result.report.messages, stages: result.report.stages },
      },
    };
  } finally {
    await local.close();
  }
}
