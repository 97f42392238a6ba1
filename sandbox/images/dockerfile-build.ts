/**
 * The other way to build a recipe image: a Dockerfile on a Debian base image, for hosts that reach a registry.
 * The offline builder (debootstrap → docker import) stays the default because it needs only Debian's mirror.
 * Both label the image with the recipe hash, so the Docker backend accepts either.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { SandboxError } from "../errors.ts";
import { recipeHashLabel } from "./docker-image-transfer.ts";
import { recipeHash } from "./image-builder.ts";
import { imageTag, type ImageRecipe } from "./recipes.ts";

/** The Dockerfile for a recipe: the same Debian packages as the offline build, and the /work mount point. */
export function dockerfileFor(recipe: ImageRecipe, base = `debian:${recipe.suite}-slim`): string {
  const lines = [`FROM ${base}`];
  if (recipe.packages.length > 0) {
    lines.push(
      "RUN apt-get update \\",
      ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${[...recipe.packages].join(" ")} \\`,
      " && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man",
    );
  }
  // The sandbox mounts the capped work dir here and runs as nobody (65534).
  lines.push(
    "RUN mkdir -p /work && chown 65534:65534 /work",
    `LABEL ${recipeHashLabel}="${recipeHash(recipe)}"`,
    "WORKDIR /work",
    "",
  );
  return lines.join("\n");
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Builds `scientist/<name>:latest` from the recipe's Dockerfile through the engine; the base image is pulled if absent.
 */
export async function buildImageFromDockerfile(
  recipe: ImageRecipe,
  options: { docker: Dockerode; base?: string; onProgress?: (line: string) => void },
): Promise<{ tag: string; dockerImageId: string }> {
  const tag = imageTag(recipe.name);
  const context = await mkdtemp(join(tmpdir(), "scientist-dockerfile-"));
  try {
    await writeFile(join(context, "Dockerfile"), dockerfileFor(recipe, options.base));
    let stream: NodeJS.ReadableStream;
    try {
      stream = await options.docker.buildImage({ context, src: ["Dockerfile"] }, { t: tag, rm: true, forcerm: true });
    } catch (error) {
      throw new SandboxError(
        "SANDBOX_BUILD_FAILED",
        `the engine refused to build ${tag}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const events = await new Promise<BuildEvent[]>((resolve, reject) => {
      options.docker.modem.followProgress(
        stream,
        (error: Error | null, output: BuildEvent[]) => (error ? reject(error) : resolve(output)),
        (event: BuildEvent) => event.stream && options.onProgress?.(event.stream.trimEnd()),
      );
    }).catch((error: Error) => [{ error: error.message }] as BuildEvent[]);
    const failed = events.find((e) => e.error || e.errorDetail);
    if (failed) {
      const message = failed.errorDetail?.message ?? failed.error ?? "unknown error";
      // No registry reachable is the common case on offline hosts: say what to use instead.
      throw new SandboxError(
        "SANDBOX_BUILD_FAILED",
        `building ${tag} from a Dockerfile failed: ${message} (without a registry, use the offline build: scientist sandbox build ${recipe.name})`,
      );
    }
    const info = await options.docker.getImage(tag).inspect();
    return { tag, dockerImageId: info.Id };
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
