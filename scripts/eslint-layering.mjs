// The project's layering as lint rules (no npm plugin: eslint-plugin-import-x pulls a native resolver with an
// install script). Both rules read relative imports only; package imports are not layering.
//  - layering/no-reach-in: a folder with an index.ts is imported from outside only through that index.ts, and a
//    role folder (agents/roles/<role>/) only through its own index.ts; agents/roles/shared/ is every role's.
//  - layering/no-cycle: no cycle of value imports (type-only imports vanish at run time, so they may loop).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const rolesDir = join(root, "agents", "roles");

/** The nearest folder at or above `dir` (inside the repo, not the repo itself) that has an index.ts, or null. */
const moduleCache = new Map();
function moduleOf(dir) {
  if (moduleCache.has(dir)) return moduleCache.get(dir);
  let found = null;
  for (let d = dir; d.startsWith(root + sep); d = dirname(d)) {
    if (existsSync(join(d, "index.ts"))) {
      found = d;
      break;
    }
  }
  moduleCache.set(dir, found);
  return found;
}

/** The role folder a path sits in (agents/roles/<role>), or null; shared/ is not a role. */
function roleOf(path) {
  const rel = relative(rolesDir, path);
  if (rel.startsWith("..") || !rel.includes(sep)) return null;
  const name = rel.split(sep)[0];
  return name === "shared" ? null : join(rolesDir, name);
}

const inside = (path, dir) => path === dir || path.startsWith(dir + sep);
const show = (path) => relative(root, path);

/** The rule's verdict for one import: a message, or null when the import is allowed. */
export function reachInProblem(fromFile, target) {
  const fromDir = dirname(fromFile);
  const targetRole = roleOf(target);
  if (targetRole && !inside(fromFile, targetRole) && target !== join(targetRole, "index.ts")) {
    return `${show(target)} is inside role folder ${show(targetRole)}: import it through ${show(targetRole)}/index.ts`;
  }
  const targetModule = moduleOf(dirname(target));
  if (!targetModule || inside(fromDir, targetModule)) return null;
  if (target === join(targetModule, "index.ts")) return null;
  return `${show(target)} is inside ${show(targetModule)}: import it through ${show(targetModule)}/index.ts`;
}

const valueImport = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm;
const edgeCache = new Map();
/** The files a file imports for their values (relative .ts imports), read from disk and cached. */
function valueEdges(file) {
  if (edgeCache.has(file)) return edgeCache.get(file);
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = "";
  }
  const edges = [];
  for (const match of text.matchAll(valueImport)) edges.push(resolve(dirname(file), match[1]));
  edgeCache.set(file, edges);
  return edges;
}

/** A path of value imports from `start` back to `file`, or null. */
export function cycleThrough(file, start) {
  const seen = new Set();
  const stack = [[start, [start]]];
  while (stack.length) {
    const [at, path] = stack.pop();
    if (at === file) return path;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const next of valueEdges(at)) stack.push([next, [...path, next]]);
  }
  return null;
}

function importSources(context, check) {
  const visit = (node) => {
    const source = node.source?.value;
    if (typeof source !== "string" || !source.startsWith(".")) return;
    check(node, source, resolve(dirname(context.filename), source));
  };
  return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit };
}

const noReachIn = {
  meta: { type: "problem", docs: { description: "import other folders and roles only through their index.ts" }, schema: [] },
  create(context) {
    return importSources(context, (node, _source, target) => {
      const problem = reachInProblem(resolve(context.filename), target);
      if (problem) context.report({ node: node.source, message: problem });
    });
  },
};

const noCycle = {
  meta: { type: "problem", docs: { description: "no cycle of value imports" }, schema: [] },
  create(context) {
    const file = resolve(context.filename);
    // This file's own edges come from the parser's view, so an unsaved edit is checked as written.
    edgeCache.delete(file);
    return importSources(context, (node, _source, target) => {
      if (node.importKind === "type" || node.exportKind === "type") return;
      const cycle = cycleThrough(file, target);
      if (cycle) context.report({ node: node.source, message: `import cycle: ${[file, ...cycle].map(show).join(" -> ")}` });
    });
  },
};

export default { meta: { name: "layering" }, rules: { "no-reach-in": noReachIn, "no-cycle": noCycle } };
