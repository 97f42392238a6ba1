/** Reads a V8 .cpuprofile (node --cpu-prof) and names where the time went: self time by function, top N. */

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../config/index.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotSpot {
  where: string;
  selfMs: number;
  share: number;
}

/** Where a sample's time belongs, coarsely: module loading (tsx's ESM hooks, compile), our code, dependencies, idle. */
function categoryOf(url: string, fn: string): string {
  if (fn === "(idle)") return "idle (waiting on I/O)";
  if (fn === "(garbage collector)") return "GC";
  if (
    url.startsWith("node:internal/modules") ||
    url.includes("/node_modules/tsx/") ||
    url.includes("/node_modules/esbuild/")
  )
    return "module loading (tsx)";
  if (url.includes("/node_modules/")) return "dependencies";
  if (url.startsWith(repoRoot)) return "repo code";
  return "node/other";
}

export function hotSpots(
  dir: string,
  top = 6,
): { totalMs: number; spots: HotSpot[]; categories: Record<string, number> } {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = totalMs / Math.max(1, profile.samples.length);
  const byWhere = new Map<string, number>();
  const categories: Record<string, number> = {};
  for (const node of profile.nodes) {
    const url = node.callFrame.url.replace(/^file:\/\//, "");
    const short = url.startsWith(repoRoot) ? relative(repoRoot, url) : url || "(native)";
    const where = `${node.callFrame.functionName || "(anonymous)"} ${short}${url ? `:${node.callFrame.lineNumber + 1}` : ""}`;
    byWhere.set(where, (byWhere.get(where) ?? 0) + (node.hitCount ?? 0) * perSample);
    const category = categoryOf(url, node.callFrame.functionName);
    categories[category] = (categories[category] ?? 0) + ((node.hitCount ?? 0) * perSample) / totalMs;
  }
  const spots = [...byWhere.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, selfMs]) => ({ where, selfMs, share: selfMs / totalMs }));
  return { totalMs, spots, categories };
}
