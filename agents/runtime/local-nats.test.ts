import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.ts";
import { ensureNats } from "./local-nats.ts";

describe("the local NATS server on the store (nats-server does not lock its store)", () => {
  const storeDir = mkdtempSync(join(tmpdir(), "sci-local-nats-"));
  const config = loadConfig({ env: {}, raw: { nats: { url: null, storeDir } } });
  const marker = join(storeDir, "live-server.json");
  afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

  it("is joined by readers while the run that started it is live, and refused to a second run", async () => {
    const owner = await ensureNats(config);
    try {
      expect(owner.server).not.toBeNull();
      expect(JSON.parse(readFileSync(marker, "utf8"))).toMatchObject({ url: owner.url, owner: "run" });
      expect(await ensureNats(config, { reuseLive: true })).toEqual({ url: owner.url, server: null });
      await expect(ensureNats(config)).rejects.toMatchObject({ code: "RUNTIME_STORE_IN_USE" });
    } finally {
      await owner.server!.stop();
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("lets a reader open the store when no run is live, and keeps a run off it meanwhile", async () => {
    const reader = await ensureNats(config, { reuseLive: true });
    try {
      expect(reader.server).not.toBeNull();
      expect(JSON.parse(readFileSync(marker, "utf8"))).toMatchObject({ owner: "reader" });
      await expect(ensureNats(config)).rejects.toThrow(/--nats nats:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await reader.server!.stop();
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("ignores a marker left by a server that is gone", async () => {
    writeFileSync(marker, JSON.stringify({ url: "nats://127.0.0.1:1", pid: 2 ** 22 + 7, owner: "run" }));
    const fresh = await ensureNats(config);
    try {
      expect(fresh.url).not.toBe("nats://127.0.0.1:1");
    } finally {
      await fresh.server!.stop();
    }
  });
});
