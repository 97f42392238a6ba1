import Dockerode from "dockerode";

/**
 * Whether a Docker engine answers. Tests that need one skip when it does not, and say so loudly: a silent skip
 * would hide that the sandbox was never exercised.
 */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await new Dockerode().ping();
    return true;
  } catch (error) {
    console.warn(`\n!!! NO DOCKER ENGINE: sandbox-backed tests are SKIPPED (${(error as Error).message}). Start dockerd to run them.\n`);
    return false;
  }
}
