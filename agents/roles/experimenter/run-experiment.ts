import { fromPromise } from "xstate";
import { finalInfoSchema, type Payload } from "../../../bus/index.ts";
import { limitsFromSettings, type SandboxLimits, type SandboxRunResult } from "../../../sandbox/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { ExperimenterConfig } from "./config.ts";
import { LATEX_COMMAND, LATEX_OUTPUTS, latexLogTail, latexRequestProblem } from "./latex-compile.ts";
import { NOT_AN_OUTPUT, workspaceFor } from "./workspace.ts";
import { RoleError } from "../errors.ts";

type Requested = Payload<"experiment.requested">;
type Finished = Payload<"experiment.finished">;

const STDERR_TAIL = 1500; // the seed feeds the last 1,500 characters of stderr back to the coder

/** Limits come from config and the template, never from the code being run. */
export function limitsFor(context: RoleContext<ExperimenterConfig>): SandboxLimits {
  const s = context.swarm.sandbox;
  const t = context.services.template.sandbox;
  // The template may ask for less than the operator allows, never more.
  return limitsFromSettings({
    ...s,
    memoryMb: Math.min(t.memoryMb ?? s.memoryMb, s.memoryMb),
    cpus: Math.min(t.cpus ?? s.cpus, s.cpus),
  });
}

function parseFinalInfo(
  result: SandboxRunResult,
  runIndex: number,
): { info: Finished["finalInfo"]; problem: string | null } {
  const bytes = result.files[`run_${runIndex}/final_info.json`];
  if (!bytes) return { info: null, problem: `the experiment exited 0 but wrote no run_${runIndex}/final_info.json` };
  try {
    const parsed = finalInfoSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success)
      return {
        info: null,
        problem: `run_${runIndex}/final_info.json is not {dataset: {means: {metric: number}}}: ${parsed.error.issues[0]?.message}`,
      };
    return { info: parsed.data, problem: null };
  } catch (error) {
    return { info: null, problem: `run_${runIndex}/final_info.json is not JSON: ${(error as Error).message}` };
  }
}

/** Image, wall clock cap and command by kind: papers compile in the latex image with the fixed command. */
function shapeOf(
  context: RoleContext<ExperimenterConfig>,
  request: Requested,
): { image: string; cap: number; command: string[] } {
  const { sandbox } = context.swarm;
  const template = context.services.template.sandbox;
  if (request.kind === "latex")
    return { image: sandbox.latexImage, cap: sandbox.latexTimeoutMs, command: [...LATEX_COMMAND] };
  const operatorCap = request.kind === "plot" ? sandbox.plotTimeoutMs : sandbox.timeoutMs;
  const templateCap = request.kind === "plot" ? template.plotTimeoutMs : template.timeoutMs;
  return {
    image: template.image ?? sandbox.image,
    cap: Math.min(operatorCap, templateCap ?? operatorCap),
    command: request.command,
  };
}

