// `scientist review-bench` as a user runs it, with no model key: it says so loudly, scores only the original's
// reviews, writes review-bench.json and exits 0.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, repoRoot } from "../../config/index.ts";
import { buildProgram } from "../../cli/main.ts";
import type { BenchReport } from "./index.ts";

const dataDir = loadConfig().data.iclr2022;

/** The CLI in a child with an environment of our own: no model key can leak in from the developer's shell. */
function scientist(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, "bin/scientist.mjs"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
    cwd: repoRoot,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("scientist review-bench (CLI)", () => {
  it("documents its flags in --help", () => {
    const command = buildProgram().commands.find((c) => c.name() === "review-bench");
    const help = command!.helpInformation();
    for (const flag of [
      "--config",
      "--data",
      "--papers",
      "--seed",
      "--out",
      "--nats",
      "--model",
      "--replay",
      "--resume",
    ])
      expect(help).toContain(flag);
  });

  it.skipIf(!dataDir)(
    "without a model key: says so, scores the seed's reviews only, writes the report, exits 0",
    async () => {
      const out = mkdtempSync(join(tmpdir(), "sci-rb-cli-"));
      const { code, stdout, stderr } = await scientist([
        "review-bench",
        "--papers",
        "10",
        "--seed",
        "3",
        "--out",
        out,
        "--data",
        dataDir!,
      ]);
      expect(stderr).toContain("no model key: OPENAI_API_KEY is not set");
      expect(code).toBe(0);
      expect(stdout).toContain("!!! no model key");
      expect(stdout).toContain("10 papers (4 accept, 6 reject");
      expect(stdout).toMatch(
        /gpt-4o-2024-05-13_temp_0_1_reflect_5_ensemble_5_pages_all\s+all\s+500\s+0\s+0\.68\s+0\.61/,
      );
      const [run] = readdirSync(out);
      const report = JSON.parse(readFileSync(join(out, run!, "review-bench.json"), "utf8")) as BenchReport;
      expect(report.panel).toBeNull();
      expect(report.panelSkipped).toMatch(/no model key/);
      expect(report.papers).toHaveLength(10);
      expect(report.papers.every((p) => p.status === "not reviewed" && p.panelOverall === null)).toBe(true);
      expect(report.metrics.map((m) => m.source)).toEqual(Array(12).fill("seed"));
    },
  );
});
