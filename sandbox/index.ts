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
