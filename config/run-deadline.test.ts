import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.ts";

describe("run.deadlineMinutes default", () => {
  it("fits a seed-sized study (5 ideas x 4 runs) at the sandbox's per-run timeout, one experiment at a time", () => {
    for (const config of [loadConfig({ env: {} }), loadConfig({ raw: {}, env: {} })]) {
      const worstCase = 5 * 4 * config.sandbox.timeoutSeconds * 1000;
      expect(config.sandbox.timeoutSeconds).toBe(7200);
      expect(config.run.deadlineMs).toBeGreaterThanOrEqual(worstCase);
      // A timer beyond 2^31-1 ms fires at once in Node: the default must stay below it.
      expect(config.run.deadlineMs).toBeLessThan(2 ** 31 - 1);
    }
  });

  it("keeps a deadline a config sets", () => {
    expect(loadConfig({ raw: { run: { deadlineMinutes: 5 } }, env: {} }).run.deadlineMs).toBe(300_000);
  });
});
