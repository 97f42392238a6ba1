/**
 * Moves a rootfs between a directory and the Docker engine: import (tar of the rootfs → `scientist/<name>`) for
 * the Docker backend, and export (the engine's image → a rootfs dir) so a host that already has the image gets
 * the bwrap rootfs in seconds instead of a fresh debootstrap.
 */

import { spawn } from "node:child_process";
import type Dockerode from "dockerode";
import { describeError } from "../errors.ts";

/** Label on imported images: which recipe version they were built from. */
export const recipeHashLabel = "scientist.recipe-hash";

/** The engine's id for `tag` if it was imported from this recipe version, else null. */
export async function engineImageIdForRecipe(
  docker: Dockerode,
  tag: string,
  recipeHash: string,
): Promise<string | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[recipeHashLabel] === recipeHash ? info.Id : null;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

function tarProcess(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<void> } {
  const child = spawn("tar", args, { stdio: ["pipe", "pipe", "pipe"], env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
  let errorText = "";
  child.stderr?.on("data", (chunk: Buffer) => (errorText = (errorText + chunk.toString()).slice(-4000)));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`tar ${args[0]} exited ${code}: ${errorText}`)),
    );
  });
  return { child, done };
}

/** Imports the rootfs as `tag`, labelled with the recipe hash; returns the new image id. */
export async function importRootfs(
  docker: Dockerode,
  rootfs: string,
  tag: string,
  labels: Record<string, string>,
): Promise<string> {
  const [repo, version] = tag.split(":") as [string, string];
  const tar = tarProcess(["-c", "--numeric-owner", "-C", rootfs, "."]);
  try {
    const labelChange = Object.entries(labels)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    const progress = await docker.importImage(
      tar.child.stdout as NodeJS.ReadableStream,
      {
        repo,
        tag: version,
        changes: [`LABEL ${labelChange}`, "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      } as object,
    );
    await new Promise<unknown>((resolve, reject) =>
      docker.modem.followProgress(progress, (error: Error | null, output: unknown) =>
        error ? reject(error) : resolve(output),
      ),
    );
    await tar.done;
    return (await docker.getImage(tag).inspect()).Id;
  } catch (error) {
    tar.child.kill("SIGKILL");
    throw new Error(`importing ${rootfs} as ${tag} failed: ${describeError(error)}`, { cause: error });
  }
}

/** Unpacks the filesystem of image `tag` into the (empty) directory `target`. */
export async function exportRootfs(docker: Dockerode, tag: string, target: string): Promise<void> {
  const container = await docker.createContainer({ Image: tag, Cmd: ["true"], NetworkDisabled: true });
  try {
    const archive = await container.export();
    const tar = tarProcess(["-x", "--numeric-owner", "-C", target]);
    archive.pipe(tar.child.stdin as NodeJS.WritableStream);
    await tar.done;
  } finally {
    await container.remove({ force: true });
  }
}
