/**
 * Runs the adversarial cases with any executor (the sandbox directly, or the experimenter over NATS) and judges
 * each: the status it must end with, its own breach checks, and the host-wide ones: no process of the run
 * survives it, at most `pids` ran at once, free disk dipped by at most the work dir cap and came back, the host
 * canary and template.yaml are unchanged, nothing reached a host port, the planted API key and the canary's
 * content appear in no output.
 */

import { plantHostVariable } from "../../config/index.ts";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { SandboxStatus } from "../types.ts";
import { healthyCase, selftestCases, type SelftestCase, type SelftestContext, type SelftestOutcome } from "./cases.ts";
import { fingerprint, freeBytes, hostProcessCount, markerProcesses, monitorRun, settles } from "./host-probe.ts";

export interface SelftestRequest {
  image: string;
  kind: "experiment" | "plot";
  files: Record<string, string>;
  command: string[];
  timeoutMs: number;
}

export type SelftestExecutor = (request: SelftestRequest, testCase: SelftestCase) => Promise<SelftestOutcome>;

export interface SelftestOptions {
  execute: SelftestExecutor;
  /** The limits the executor applies (for the checks). */
  limits: { pids: number; outputBytes: number; diskBytes: number };
  /** A dir on the filesystem holding the sandbox work dirs: its free space is watched. */
  workRoot: string;
  /** A host dir outside every work dir for the canary file, e.g. the repo's .scientist/. */
  canaryDir: string;
  templateYamlPath: string;
  repoRoot: string;
  /** Host ports the code must not reach besides the runner's own listener, e.g. NATS. */
  extraPorts?: number[];
  cases?: readonly SelftestCase[];
  /** Why a case can't run here (e.g. its image is not built), or null. */
  skip?: (testCase: SelftestCase) => string | null;
  onResult?: (result: SelftestResult) => void;
}

export interface SelftestResult {
  id: string;
  title: string;
  status: SandboxStatus | "skipped" | "run-failed";
  expected: SandboxStatus;
  contained: boolean;
  breaches: string[];
  /** One line about what happened (the reason, or why it was skipped). */
  note: string;
  host: {
    processesBefore: number;
    processesAfter: number;
    peakRunProcesses: number;
    freeDropBytes: number;
    peakFreeDropBytes: number;
  };
}

/** Slack on the free-disk checks for whatever else runs on the host (other tests, logs). */
const diskSlackBytes = 256 * 1024 * 1024;
/** The planted host secret's variable name: any backend that passed the host env through would leak it. */
export const selftestSecretName = "SCIENTIST_SELFTEST_API_KEY";

