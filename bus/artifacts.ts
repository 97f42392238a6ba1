import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import type { ObjectStore, Objm } from "@nats-io/obj";
import { BusError, isBusError } from "./errors.ts";
import { artifactBucket } from "./subjects.ts";

/**
 * Run artifacts (code, logs, results, plots, papers) live in the run's NATS object store so an agent on any host
 * can read them, and are mirrored under `<outDir>/<run>/` for the user.
 */
export class ArtifactStore {
  private store: Promise<ObjectStore> | null = null;

  constructor(
    private readonly objm: Objm,
    private readonly run: string,
    /** Local mirror root (the run folder's parent); null on hosts that keep no local copy. */
    private readonly outDir: string | null,
  ) {}

  /**
   * The run's object store, created once. A failed creation is not kept: caching the rejected promise made every
   * later write fail at once until the process restarted (a 3 s server outage failed every idea).
   */
  private bucket(): Promise<ObjectStore> {
    if (!this.store) {
      const created = this.objm.create(artifactBucket(this.run), { storage: "file" as never });
      this.store = created;
      created.catch(() => {
        if (this.store === created) this.store = null;
      });
    }
    return this.store.catch((error: unknown) => {
      throw failed(`open ${artifactBucket(this.run)}`, error);
    });
  }

  /** Artifact names are relative paths; reject anything that could escape the run folder. */
  static checkName(name: string): string {
    const clean = normalize(name);
    if (!name || clean.startsWith("..") || clean.startsWith(sep) || clean.includes(`..${sep}`)) {
      throw new BusError(
        "BUS_ARTIFACT_BAD_NAME",
        `artifact name ${JSON.stringify(name)} is not a relative path inside the run`,
      );
    }
    return clean;
  }

  localPath(name: string): string | null {
    return this.outDir ? join(this.outDir, this.run, ArtifactStore.checkName(name)) : null;
  }

  async put(name: string, data: string | Uint8Array): Promise<string> {
    const clean = ArtifactStore.checkName(name);
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const store = await this.bucket();
    await store.putBlob({ name: clean }, bytes).catch((error: unknown) => {
      throw failed(`write ${clean}`, error);
    });
    await this.mirror(clean, bytes);
    return clean;
  }

  async get(name: string): Promise<Uint8Array> {
    const store = await this.bucket();
    const bytes = await store.getBlob(ArtifactStore.checkName(name)).catch((error: unknown) => {
      throw failed(`read ${name}`, error);
    });
    // Only this is "not written yet"; a read that failed is BUS_ARTIFACT_FAILED (retryable), never "missing".
    if (!bytes) throw new BusError("BUS_ARTIFACT_MISSING", `artifact ${name} is not in ${artifactBucket(this.run)}`);
    return bytes;
  }

  async getText(name: string): Promise<string> {
    return new TextDecoder().decode(await this.get(name));
  }

  /**
   * The artifact's text, or `fallback` when it was never written. Only "not written" falls back: a bus fault
   * (BUS_ARTIFACT_FAILED) propagates, so NATS being down is retried instead of read as "no such file".
   */
  async getTextOr(name: string, fallback: string): Promise<string> {
    try {
      return await this.getText(name);
    } catch (error) {
      if (isBusError(error, "BUS_ARTIFACT_MISSING")) return fallback;
      throw error;
    }
  }

  async list(): Promise<string[]> {
    const store = await this.bucket();
    const infos = await store.list().catch((error: unknown) => {
      throw failed("list", error);
    });
    return infos.filter((info) => !info.deleted).map((info) => info.name);
  }

  /**
   * Copies every artifact of the run into the local run folder (artifacts written by agents on other hosts too);
   * files this host already mirrored with the same size are left alone. Returns how many were copied.
   */
  async syncLocal(): Promise<number> {
    const store = await this.bucket();
    let count = 0;
    for (const info of await store.list()) {
      if (info.deleted) continue;
      const path = this.localPath(info.name);
      if (!path) break;
      const local = await stat(path).catch(() => null);
      if (local?.isFile() && local.size === info.size) continue;
      await this.mirror(info.name, await this.get(info.name));
      count++;
    }
    return count;
  }

  private async mirror(name: string, bytes: Uint8Array): Promise<void> {
    const path = this.localPath(name);
    if (!path) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

/** A bus fault under an artifact operation: transient (the server may be back on the next delivery). */
function failed(what: string, error: unknown): BusError {
  if (error instanceof BusError) return error;
  return new BusError("BUS_ARTIFACT_FAILED", `artifact store: cannot ${what}: ${(error as Error).message}`, {
    cause: error,
    retryable: true,
  });
}
