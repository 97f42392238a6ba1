import { describe, expect, it } from "vitest";
import { changesSummary, codeChanges } from "./code-diff.ts";

const lines = (n: number, f: (i: number) => string = (i) => `line ${i}`) =>
  Array.from({ length: n }, (_, i) => f(i)).join("\n");

describe("code changes against the baseline (notes.txt)", () => {
  it("counts changed lines and shows each hunk with its baseline line number and one line of context", () => {
    const base = lines(30);
    const code = base.replace("line 3", "line three").replace("line 20\n", "line 20\nextra = 1\n");
    const c = codeChanges(base, code);
    expect([c.added, c.removed]).toEqual([2, 1]);
    expect(c.diff).toBe(
      [
        "@@ line 3 @@",
        " line 2",
        "-line 3",
        "+line three",
        " line 4",
        "@@ line 21 @@",
        " line 20",
        "+extra = 1",
        " line 21",
      ].join("\n"),
    );
  });

  it("caps the diff and says how much it left out", () => {
    const base = lines(100);
    const code = lines(100, (i) => `changed ${i}`);
    const c = codeChanges(base, code, 10);
    expect([c.added, c.removed]).toEqual([100, 100]);
    expect(c.diff.split("\n")).toHaveLength(11);
    expect(c.diff).toMatch(/\.\.\. \(191 more diff line\(s\) not shown\)$/);
  });

  it("says unchanged code is unchanged", () => {
    expect(changesSummary("experiment.py", "a\nb\n", "a\nb\n")).toBe("experiment.py: unchanged from the baseline");
    expect(changesSummary("experiment.py", "a\nb\n", "a\nc\n")).toBe(
      "experiment.py vs the baseline: +1 -1 line(s)\n```diff\n@@ line 1 @@\n a\n-b\n+c\n \n```",
    );
  });
});
