import { join } from "node:path";
import Dockerode from "dockerode";
import { repoRoot } from "../../config/index.ts";
import { listImages } from "../../sandbox/index.ts";

/**
 * Whether a Docker engine answers. Tests that need one skip when it does not, and say so loudly: a silent skip
 * would hide that the sandbox was never exercised.
 */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await new Dockerode().ping();
    return true;
  } catch (error) {
    console.warn(
      `\n!!! NO DOCKER ENGINE: sandbox-backed tests are SKIPPED (${(error as Error).message}). Start dockerd to run them.\n`,
    );
    return false;
  }
}

/**
 * Whether the `latex` sandbox image is built from its current recipe (scripts/setup.sh builds it). Tests that
 * compile papers skip their PDF checks when it is not, and say so loudly.
 */
export async function latexImageReady(cacheDir = join(repoRoot, ".scientist/cache")): Promise<boolean> {
  const latex = (await listImages({ cacheDir, docker: new Dockerode() }).catch(() => [])).find(
    (image) => image.name === "latex",
  );
  const ready = latex !== undefined && latex.rootfs !== null && !latex.stale;
  if (!ready)
    console.warn(
      "\n!!! NO CURRENT LATEX IMAGE: PDF checks are SKIPPED. Build it: node bin/scientist.mjs sandbox build latex !!!\n",
    );
  return ready;
}
