import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.ts";

describe("run.settings and --set", () => {
  it("defaults to none; --set values go over the file's, as strings read by the knob's type at boot", () => {
    expect(loadConfig({ raw: {}, env: {} }).run.settings).toEqual({});
    const config = loadConfig({
      raw: { run: { settings: { "run.num_total_updates": 200, "num_seeds.x_div_y": 1 } } },
      env: {},
      overrides: { settings: { "run.num_total_updates": "20" } },
    });
    expect(config.run.settings).toEqual({ "run.num_total_updates": "20", "num_seeds.x_div_y": 1 });
  });

  it("refuses a setting that is not a number, string or bool, naming the key", () => {
    expect(() => loadConfig({ raw: { run: { settings: { "run.lr": [1, 2] } } }, env: {} })).toThrow(
      /run\.settings\.run\.lr/,
    );
  });
});
