/**
 * The wall clock lives in the host process, so if that process dies mid-run nothing would stop its container.
 * Each container therefore carries its deadline as a label, and every run first removes any sandbox container
 * whose deadline has passed (left behind by a crashed or killed host process).
 */

import type Dockerode from "dockerode";
import { describeError } from "./errors.ts";
import type { SandboxLogger } from "./sandbox-logger.ts";

export const sandboxLabel = "scientist.sandbox";
export const deadlineLabel = `${sandboxLabel}.deadline`;
/** Slack past timeoutMs before a container counts as abandoned (start latency, output drain, collection). */
export const abandonGraceMs = 60_000;

export async function sweepAbandonedContainers(docker: Dockerode, logger: SandboxLogger, now = Date.now()): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${sandboxLabel}=1`] } });
  let removed = 0;
  for (const info of containers) {
    const deadline = Number(info.Labels?.[deadlineLabel]);
    if (!Number.isFinite(deadline) || deadline > now) continue;
    logger.warn({ container: info.Id, deadline: new Date(deadline).toISOString() }, "removing an abandoned sandbox container");
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .then(() => (removed += 1))
      .catch((error: unknown) => logger.error({ container: info.Id, error: describeError(error) }, "removing it failed"));
  }
  return removed;
}
