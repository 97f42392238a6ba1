/**
 * Offline image builder: debootstrap a Debian rootfs from the mirror (no image registry is reachable), trim it,
 * make sure uid 65534 exists, keep the rootfs (the bwrap backend mounts it read-only as /) and, when a Docker
 * engine is given, import it as `scientist/<name>:latest`. A small image.json records what was built. When the
 * engine already holds the current image but the rootfs is missing, the rootfs is exported from the engine.
 */

import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { SandboxError, describeError } from "../errors.ts";
import { runHostCommand } from "../host-command.ts";
import { silentLogger, type SandboxLogger } from "../sandbox-logger.ts";
import { engineImageIdForRecipe, exportRootfs, importRootfs, recipeHashLabel } from "./docker-image-transfer.ts";
import { installFromNewerSuite } from "./newer-suite-packages.ts";
import { imageRecipes, imageTag, resolveImageName, type ImageRecipe } from "./recipes.ts";

export const defaultMirror = "http://deb.debian.org/debian";

export interface BuildImageOptions {
  /** When given, the rootfs is imported into this engine (unless importIntoDocker is false) or seeded from it. */
  docker?: Dockerode | null;
  /** Default true; false uses the engine only as a fast source of the rootfs (the bwrap backend). */
  importIntoDocker?: boolean;
  /** Holds `images/<name>/{rootfs,image.json,build.log}`. */
  cacheDir: string;
  mirror?: string;
  logger?: SandboxLogger;
  signal?: AbortSignal;
  /** Rebuild the rootfs even when a matching one is cached. */
  force?: boolean;
}

/** What image.json records about one built image. */
export interface ImageRecord {
  name: string;
  tag: string;
  /** Hash of the recipe the rootfs was built from; a changed recipe means a rebuild. */
  recipeHash: string;
  builtAt: string;
  /** `sha256:...` id of the imported Docker image, null when only the rootfs exists. */
  dockerImageId: string | null;
}

export interface BuiltImage extends ImageRecord {
  rootfs: string;
}

export function imageDir(cacheDir: string, name: string): string {
  return join(cacheDir, "images", name);
}

export function rootfsDir(cacheDir: string, name: string): string {
  return join(imageDir(cacheDir, name), "rootfs");
}

