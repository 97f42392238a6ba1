/**
 * Whether the selftest's LaTeX case can run: the Docker engine holds the latex image built from the current recipe
 * (a fresh clone has no rootfs cache, but setup.sh built the image into the engine), or, for bwrap, the cached
 * rootfs is current. Returns null when it can, else why not, with the fix.
 */
import type Dockerode from "dockerode";
import { engineImageIdForRecipe } from "../images/docker-image-transfer.ts";
import { readImageRecord, recipeHash, rootfsDir } from "../images/image-builder.ts";
import { imageRecipes, imageTag } from "../images/recipes.ts";
import { stat } from "node:fs/promises";
import { join } from "node:path";

export async function latexSkipReason(options: {
  backend: "docker" | "bwrap";
  cacheDir: string;
  docker: Dockerode | null;
}): Promise<string | null> {
  const recipe = imageRecipes.get("latex")!;
  const hash = recipeHash(recipe);
  if (options.backend === "docker" && options.docker) {
    const id = await engineImageIdForRecipe(options.docker, imageTag("latex"), hash).catch(() => null);
    return id !== null
      ? null
      : "latex image not in the Docker engine (or built from an older recipe): scientist sandbox build latex";
  }
  const record = await readImageRecord(options.cacheDir, "latex");
  const rootfs = await stat(join(rootfsDir(options.cacheDir, "latex"), "bin")).then(
    () => true,
    () => false,
  );
  return record?.recipeHash === hash && rootfs
    ? null
    : "latex rootfs not built for bwrap (or from an older recipe): scientist sandbox build latex";
}
