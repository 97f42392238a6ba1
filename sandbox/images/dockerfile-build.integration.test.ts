import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { dockerEngineReachable } from "../create-sandbox.ts";
import { recipeHashLabel } from "./docker-image-transfer.ts";
import { buildImageFromDockerfile, dockerfileFor } from "./dockerfile-build.ts";
import { recipeHash } from "./image-builder.ts";
import { imageRecipes, type ImageRecipe } from "./recipes.ts";

const docker = new Dockerode();
const base = "scientist/python-ml:latest";
const hasBase =
  (await dockerEngineReachable(docker)).ok &&
  (await docker
    .getImage(base)
    .inspect()
    .then(
      () => true,
      () => false,
    ));
if (!hasBase)
  console.warn(`\n!!! no Docker engine or no ${base}: the Dockerfile build through the engine is SKIPPED.\n`);

describe("building a recipe image from a Dockerfile", () => {
  it("installs the recipe's Debian packages on a slim base and labels the recipe hash", () => {
    const recipe = imageRecipes.get("python-ml")!;
    const text = dockerfileFor(recipe);
    expect(text).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(text).toContain(
      "apt-get install -y --no-install-recommends python3 python3-numpy python3-scipy python3-matplotlib",
    );
    expect(text).toContain(`LABEL ${recipeHashLabel}="${recipeHash(recipe)}"`);
    expect(text).toContain("chown 65534:65534 /work");
  });

  it.skipIf(!hasBase)("builds through the real engine from a local base image (no registry needed)", async () => {
    // A recipe with nothing to install exercises the engine path without reaching any registry or mirror.
    const recipe: ImageRecipe = {
      name: "dockerfile-selftest",
      description: "test",
      suite: "bookworm",
      variant: "minbase",
      packages: [],
    };
    const built = await buildImageFromDockerfile(recipe, { docker, base });
    try {
      const info = await docker.getImage(built.tag).inspect();
      expect(info.Config?.Labels?.[recipeHashLabel]).toBe(recipeHash(recipe));
      expect(built.dockerImageId).toBe(info.Id);
    } finally {
      await docker
        .getImage(built.tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });
});
