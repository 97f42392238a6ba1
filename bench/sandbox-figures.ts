/** The existing sandbox bench's result as table figures (it prints its own lines too). */

import { figure, type SectionResult } from "./figures.ts";
import { sandboxBench } from "./sandbox-bench.ts";

export async function sandboxSection(rounds: number): Promise<SectionResult> {
  const r = await sandboxBench(rounds);
  if (!r) return { section: "0 sandbox", figures: [], notes: [], skipped: "no Docker engine" };
  return {
    section: "0 sandbox",
    figures: [
      figure({
        name: "sandbox run, cold",
        value: r.coldMs,
        unit: "ms",
        anchorName: "bare docker run",
        anchor: r.bareMs,
        target: "≤ 1.2×",
        atMost: 1.2,
      }),
      figure({
        name: "sandbox run, warm pool",
        value: r.warmMs,
        unit: "ms",
        anchorName: "bare docker run",
        anchor: r.bareMs,
        target: "≤ 1.2×",
        atMost: 1.2,
      }),
      figure({
        name: "sandbox run, cold",
        value: r.coldMs,
        unit: "ms",
        anchorName: "bare engine API",
        anchor: r.bareApiMs,
        target: null,
      }),
    ],
    notes: [],
    details: r,
  };
}