export function recipeHash(recipe: ImageRecipe): string {
  const extra = recipe.fromNewerSuite
    ? [[recipe.fromNewerSuite.suite, [...recipe.fromNewerSuite.packages].sort()]]
    : [];
  const canonical = JSON.stringify([recipe.suite, recipe.variant, [...recipe.packages].sort(), ...extra]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

export async function readImageRecord(cacheDir: string, name: string): Promise<ImageRecord | null> {
  try {
    return JSON.parse(await readFile(join(imageDir(cacheDir, name), "image.json"), "utf8")) as ImageRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

// Two callers in one process asking for the same image share one build instead of racing debootstrap.
const buildsInFlight = new Map<string, Promise<BuiltImage>>();

export async function buildImage(name: string, options: BuildImageOptions): Promise<BuiltImage> {
  const recipe = resolveImageName(name).recipe;
  if (recipe === null) {
    throw new SandboxError(
      "SANDBOX_IMAGE_MISSING",
      `no recipe for image "${name}"; known recipes: ${[...imageRecipes.keys()].join(", ")}`,
    );
  }
  const key = `${options.cacheDir}\0${recipe.name}\0${options.docker && options.importIntoDocker !== false ? "docker" : "rootfs"}`;
  const pending = buildsInFlight.get(key);
  if (pending !== undefined) return pending;
  const build = buildFromRecipe(recipe, options).finally(() => buildsInFlight.delete(key));
  buildsInFlight.set(key, build);
  return build;
}

async function buildFromRecipe(recipe: ImageRecipe, options: BuildImageOptions): Promise<BuiltImage> {
  const logger = options.logger ?? silentLogger;
  const dir = imageDir(options.cacheDir, recipe.name);
  const rootfs = rootfsDir(options.cacheDir, recipe.name);
  const hash = recipeHash(recipe);
  await mkdir(dir, { recursive: true });
  let record = await readImageRecord(options.cacheDir, recipe.name);
  const rootfsCurrent = !options.force && record?.recipeHash === hash && (await exists(join(rootfs, "bin")));
  const tag = imageTag(recipe.name);

  if (!rootfsCurrent) {
    // An engine that already holds this recipe's image is the fastest source of its rootfs (seconds, offline).
    const engineId = options.docker && !options.force ? await engineImageIdForRecipe(options.docker, tag, hash) : null;
    const docker = options.docker;
    if (engineId !== null && docker) {
      logger.info({ image: tag }, "extracting the rootfs from the Docker engine's image");
      await materializeRootfs(recipe, dir, rootfs, (building) => exportRootfs(docker, tag, building));
    } else {
      await materializeRootfs(recipe, dir, rootfs, (building) => bootstrap(recipe, building, dir, options, logger));
    }
    record = { name: recipe.name, tag, recipeHash: hash, builtAt: new Date().toISOString(), dockerImageId: engineId };
    await writeFile(join(dir, "image.json"), JSON.stringify(record, null, 2));
  }
  if (record === null) throw new Error("unreachable: image record missing after build");

  if (options.docker && options.importIntoDocker !== false) {
    let engineId = await engineImageIdForRecipe(options.docker, tag, hash);
    if (engineId === null) {
      logger.info({ image: tag }, "importing rootfs into the Docker engine");
      engineId = await importRootfs(options.docker, rootfs, tag, {
        [recipeHashLabel]: hash,
        "scientist.image": recipe.name,
      }).catch((error: unknown) => {
        throw new SandboxError("SANDBOX_BUILD_FAILED", `importing ${tag} into Docker failed: ${describeError(error)}`, {
          cause: error,
          retryable: true,
        });
      });
    }
    if (engineId !== record.dockerImageId) {
      record = { ...record, dockerImageId: engineId };
      await writeFile(join(dir, "image.json"), JSON.stringify(record, null, 2));
    }
  }
  logger.info({ image: tag, dockerImageId: record.dockerImageId }, "image ready");
  return { ...record, rootfs };
}

/**
 * Fills a fresh dir beside the final one and renames it into place at the end, so a crashed build never leaves
 * a half rootfs in use; then trims it and makes sure the sandbox user and the /work mount point exist.
 */
async function materializeRootfs(
  recipe: ImageRecipe,
  dir: string,
  rootfs: string,
  fill: (building: string) => Promise<void>,
): Promise<void> {
  const building = join(dir, `rootfs.building-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(building, { mode: 0o755 });
    await fill(building);
    await trimRootfs(building);
    await ensureNobody(building);
    await mkdir(join(building, "work"), { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await rm(rootfs, { recursive: true, force: true });
    await rename(building, rootfs);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (error instanceof SandboxError) throw error;
    throw new SandboxError(
      "SANDBOX_BUILD_FAILED",
      `building the rootfs of ${recipe.name} failed: ${describeError(error)}`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
}

async function bootstrap(
  recipe: ImageRecipe,
  building: string,
  dir: string,
  options: BuildImageOptions,
  logger: SandboxLogger,
): Promise<void> {
  const logPath = join(dir, "build.log");
  const log = createWriteStream(logPath, { flags: "a" });
  const argv = [
    "debootstrap",
    `--variant=${recipe.variant}`,
    `--include=${recipe.packages.join(",")}`,
    recipe.suite,
    building,
    options.mirror ?? defaultMirror,
  ];
  logger.info({ image: recipe.name, log: logPath }, "building image rootfs with debootstrap (a few minutes)");
  const startedAt = Date.now();
  try {
    await runHostCommand(argv, { signal: options.signal, onOutput: (chunk) => log.write(chunk) });
    if (recipe.fromNewerSuite) {
      logger.info({ image: recipe.name, ...recipe.fromNewerSuite }, "adding packages from a newer Debian suite");
      await installFromNewerSuite(building, recipe.fromNewerSuite, options.mirror ?? defaultMirror, {
        signal: options.signal,
        onOutput: (chunk) => log.write(chunk),
      });
    }
  } catch (error) {
    throw new SandboxError(
      "SANDBOX_BUILD_FAILED",
      `debootstrap of ${recipe.name} failed (log: ${logPath}): ${describeError(error)}`,
      {
        cause: error,
        // A mirror hiccup is worth one more try; a bad package name is not, but the log tells them apart.
        retryable: true,
      },
    );
  } finally {
    log.end();
  }
  logger.info({ image: recipe.name, seconds: Math.round((Date.now() - startedAt) / 1000) }, "rootfs built");
}

// Package caches, docs, man pages and translations are dead weight in a sandbox.
const trimmedDirs = [
  "var/cache/apt/archives",
  "var/lib/apt/lists",
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
  "var/log",
];

async function trimRootfs(rootfs: string): Promise<void> {
  for (const relative of trimmedDirs) {
    const trimmed = join(rootfs, relative);
    const entries = await readdir(trimmed).catch(() => [] as string[]);
    for (const entry of entries) {
      if (entry === "partial" || entry === "lock") continue;
      await rm(join(trimmed, entry), { recursive: true, force: true });
    }
  }
}

/** Both backends run code as 65534:65534; base-passwd ships nobody/nogroup, but a recipe must not depend on it. */
async function ensureNobody(rootfs: string): Promise<void> {
  const passwd = await readFile(join(rootfs, "etc/passwd"), "utf8");
  if (!/^[^:]*:[^:]*:65534:/m.test(passwd)) {
    await appendFile(join(rootfs, "etc/passwd"), "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  }
  const group = await readFile(join(rootfs, "etc/group"), "utf8");
  if (!/^[^:]*:[^:]*:65534:/m.test(group)) await appendFile(join(rootfs, "etc/group"), "nogroup:x:65534:\n");
}

export interface ImageListing {
  name: string;
  tag: string;
  description: string;
  packages: readonly string[];
  /** Rootfs kept for bwrap. */
  rootfs: string | null;
  builtAt: string | null;
  /** Id in the Docker engine when one was given and holds the tag. */
  dockerImageId: string | null;
  /** The cached rootfs is older than the recipe: the next ensureImage rebuilds it. */
  stale: boolean;
}

/** Known recipes and what is built of each, for `scientist sandbox ls`. */
export async function listImages(options: { cacheDir: string; docker?: Dockerode | null }): Promise<ImageListing[]> {
  const listings: ImageListing[] = [];
  for (const recipe of imageRecipes.values()) {
    const record = await readImageRecord(options.cacheDir, recipe.name);
    const rootfs = rootfsDir(options.cacheDir, recipe.name);
    let dockerImageId: string | null = null;
    if (options.docker) {
      dockerImageId = await options.docker
        .getImage(imageTag(recipe.name))
        .inspect()
        .then((info) => info.Id)
        .catch(() => null);
    }
    listings.push({
      name: recipe.name,
      tag: imageTag(recipe.name),
      description: recipe.description,
      packages: recipe.packages,
      rootfs: (await exists(join(rootfs, "bin"))) ? rootfs : null,
      builtAt: record?.builtAt ?? null,
      dockerImageId,
      stale: record !== null && record.recipeHash !== recipeHash(recipe),
    });
  }
  return listings;
}
