/**
 * Validates a run request before any host resource is taken, so a bad request fails fast with
 * SANDBOX_BAD_REQUEST instead of half-creating a container or a mount.
 */

import { z } from "zod";
import { SandboxError } from "./errors.ts";
import type { SandboxRunRequest } from "./types.ts";

const positiveInt = z.number().int().positive();

const limitsSchema = z.object({
  memoryBytes: positiveInt.min(16 * 1024 * 1024),
  cpus: z.number().positive(),
  pids: positiveInt,
  diskBytes: positiveInt,
  outputBytes: positiveInt,
  artifactBytes: z.number().int().nonnegative(),
  artifactCount: z.number().int().nonnegative(),
  nofile: positiveInt,
  fileSizeBytes: positiveInt,
});

const requestSchema = z.object({
  image: z.string().min(1),
  command: z.array(z.string()).min(1),
  limits: limitsSchema,
  timeoutMs: z.number().positive(),
});

export function checkRunRequest(request: SandboxRunRequest): void {
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new SandboxError("SANDBOX_BAD_REQUEST", `invalid sandbox run request: ${issues}`, { cause: parsed.error });
  }
}
