/** The sandbox's one public surface: other folders import only from here. */

export type {
  Sandbox,
  SandboxLimits,
  SandboxRunRequest,
  SandboxRunResult,
  SandboxStatus,
  SandboxUsage,
} from "./types.ts";
export { createSandbox, dockerEngineReachable, bwrapAvailable, type CreateSandboxOptions } from "./create-sandbox.ts";
export { sandboxLabel, sweepAbandonedContainers } from "./docker-sweep.ts";
export { createDockerSandbox, type DockerSandboxOptions, type DockerImageBuilder } from "./docker-sandbox.ts";
export { containerSpec, gpuDeviceRequests, type GpuRequest } from "./docker-container-spec.ts";
export { createBwrapSandbox, type BwrapSandboxOptions } from "./bwrap-sandbox.ts";
export {
  buildImage,
  listImages,
  readImageRecord,
  defaultMirror,
  type BuildImageOptions,
  type BuiltImage,
  type ImageListing,
  type ImageRecord,
} from "./images/image-builder.ts";
export { imageRecipes, imageTag, resolveImageName, type ImageRecipe } from "./images/recipes.ts";
export { SandboxError, isSandboxError, type SandboxErrorCode } from "./errors.ts";
export type { SandboxLogger } from "./sandbox-logger.ts";
export {
  selftestCases,
  healthyCase,
  type SelftestCase,
  type SelftestContext,
  type SelftestOutcome,
} from "./selftest/cases.ts";
export {
  runSelftest,
  formatSelftestTable,
  selftestSecretName,
  type SelftestExecutor,
  type SelftestOptions,
  type SelftestRequest,
  type SelftestResult,
} from "./selftest/runner.ts";
export { sandboxExecutor, selftestLimits, selftestLimitsConfig } from "./selftest/sandbox-executor.ts";
export { latexSkipReason } from "./selftest/latex-availability.ts";
export { limitsFromSettings, type LimitSettings } from "./limits.ts";
export { dockerfileFor, buildImageFromDockerfile } from "./images/dockerfile-build.ts";
