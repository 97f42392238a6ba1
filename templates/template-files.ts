// Walking a template folder: one definition of what is template content (run outputs, caches and hidden files are
// not), shared by the text files roles read and the workspace every run gets.
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Run outputs (run_0, run_3 ...), caches and VCS folders are not template content. */
export const SKIPPED_DIRS = /^(run_\d+|__pycache__|node_modules|\..*)$/;

/** Calls `visit` for every regular, non-hidden file below `root`, in name order, with its relative POSIX path. */
export async function walkTemplateFiles(
  root: string,
  visit: (rel: string, path: string, size: number) => Promise<void>,
): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.test(entry.name)) await walk(path);
        continue;
      }
      if (!entry.isFile() || entry.name.startsWith(".")) continue;
      await visit(relative(root, path).split(sep).join("/"), path, (await stat(path)).size);
    }
  };
  await walk(root);
}
