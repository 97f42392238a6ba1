import { describe, expect, it } from "vitest";
import { renderCausalTree, renderFlat, renderTimeline } from "./render-text.ts";
import { ORPHAN_ID, sampleRun } from "./sample-run.ts";
import { formatOffset } from "./trace-entry.ts";

const ESC = "\x1b[";

describe("renderCausalTree", () => {
  it("draws one line per message with short id, type, sender, cause, offset and correlation", () => {
    const entries = sampleRun();
    const lines = renderCausalTree(entries);
    expect(lines).toHaveLength(entries.length);
    expect(lines[0]).toMatch(/^[0-9a-f]{8} run\.started\s+cli\/main\s+← -\s+\+0\.000s \[r202611271700-abc123\]$/);
    const assessed = lines.find((line) => line.includes("idea.assessed"))!;
    const proposed = entries.find((e) => e.envelope.correlation === "idea-1")!.envelope.id.slice(0, 8);
    expect(assessed).toContain(`← ${proposed}`);
    expect(assessed).toContain("+2.400s");
    expect(assessed).toContain("[idea-1]");
    expect(assessed).toMatch(/^│  └─ /);
  });

  it("flags the orphan as a root of its own", () => {
    const last = renderCausalTree(sampleRun()).at(-1)!;
    expect(last.startsWith(ORPHAN_ID.slice(0, 8))).toBe(true);
    expect(last).toContain("[orphan: cause 01234567 not in trace]");
  });

  it("uses ANSI colours only when asked", () => {
    expect(renderCausalTree(sampleRun()).join("\n")).not.toContain(ESC);
    expect(renderCausalTree(sampleRun(), { color: true }).join("\n")).toContain(ESC);
  });
});

describe("renderTimeline", () => {
  it("lists each agent once, followed by what it sent and handled in time order", () => {
    const lines = renderTimeline(sampleRun());
    const headers = lines.filter((line) => !line.startsWith(" "));
    expect(headers[0]).toBe("cli/main (2 sent, 0 handled)");
    expect(new Set(headers).size).toBe(headers.length);
    expect(headers).toContain("area-chair/0 (6 sent, 0 handled)");
    const reviewer3 = lines.indexOf("reviewer/3 (1 sent, 1 handled)");
    expect(lines[reviewer3 + 1]).toMatch(/^\s+\+30\.060s  handled review\.requested .* from area-chair\/0 in 3\.040s$/);
    expect(lines[reviewer3 + 2]).toMatch(/^\s+\+33\.000s  sent    review\.submitted /);
  });
});

describe("renderFlat", () => {
  it("prints `id type from causation at` per message in causal order", () => {
    const entries = sampleRun();
    const lines = renderFlat(entries);
    expect(lines).toHaveLength(entries.length);
    expect(lines[0]).toBe(`${entries[0]!.envelope.id} run.started cli/main - 2026-11-27T17:00:00.000Z`);
    const seen = new Set<string>();
    for (const line of lines) {
      const [id, , , cause] = line.split(" ");
      if (cause !== "-" && entries.some((e) => e.envelope.id === cause)) expect(seen.has(cause!)).toBe(true);
      seen.add(id!);
    }
  });
});

describe("formatOffset", () => {
  it("shows seconds with millisecond precision", () => {
    expect(formatOffset(12_345)).toBe("+12.345s");
    expect(formatOffset(0)).toBe("+0.000s");
  });
});
