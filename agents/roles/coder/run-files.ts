// What a run is made of, beyond the files and command the template's prepareRun gives it: a fingerprint of
// everything that defines it (for sharing identical baselines) and what it changes against the template.
import { createHash } from "node:crypto";
import type { TemplateInfo } from "../../runtime/index.ts";
import { INFER_FILE, WRAPPER_FILE } from "../../../templates/index.ts";
import { changesSummary } from "./code-diff.ts";

/**
 * A hash of every file that defines the run (the workspace with the run's files on top) and its command: two runs
 * with the same fingerprint compute the same thing, so their result can be shared. Length-prefixed, sorted paths.
 */
export function runFingerprint(template: TemplateInfo, files: Record<string, string>, command: string[]): string {
  const all: Record<string, Uint8Array> = { ...template.workspace };
  const encoder = new TextEncoder();
  for (const [path, text] of Object.entries(files)) all[path] = encoder.encode(text);
  const hash = createHash("sha256");
  hash.update(JSON.stringify(command));
  for (const path of Object.keys(all).sort()) {
    const bytes = all[path]!;
    hash.update(`\n${path.length}:${path}:${bytes.byteLength}:`);
    hash.update(bytes);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * What a run changes against the template: the code's diff (an edit, a rewritten block), the override settings
 * the wrapper applies, and the command when it carries flags. The wrapper's own scripts are the same every run.
 */
export function runChanges(
  template: TemplateInfo,
  files: Record<string, string>,
  command: string[],
  runIndex: number,
): string {
  const parts: string[] = [];
  for (const path of Object.keys(files).sort()) {
    if (path === "plot.py" || path === "notes.txt" || path === WRAPPER_FILE || path === INFER_FILE) continue; // not what the run varies
    const original = template.files[path];
    if (original !== undefined) parts.push(changesSummary(path, original, files[path]!));
    else parts.push(`${path}: written for this run\n\`\`\`\n${capLines(files[path]!, 20)}\n\`\`\``);
  }
  const plain = ["python3", "experiment.py", `--out_dir=run_${runIndex}`];
  if (command.join(" ") !== plain.join(" ")) parts.push(`Command: ${command.join(" ")}`);
  return parts.join("\n");
}

function capLines(text: string, max: number): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.length <= max
    ? lines.join("\n")
    : `${lines.slice(0, max).join("\n")}\n... (${lines.length - max} more line(s))`;
}
