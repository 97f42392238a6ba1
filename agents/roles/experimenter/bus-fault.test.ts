import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { BusError, type Payload } from "../../../bus/index.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { experimenterMachine } from "./machine.ts";

type Requested = Payload<"experiment.requested">;
type Finished = Payload<"experiment.finished">;

const request: Requested = {
  ideaId: "i1",
  kind: "experiment",
  runIndex: 1,
  attempt: 1,
  files: { "experiment.py": "print(1)" },
  inputs: {},
  command: ["python", "experiment.py"],
  timeoutMs: 1000,
  cacheKey: null,
};

function finished(r: Requested): Finished {
  return {
    ideaId: r.ideaId,
    kind: r.kind,
    runIndex: r.runIndex,
    attempt: r.attempt,
    status: "ok",
    exitCode: 0,
    reason: null,
    stderrTail: "",
    finalInfo: null,
    artifacts: {},
    usage: { wallMs: 1, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "img",
    reused: false,
  };
}

/** The experiment effect, failing first with `first` (the object store down, say), then running. */
function machineFailingOnceWith(first: Error) {
  let calls = 0;
  const runExperiment = fromPromise<Finished, Requested>(async ({ input }) => {
    if (++calls === 1) throw first;
    return finished(input);
  });
  return { machine: experimenterMachine.provide({ actors: { runExperiment } as never }), calls: () => calls };
}

describe("the experimenter on a bus fault", () => {
  it("does not record an artifact-store outage as the experiment's result: the step fails retryably, then runs", async () => {
    const outage = new BusError("BUS_ARTIFACT_FAILED", "artifact store: cannot read i1/code.py: TIMEOUT", {
      retryable: true,
    });
    const { machine, calls } = machineFailingOnceWith(outage);
    const harness = new MachineHarness(machine);
    await expect(harness.send("experiment.requested", request, "i1")).rejects.toMatchObject({
      code: "RUNTIME_MACHINE_FAILED",
      retryable: true,
    });
    expect(harness.outputs).toEqual([]);
    // The redelivery runs on the last settled snapshot (none saved by the failed step) and records the real result.
    const out = await harness.send("experiment.requested", request, "i1");
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: "experiment.finished", payload: { status: "ok", runIndex: 1 } });
    expect(calls()).toBe(2);
  });

  it("still records a failure of the effect itself (not a bus fault) as a failed attempt", async () => {
    const { machine } = machineFailingOnceWith(new Error("docker daemon not reachable"));
    const out = await new MachineHarness(machine).send("experiment.requested", request, "i1");
    expect(out[0]).toMatchObject({ type: "experiment.finished", payload: { status: "error" } });
    expect((out[0]!.payload as Finished).reason).toContain("docker daemon not reachable");
  });
});
