// Each experiment and plot run works in a copy of the whole template folder (helper modules, small data files,
// style files), with the request's files (the coder's edits) on top and the artifacts it names after those.
import type { Payload } from "../../../bus/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";

type Requested = Payload<"experiment.requested">;

export class WorkspaceError extends Error {
  readonly code = "EXPERIMENTER_WORKSPACE_TOO_LARGE";
  constructor(message: string) {
    super(message);
    this.name = "WorkspaceError";
  }
}

// run_<i>/ in a template folder holds results of earlier runs (the seed ships a precomputed run_0): they are this
// run's outputs, never its inputs, or an unchanged copy would hide a run that wrote nothing.
const RUN_OUTPUT = /^run_\d+(\/|$)/;
// Bytecode caches are the interpreter's, not results (PYTHONDONTWRITEBYTECODE is set; this guards other images).
export const NOT_AN_OUTPUT = /(^|\/)__pycache__\//;

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * The work dir's files for a request: the template folder for experiment and plot runs (LaTeX compiles get only
 * what they send), then the request's files, then its input artifacts. Throws, naming the file, when what goes in
 * is over the artifact limit: the same cap bounds what a run may carry in as what it may carry out.
 */
export async function workspaceFor(
  template: TemplateInfo,
  request: Requested,
  readArtifact: (name: string) => Promise<Uint8Array>,
  limitBytes: number,
): Promise<Record<string, string | Uint8Array>> {
  const files: Record<string, string | Uint8Array> = {};
  if (request.kind !== "latex") {
    for (const [path, bytes] of Object.entries(template.workspace)) if (!RUN_OUTPUT.test(path)) files[path] = bytes;
  }
  Object.assign(files, request.files);
  for (const [artifact, path] of Object.entries(request.inputs)) files[path] = await readArtifact(artifact);
  let total = 0;
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const size = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
    if (size > limitBytes)
      throw new WorkspaceError(
        `the work dir file ${path} is ${mib(size)}, over the artifact limit of ${mib(limitBytes)} (sandbox.artifactMb)`,
      );
    total += size;
    if (total > limitBytes)
      throw new WorkspaceError(
        `the work dir files pass the artifact limit of ${mib(limitBytes)} (sandbox.artifactMb) at ${path} (${mib(size)}; ${mib(total)} in all)`,
      );
  }
  return files;
}
