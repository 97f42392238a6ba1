// What the owner of a run (`scientist run`, `scientist resume`) does beside hosting roles: it keeps the local
// nats-server it started alive, beats its heartbeat (so `runs` and `resume` can tell a live run from a dead one),
// and, when the server cannot be kept up, still writes the report of what it saw before stopping.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { StoredEnvelope } from "../../bus/index.ts";
import type { SwarmConfig } from "../../config/index.ts";
import { RuntimeError } from "./errors.ts";
import type { RegistryLike } from "./registry-like.ts";
import { buildReport, type RunReport } from "./report.ts";
import { renderReportHtml } from "./report-html.ts";
import { senderProblem } from "./sender-check.ts";

/** A run-level warning for report.json: a fault the run survived or stopped on (server down, a stalled role). */
export interface RunWarning {
  code: string;
  message: string;
  at: string;
}

/**
 * The supervision options for `ensureNats` plus the signal the run waits on: it aborts when the user stops the run
 * or when the supervisor gives up on the server (it died too often), and `error()` then says which.
 */
export function natsGuard(logger: Logger, userSignal?: AbortSignal) {
  const down = new AbortController();
  let failure: RuntimeError | null = null;
  const warnings: RunWarning[] = [];
  return {
    supervise: {
      logger,
      onRestart: (server: { port: number; process: { pid?: number } }) => {
        const message = `the local nats-server died and was restarted on port ${server.port} with the same store (pid ${server.process.pid}); clients reconnected`;
        warnings.push({ code: "RUNTIME_NATS_RESTARTED", message, at: new Date().toISOString() });
      },
      onGiveUp: (error: RuntimeError) => {
        failure = error;
        down.abort();
      },
    },
    signal: userSignal ? AbortSignal.any([userSignal, down.signal]) : down.signal,
    error: (): RuntimeError | null => failure,
    /** Restarts the run survived, for report.json's warnings. */
    warnings: (): RunWarning[] => [...warnings],
  };
}

/** Keeps every message the owner has seen: when the server is gone for good, the report is built from these. */
export function messageLog(onMessage?: (m: StoredEnvelope) => void) {
  const seen: StoredEnvelope[] = [];
  return {
    seen,
    onMessage: (m: StoredEnvelope) => {
      seen.push(m);
      onMessage?.(m);
    },
  };
}

/**
 * The report of a run whose server the supervisor gave up on: built from the messages this owner saw (the stream is
 * out of reach), marked not completed, with the coded reason as a warning. Artifacts are not mirrored (they are in
 * the server's store; `scientist resume` goes on from there once a server runs on it again).
 */
export async function writeOfflineReport(options: {
  config: SwarmConfig;
  run: string;
  templateName: string;
  startedAt: string;
  seen: StoredEnvelope[];
  error: RuntimeError;
  warnings?: RunWarning[];
  registry: RegistryLike;
}): Promise<{ report: RunReport; reportPath: string; runDir: string }> {
  const { config, run } = options;
  const meta = {
    run,
    template: options.templateName,
    policy: config.run.policy,
    startedAt: options.startedAt,
    endedAt: new Date().toISOString(),
  };
  const report = buildReport(options.seen, meta, (e) => senderProblem(e, options.registry));
  report.completed = false;
  report.reason = `[${options.error.code}] ${options.error.message}`;
  report.warnings = [
    ...(options.warnings ?? []),
    { code: options.error.code, message: options.error.message, at: meta.endedAt },
  ];
  const runDir = join(config.run.outDir, run);
  await mkdir(runDir, { recursive: true });
  const reportPath = join(runDir, "report.json");
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(runDir, "index.html"), renderReportHtml(report, options.seen));
  return { report, reportPath, runDir };
}

/**
 * The supervisor gave up on the local server: writes the report of what this owner saw, then throws the coded error.
 */
export async function stopOnNatsDown(
  options: Parameters<typeof writeOfflineReport>[0] & { logger: Logger },
): Promise<never> {
  const written = await writeOfflineReport(options);
  options.logger.error(
    { reportPath: written.reportPath, code: options.error.code },
    "nats-server is down for good; the run stops",
  );
  throw new RuntimeError(
    options.error.code,
    `${options.error.message}; the report of what happened is in ${written.reportPath}`,
    { cause: options.error },
  );
}