export async function runSelftest(options: SelftestOptions): Promise<SelftestResult[]> {
  const cases = options.cases ?? [...selftestCases, healthyCase];
  mkdirSync(options.canaryDir, { recursive: true });
  const canaryContent = `canary-secret-${randomBytes(12).toString("hex")}`;
  const canaryPath = join(options.canaryDir, `canary-${randomBytes(4).toString("hex")}.txt`);
  writeFileSync(canaryPath, canaryContent, { mode: 0o644 });
  const secret = `sk-selftest-${randomBytes(16).toString("hex")}`;
  // Planted in this process's environment (never read back): a backend that let the host env through would leak it.
  const unplant = plantHostVariable(selftestSecretName, secret);
  let listenerConnections = 0;
  const listener: Server = createServer((socket) => {
    listenerConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "0.0.0.0", resolve));
  const ports = [(listener.address() as AddressInfo).port, ...(options.extraPorts ?? [])];
  const hosts = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address?.family === "IPv4")
    .map((address) => address?.address as string);
  const results: SelftestResult[] = [];
  try {
    for (const testCase of cases) {
      const skipped = options.skip?.(testCase) ?? null;
      const result =
        skipped !== null
          ? skippedResult(testCase, skipped)
          : await runCase(testCase, {
              marker: `selftest-${testCase.id}-${randomBytes(5).toString("hex")}`,
              canaryPath,
              templateYamlPath: options.templateYamlPath,
              templateYamlText: readFileSync(options.templateYamlPath, "utf8"),
              hostTargetPath: join(options.canaryDir, `planted-${randomBytes(4).toString("hex")}`),
              hostEndpoints: hosts.flatMap((host) => ports.map((port) => ({ host, port }))),
              repoRoot: options.repoRoot,
            });
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    unplant();
    await new Promise((resolve) => listener.close(resolve));
    rmSync(canaryPath, { force: true });
  }
  return results;

  async function runCase(testCase: SelftestCase, context: SelftestContext): Promise<SelftestResult> {
    const canaryBefore = fingerprint(canaryPath);
    const templateBefore = fingerprint(options.templateYamlPath);
    const connectionsBefore = listenerConnections;
    const processesBefore = hostProcessCount();
    const freeBefore = freeBytes(options.workRoot);
    const monitor = monitorRun(context.marker, options.workRoot);
    let outcome: SelftestOutcome;
    try {
      outcome = await options.execute(
        {
          image: testCase.image,
          kind: testCase.kind,
          files: testCase.files(context),
          command: testCase.command(context),
          timeoutMs: testCase.timeoutMs,
        },
        testCase,
      );
    } catch (error) {
      monitor.stop();
      // A case that can't run proves nothing: it counts as not contained, with the error as the breach.
      const why = `the run failed: ${(error as Error).message}`.slice(0, 300);
      return { ...skippedResult(testCase, why), status: "run-failed", contained: false, breaches: [why] };
    }
    const sampled = monitor.stop();
    const breaches = [...testCase.breaches(outcome, context, options.limits)];
    if (outcome.status !== testCase.expect) breaches.push(`ended ${outcome.status}, expected ${testCase.expect}`);
    if (!(await settles(() => markerProcesses(context.marker).length === 0, 3_000))) {
      breaches.push(`${markerProcesses(context.marker).length} of its processes outlived the run`);
    }
    if (sampled.peakMarkerProcesses > options.limits.pids)
      breaches.push(`${sampled.peakMarkerProcesses} processes at once, limit ${options.limits.pids}`);
    const freeAfter = freeBytes(options.workRoot);
    if (freeAfter < freeBefore - diskSlackBytes)
      breaches.push(`host free disk fell by ${mib(freeBefore - freeAfter)} MiB and stayed down`);
    if (sampled.minFreeBytes < freeBefore - options.limits.diskBytes - diskSlackBytes) {
      breaches.push(
        `host free disk dipped by ${mib(freeBefore - sampled.minFreeBytes)} MiB, work dir cap ${mib(options.limits.diskBytes)} MiB`,
      );
    }
    if (fingerprint(canaryPath) !== canaryBefore) breaches.push("the host canary file changed");
    if (fingerprint(options.templateYamlPath) !== templateBefore) breaches.push("the host template.yaml changed");
    if (existsSync(context.hostTargetPath)) breaches.push(`it created ${context.hostTargetPath} on the host`);
    if (listenerConnections !== connectionsBefore) breaches.push("it connected to a host port");
    const outputs = [
      outcome.stdout,
      outcome.stderr,
      ...Object.values(outcome.files).map((bytes) => Buffer.from(bytes).toString("latin1")),
    ];
    if (outputs.some((output) => output.includes(secret)))
      breaches.push(`the host's ${selftestSecretName} reached the code`);
    if (outputs.some((output) => output.includes(canaryContent))) breaches.push("the host canary file was read");
    return {
      id: testCase.id,
      title: testCase.title,
      status: outcome.status,
      expected: testCase.expect,
      contained: breaches.length === 0,
      breaches,
      note: (testCase.summary?.(outcome) ?? outcome.reason ?? firstLine(outcome.stdout)).slice(0, 120),
      host: {
        processesBefore,
        processesAfter: hostProcessCount(),
        peakRunProcesses: sampled.peakMarkerProcesses,
        freeDropBytes: Math.max(0, freeBefore - freeAfter),
        peakFreeDropBytes: Math.max(0, freeBefore - sampled.minFreeBytes),
      },
    };
  }
}

function skippedResult(testCase: SelftestCase, why: string): SelftestResult {
  return {
    id: testCase.id,
    title: testCase.title,
    status: "skipped",
    expected: testCase.expect,
    contained: true,
    breaches: [],
    note: why,
    host: { processesBefore: 0, processesAfter: 0, peakRunProcesses: 0, freeDropBytes: 0, peakFreeDropBytes: 0 },
  };
}

const mib = (bytes: number): number => Math.round(bytes / (1024 * 1024));
const firstLine = (text: string): string => text.split("\n", 1)[0] ?? "";

/** The table `scientist sandbox selftest` prints: case → status → contained, and what was seen on the host. */
export function formatSelftestTable(results: readonly SelftestResult[], backend: string): string {
  const rows = results.map((r) => [
    r.title,
    r.status === r.expected || r.status === "skipped" ? r.status : `${r.status} (want ${r.expected})`,
    r.status === "skipped" ? "skipped" : r.contained ? "yes" : "NO",
    r.status === "skipped" ? "-" : `${r.host.processesBefore}→${r.host.processesAfter}`,
    r.status === "skipped" ? "-" : `${r.host.peakRunProcesses}`,
    r.status === "skipped" ? "-" : `${mib(r.host.peakFreeDropBytes)}`,
    r.breaches.length > 0 ? r.breaches.join("; ") : r.note,
  ]);
  // Host procs is every process on the host, before → after (other work on the host moves it too); run procs is
  // the most processes of this run seen at once, which the pids limit bounds.
  const header = ["case", "status", "contained", "host procs", "run procs", "disk dip MiB", "breaches / note"];
  const last = header.length - 1;
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (i === last ? 0 : (row[i] ?? "").length))),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === last ? cell : cell.padEnd(widths[i] ?? 0))).join("  ");
  return [`sandbox selftest (${backend} backend)`, line(header), ...rows.map(line)].join("\n");
}
