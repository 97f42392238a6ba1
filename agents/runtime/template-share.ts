// The run's template travels with the run: the run owner packs the template folder into one bundle in the run's
// object store and names its digest in run.started, so a host joining the run uses exactly those files (never its
// own disk's copy, which may be missing, older, or edited).
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import { ArtifactStore, type Payload } from "../../bus/index.ts";
import { readWorkspace, WORKSPACE_LIMITS } from "../../templates/index.ts";
import { RuntimeError } from "./errors.ts";

const FORMAT = "scientist-template-bundle/1";
/** The baseline's results sit in run_0/, which the template walk leaves out as a run output; loadTemplate reads it. */
const BASELINE_FILE = "run_0/final_info.json";

const bundleSchema = z.object({
  format: z.literal(FORMAT),
  folder: z.string().min(1),
  files: z.record(z.string(), z.string()),
});

export type TemplateBundleRef = NonNullable<Payload<"run.started">["templateBundle"]>;

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/**
 * Every file of the template's workspace (what each run gets; files over its limits are left out, as in a one-host
 * run) plus the baseline's final_info.json, as one deterministic JSON bundle.
 */
export async function packTemplate(dir: string): Promise<{ bytes: Uint8Array; folder: string; files: number }> {
  const root = resolve(dir);
  const { workspace } = await readWorkspace(root);
  const files: Record<string, string> = {};
  for (const [rel, data] of Object.entries(workspace)) files[rel] = Buffer.from(data).toString("base64");
  const baseline = join(root, BASELINE_FILE);
  const info = await stat(baseline).catch(() => null);
  if (info?.isFile() && info.size <= WORKSPACE_LIMITS.fileBytes)
    files[BASELINE_FILE] = (await readFile(baseline)).toString("base64");
  const folder = basename(root);
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const bytes = new TextEncoder().encode(JSON.stringify({ format: FORMAT, folder, files: sorted }));
  return { bytes, folder, files: Object.keys(sorted).length };
}

/** The run owner's side: uploads the bundle to the run's object store; the reference goes into run.started. */
export async function shareTemplate(artifacts: ArtifactStore, dir: string): Promise<TemplateBundleRef> {
  const packed = await packTemplate(dir);
  const digest = sha256(packed.bytes);
  const artifact = await artifacts.put(`_template/${packed.folder}.bundle.json`, packed.bytes);
  return { artifact, digest, bytes: packed.bytes.length, files: packed.files };
}

/**
 * A joining host's side: downloads the bundle named in run.started, checks its digest (a mismatch or a malformed
 * bundle is refused, naming the artifact), and writes its files under `workRoot`. Returns the template folder.
 */
export async function fetchTemplate(
  artifacts: ArtifactStore,
  ref: TemplateBundleRef,
  workRoot: string,
): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await artifacts.get(ref.artifact);
  } catch (error) {
    throw new RuntimeError(
      "RUNTIME_TEMPLATE_BUNDLE",
      `the run's template bundle ${ref.artifact} cannot be read from the object store: ${(error as Error).message}`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
  const digest = sha256(bytes);
  if (digest !== ref.digest) {
    throw new RuntimeError(
      "RUNTIME_TEMPLATE_DIGEST",
      `template bundle ${ref.artifact}: digest ${digest} (${bytes.length} bytes) is not the ${ref.digest} (${ref.bytes} bytes) named in run.started; refusing to run it`,
    );
  }
  let bundle: z.infer<typeof bundleSchema>;
  try {
    bundle = bundleSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new RuntimeError(
      "RUNTIME_TEMPLATE_BUNDLE",
      `template bundle ${ref.artifact} is not a ${FORMAT} bundle: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const folder = ArtifactStore.checkName(bundle.folder);
  if (folder.includes("/"))
    throw new RuntimeError(
      "RUNTIME_TEMPLATE_BUNDLE",
      `template bundle ${ref.artifact}: folder ${JSON.stringify(bundle.folder)} is not one name`,
    );
  const dir = resolve(workRoot, folder);
  // A fresh copy each time: files left from an earlier join must not leak into this run's template.
  await rm(dir, { recursive: true, force: true });
  for (const [rel, base64] of Object.entries(bundle.files)) {
    const path = join(dir, ArtifactStore.checkName(rel));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.from(base64, "base64"));
  }
  return dir;
}
