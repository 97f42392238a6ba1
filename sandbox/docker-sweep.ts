/**
 * The wall clock lives in the host process, so if that process dies mid-run (a crash, a SIGKILL, a test runner
 * tearing its workers down) nothing would stop or remove its container. Each container therefore carries its
 * deadline and its owner (host name + pid) as labels, and every run first removes any sandbox container whose
 * deadline has passed or whose owner process on this host is gone.
 */

import { hostname } from "node:os";
import type Dockerode from "dockerode";
import { describeError } from "./errors.ts";
import { processAlive } from "./host-command.ts";
import type { SandboxLogger } from "./sandbox-logger.ts";

export const sandboxLabel = "scientist.sandbox";
export const deadlineLabel = `${sandboxLabel}.deadline`;
export const ownerLabel = `${sandboxLabel}.owner`;

/** The owner label of containers started by this process. */
export function ownerValue(): string {
  return `${hostname()}:${process.pid}`;
}

function ownerGone(owner: string | undefined): boolean {
  const match = owner === undefined ? null : /^(.*):(\d+)$/.exec(owner);
  if (match === null || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  return pid !== process.pid && !processAlive(pid);
}
/** Slack past timeoutMs before a container counts as abandoned (start latency, output drain, collection). */
export const abandonGraceMs = 60_000;

export async function sweepAbandonedContainers(
  docker: Dockerode,
  logger: SandboxLogger,
  now = Date.now(),
): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${sandboxLabel}=1`] } });
  let removed = 0;
  for (const info of containers) {
    const deadline = Number(info.Labels?.[deadlineLabel]);
    const expired = Number.isFinite(deadline) && deadline <= now;
    const orphaned = ownerGone(info.Labels?.[ownerLabel]);
    if (!expired && !orphaned) continue;
    logger.warn(
      {
        container: info.Id,
        deadline: new Date(deadline).toISOString(),
        owner: info.Labels?.[ownerLabel],
        expired,
        orphaned,
      },
      "removing an abandoned sandbox container",
    );
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .then(() => (removed += 1))
      .catch((error: unknown) =>
        logger.error({ container: info.Id, error: describeError(error) }, "removing it failed"),
      );
  }
  return removed;
}
