import { join } from "node:path";
import Dockerode from "dockerode";
import type { Command } from "commander";
import { repoRoot } from "../../config/index.ts";
import { createLogger } from "../../agents/runtime/index.ts";
import {
  createSandbox,
  formatSelftestTable,
  latexSkipReason,
  runSelftest,
  sandboxExecutor,
  selftestLimits,
  type SelftestResult,
} from "../../sandbox/index.ts";
import { boot, fail } from "../boot.ts";

/**
 * `scientist sandbox selftest`: the adversarial suite (sandbox/selftest, the same cases the test suite sends
 * through the experimenter) run straight in this machine's sandbox; prints case → status → contained and exits
 * non-zero if any case got out.
 */
export function registerSandboxSelftest(sandbox: Command): void {
  sandbox
    .command("selftest")
    .description("attack this machine's sandbox (fork/memory bombs, 1 TB of checkpoints, escapes) and print what held")
    .option("-c, --config <file>", "swarm config YAML (cache dir, backend)")
    .option("--backend <backend>", "docker | bwrap | auto (default: the config's sandbox.backend)")
    .option("--case <ids...>", "run only these cases (ids: fork-bomb, memory-bomb, ...)")
    .action(async (opts: { config?: string; backend?: string; case?: string[] }) => {
      try {
        const { config } = await boot({ config: opts.config });
        const backend = opts.backend ?? config.sandbox.backend;
        if (backend !== "docker" && backend !== "bwrap" && backend !== "auto")
          throw new Error(`--backend must be docker, bwrap or auto, not ${backend}`);
        const logger = createLogger({ level: "warn" });
        const sandbox = await createSandbox({
          backend,
          cacheDir: config.sandbox.cacheDir,
          mirror: config.sandbox.mirror,
          logger,
        });
        await sandbox.ensureImage("python-ml");
        // The latex image takes minutes to build: a selftest uses it when built (in the engine, or as the bwrap
        // rootfs) and says so when it is not.
        const latexSkip = await latexSkipReason({
          backend: sandbox.backend,
          cacheDir: config.sandbox.cacheDir,
          docker: sandbox.backend === "docker" ? new Dockerode() : null,
        });
        process.stdout.write(
          `sandbox selftest on the ${sandbox.backend} backend (limits: ${selftestLimits.memoryBytes >> 20} MiB, ${selftestLimits.pids} pids, ${selftestLimits.diskBytes >> 20} MiB disk)\n`,
        );
        const results = await runSelftest({
          execute: sandboxExecutor(sandbox),
          limits: {
            pids: selftestLimits.pids,
            outputBytes: selftestLimits.outputBytes,
            diskBytes: selftestLimits.diskBytes,
          },
          workRoot: config.sandbox.cacheDir,
          canaryDir: join(config.sandbox.cacheDir, "selftest"),
          templateYamlPath: join(repoRoot, "templates/mlp-dynamics/template.yaml"),
          repoRoot,
          // The swarm's NATS port: the one configured, else the well-known one.
          extraPorts: [config.nats.url ? Number(new URL(config.nats.url).port || 4222) : 4222],
          skip: (testCase) =>
            opts.case !== undefined && !opts.case.includes(testCase.id)
              ? "not selected"
              : testCase.image === "latex"
                ? latexSkip
                : null,
          onResult: (result: SelftestResult) =>
            process.stderr.write(`  ${result.id}: ${result.status}${result.contained ? "" : " NOT CONTAINED"}\n`),
        });
        await sandbox.close();
        process.stdout.write(`${formatSelftestTable(results, sandbox.backend)}\n`);
        const escaped = results.filter((result) => !result.contained);
        process.stdout.write(
          escaped.length === 0
            ? "every case was contained\n"
            : `NOT CONTAINED: ${escaped.map((r) => r.id).join(", ")}\n`,
        );
        process.exitCode = escaped.length === 0 ? 0 : 1;
      } catch (error) {
        fail(error);
      }
    });
}
