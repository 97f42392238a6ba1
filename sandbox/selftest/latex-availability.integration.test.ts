// The selftest runs its LaTeX case whenever the engine holds the current latex image, even in a fresh clone whose
// rootfs cache is empty (setup.sh builds the image into the engine); bwrap needs the rootfs. Real Docker.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { engineImageIdForRecipe } from "../images/docker-image-transfer.ts";
import { recipeHash } from "../images/image-builder.ts";
import { imageRecipes, imageTag } from "../images/recipes.ts";
import { latexSkipReason } from "./latex-availability.ts";

const docker = new Dockerode();
const engineHasLatex = await engineImageIdForRecipe(
  docker,
  imageTag("latex"),
  recipeHash(imageRecipes.get("latex")!),
).then(
  (id) => id !== null,
  () => false,
);
if (!engineHasLatex)
  console.warn(
    "\n!!! NO CURRENT LATEX IMAGE IN THE ENGINE: the fresh-clone selftest check is SKIPPED (scientist sandbox build latex) !!!\n",
  );

describe("latexSkipReason", () => {
  const emptyCache = mkdtempSync(join(tmpdir(), "latex-avail-"));
  afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

  it.skipIf(!engineHasLatex)("docker backend, empty rootfs cache (a fresh clone): the case runs", async () => {
    expect(await latexSkipReason({ backend: "docker", cacheDir: emptyCache, docker })).toBeNull();
  });

  it("bwrap backend with no rootfs, or no engine to ask: skipped, saying how to build it", async () => {
    expect(await latexSkipReason({ backend: "bwrap", cacheDir: emptyCache, docker: null })).toMatch(
      /scientist sandbox build latex/,
    );
  });
});