/** Executes one request in the sandbox, stores what it produced as artifacts, and describes the outcome. */
async function execute(
  context: RoleContext<ExperimenterConfig>,
  request: Requested,
  signal: AbortSignal,
): Promise<Finished> {
  const { sandbox, artifacts } = context.services;
  if (!sandbox) throw new RoleError("EXPERIMENTER_NO_SANDBOX", "no sandbox backend is configured on this host");
  if (request.kind === "latex") {
    const problem = latexRequestProblem(request.files, request.inputs);
    if (problem) throw new RoleError("EXPERIMENTER_BAD_REQUEST", problem);
  }
  const limits = limitsFor(context);
  const files = await workspaceFor(
    context.services.template,
    request,
    (name) => artifacts.get(name),
    limits.artifactBytes,
  );
  const { image, cap, command } = shapeOf(context, request);
  const prefix = request.kind === "experiment" ? `run_${request.runIndex}/` : "";
  const result = await sandbox.run({
    image,
    files,
    command,
    limits,
    timeoutMs: Math.min(request.timeoutMs, cap),
    // An experiment's results are its run dir; only that comes out (and counts against the artifact caps).
    ...(prefix && { collect: [prefix] }),
    signal,
  });
  const stored: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(result.files)) {
    if (path in files) continue; // inputs are not outputs, even when the run rewrote them
    if (prefix && !path.startsWith(prefix)) continue;
    if (NOT_AN_OUTPUT.test(path)) continue;
    if (request.kind === "latex" && !LATEX_OUTPUTS.has(path)) continue;
    stored[path] = await artifacts.put(`${request.ideaId}/${path}`, bytes);
  }
  const logBase = `${request.ideaId}/logs/${request.kind}_${request.runIndex}_attempt_${request.attempt}`;
  await artifacts.put(`${logBase}.stdout.txt`, result.stdout);
  await artifacts.put(`${logBase}.stderr.txt`, result.stderr);
  // What ran where, kept beside the logs: the image id (a content digest) pins the exact environment.
  await artifacts.put(
    `${logBase}.sandbox.json`,
    JSON.stringify(
      {
        backend: sandbox.backend,
        image,
        imageId: result.image,
        status: result.status,
        exitCode: result.exitCode,
        reason: result.reason,
        usage: result.usage,
        warnings: result.warnings ?? [],
      },
      null,
      2,
    ),
  );
  let status = result.status;
  let reason = result.reason;
  let finalInfo: Finished["finalInfo"] = null;
  if (request.kind === "experiment" && status === "ok") {
    const parsed = parseFinalInfo(result, request.runIndex);
    finalInfo = parsed.info;
    if (parsed.problem) {
      status = "error";
      reason = parsed.problem;
    }
  }
  if (request.kind === "latex" && status === "ok" && !result.files["paper.pdf"]) {
    status = "error";
    reason = "latexmk exited 0 but wrote no paper.pdf";
  }
  return {
    ideaId: request.ideaId,
    kind: request.kind,
    runIndex: request.runIndex,
    attempt: request.attempt,
    status,
    exitCode: result.exitCode,
    reason,
    stderrTail: tailOf(request, result, status),
    finalInfo,
    artifacts: stored,
    usage: result.usage,
    image: result.image,
    reused: false,
  };
}

/**
 * What goes back with the result: stderr's tail; for a failed compile, the TeX error from paper.log (latexmk's own
 * output says only "see paper.log").
 */
function tailOf(request: Requested, result: SandboxRunResult, status: Finished["status"]): string {
  const log = result.files["paper.log"];
  if (request.kind !== "latex" || status === "ok" || !log) return result.stderr.slice(-STDERR_TAIL);
  return latexLogTail(new TextDecoder().decode(log), STDERR_TAIL);
}

/** Copies a cached result's artifacts into this idea's folder, so every idea keeps the seed's layout. */
async function adopt(
  context: RoleContext<ExperimenterConfig>,
  cached: Finished,
  request: Requested,
): Promise<Finished> {
  if (cached.ideaId === request.ideaId) return { ...cached, reused: true };
  const stored: Record<string, string> = {};
  for (const [path, name] of Object.entries(cached.artifacts)) {
    stored[path] = await context.services.artifacts.put(
      `${request.ideaId}/${path}`,
      await context.services.artifacts.get(name),
    );
  }
  return { ...cached, ideaId: request.ideaId, attempt: request.attempt, artifacts: stored, reused: true };
}

/**
 * The experiment effect, made idempotent through the effect journal: a result that completed is never computed
 * again for the same request (redelivery after a crash), and identical baseline code is run once per run.
 */
export function runExperimentActor(context: RoleContext<ExperimenterConfig>) {
  return fromPromise<Finished, Requested>(async ({ input, signal }) => {
    const key = input.cacheKey
      ? `cache.${context.run}.${input.cacheKey}`
      : `exp.${context.run}.${input.ideaId}.${input.kind}.${input.runIndex}.${input.attempt}`;
    // A run killed by our own shutdown is not a result: it must run again on redelivery.
    const { result, reused } = await context.services.journal.once(
      key,
      () => execute(context, input, signal),
      (r) => r.status !== "killed" || !signal.aborted,
    );
    if (signal.aborted) throw new RoleError("EXPERIMENTER_ABORTED", "aborted", { retryable: true });
    return reused ? adopt(context, result, input) : result;
  });
}
