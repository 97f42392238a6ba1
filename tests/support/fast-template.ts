import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readParamsBlock, writeParamsBlock } from "../../templates/index.ts";
import { repoRoot } from "../../config/index.ts";

/** A copy of the default template with fewer epochs, so end-to-end tests run the real code in a few seconds. */
export function fastTemplate(epochs = 60): string {
  const dir = join(mkdtempSync(join(tmpdir(), "sci-template-")), "mlp-dynamics");
  cpSync(join(repoRoot, "templates", "mlp-dynamics"), dir, { recursive: true });
  const path = join(dir, "experiment.py");
  const source = readFileSync(path, "utf8");
  writeFileSync(path, writeParamsBlock(source, { ...readParamsBlock(source)!, epochs }));
  return dir;
}
