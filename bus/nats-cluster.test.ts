import { describe, expect, it } from "vitest";
import { natsClusterNodeConfig, startNatsCluster } from "./nats-cluster.ts";

describe("natsClusterNodeConfig", () => {
  const text = natsClusterNodeConfig({
    name: "n2",
    clusterName: "scientist",
    host: "127.0.0.1",
    port: 4223,
    clusterPort: 6223,
    storeDir: "/var/lib/nats/n2",
    routes: ["nats-route://127.0.0.1:6222", "nats-route://127.0.0.1:6223", "nats-route://127.0.0.1:6224"],
    extraConfig: 'authorization { users = [ { user: "cli", password: "x" } ] }',
  });

  it("names the server, its store and its client and route listeners", () => {
    expect(text).toContain('server_name: "n2"');
    expect(text).toContain('listen: "127.0.0.1:4223"');
    expect(text).toContain('jetstream { store_dir: "/var/lib/nats/n2" }');
    expect(text).toMatch(/cluster \{\n {2}name: "scientist"\n {2}listen: "127.0.0.1:6223"/);
  });

  it("routes to every node and appends the extra (auth) config", () => {
    expect(text).toContain(
      'routes: ["nats-route://127.0.0.1:6222", "nats-route://127.0.0.1:6223", "nats-route://127.0.0.1:6224"]',
    );
    expect(text.trimEnd().endsWith('authorization { users = [ { user: "cli", password: "x" } ] }')).toBe(true);
  });
});

describe("startNatsCluster arguments", () => {
  it("rejects a cluster of no nodes and half-given fixed ports with coded errors", async () => {
    await expect(startNatsCluster({ baseDir: "/nonexistent", nodes: 0 })).rejects.toMatchObject({
      code: "BUS_SERVER_START_FAILED",
    });
    await expect(startNatsCluster({ baseDir: "/nonexistent", port: 4222 })).rejects.toThrow(
      /both port and clusterPort/,
    );
  });
});
