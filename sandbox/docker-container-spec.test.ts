import { describe, expect, it } from "vitest";
import { containerSpec, gpuDeviceRequests, shapeKey, type ContainerShape } from "./docker-container-spec.ts";

const mib = 1024 * 1024;
const shape: ContainerShape = {
  imageId: "sha256:abc",
  command: ["python3", "experiment.py", "--out_dir=run_0"],
  env: ["HOME=/work"],
  limits: {
    memoryBytes: 256 * mib,
    cpus: 0.5,
    pids: 64,
    diskBytes: 64 * mib,
    outputBytes: 1024,
    artifactBytes: mib,
    artifactCount: 10,
    nofile: 256,
    fileSizeBytes: 32 * mib,
  },
  tmpBytes: 16 * mib,
  gpus: "none",
};
const placement = { workDir: "/host/work/run-1/mnt", labels: { "scientist.sandbox": "1" }, cgroupParent: null };

describe("the container spec", () => {
  it("is locked down: no network, read-only root, nobody, no capabilities, memory = memory+swap, capped /tmp", () => {
    const spec = containerSpec(shape, placement);
    expect(spec).toMatchObject({
      Image: "sha256:abc",
      User: "65534:65534",
      NetworkDisabled: true,
      WorkingDir: "/work",
    });
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: "none",
      Memory: 256 * mib,
      MemorySwap: 256 * mib,
      NanoCpus: 500_000_000,
      PidsLimit: 64,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Mounts: [{ Type: "bind", Source: "/host/work/run-1/mnt", Target: "/work", ReadOnly: false }],
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${16 * mib},mode=1777` },
      Init: true,
    });
    expect(spec.HostConfig).not.toHaveProperty("CgroupParent");
  });

  it("asks for no GPU by default", () => {
    expect(containerSpec(shape, placement).HostConfig).not.toHaveProperty("DeviceRequests");
  });

  it("passes every GPU through as DeviceRequests with the gpu capability when gpus is all", () => {
    expect(containerSpec({ ...shape, gpus: "all" }, placement).HostConfig?.DeviceRequests).toEqual([
      { Driver: "", Count: -1, DeviceIDs: [], Capabilities: [["gpu"]], Options: {} },
    ]);
  });

  it("passes a count of GPUs through when gpus is a number", () => {
    expect(gpuDeviceRequests(2)).toEqual([
      { Driver: "", Count: 2, DeviceIDs: [], Capabilities: [["gpu"]], Options: {} },
    ]);
  });

  it("rejects a GPU count that is not a positive whole number with SANDBOX_BAD_REQUEST", () => {
    expect(() => gpuDeviceRequests(0)).toThrow(expect.objectContaining({ code: "SANDBOX_BAD_REQUEST" }));
    expect(() => gpuDeviceRequests(1.5)).toThrow(expect.objectContaining({ code: "SANDBOX_BAD_REQUEST" }));
  });

  it("keys warm containers by everything the spec depends on", () => {
    expect(shapeKey(shape)).toBe(shapeKey({ ...shape }));
    expect(shapeKey(shape)).not.toBe(shapeKey({ ...shape, command: ["python3", "experiment.py", "--out_dir=run_1"] }));
    expect(shapeKey(shape)).not.toBe(shapeKey({ ...shape, limits: { ...shape.limits, pids: 65 } }));
    expect(shapeKey(shape)).not.toBe(shapeKey({ ...shape, gpus: "all" }));
  });
});
