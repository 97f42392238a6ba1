"""The boot probe of a seed-format template, run in its sandbox image with that image's Python.

`python3 probe_template.py experiment.py [plot.py ...] [--local name,name]` prints one JSON object:
  {"knobs": [...], "metrics": [...], "imports": [...], "missing": [...], "errors": [...], "python": "3.11.2"}
knobs: infer_space.find_knobs on experiment.py; metrics: the names final_info.json's "means" will hold, where the
code spells them; imports: top-level modules of every file given, less the template's own (--local); missing:
those the image cannot find (importlib.util.find_spec, which locates without importing).
"""
import ast
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from scientist_infer_space import find_knobs  # the name it has in the sandbox work dir
except ImportError:
    from infer_space import find_knobs  # the name it has in the repository


def str_keys(node):
    if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
        return [k.value for k in node.keys]
    return None


def metric_names(tree):
    """The metric names final_info.json's "means" will hold, where the code spells them: a dict literal under a
    "means" key or assigned to `means`, or a comprehension renaming the keys of a literal dict (f"{k}_mean").
    Best effort: the first run's final_info.json is the truth; this names the primary metric before it exists."""
    literals = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            keys = str_keys(node.value)
            if keys and len(keys) >= 2:
                literals[node.targets[0].id] = keys
    candidates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "means":
                    candidates.append(value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "means":
            candidates.append(node.value)
    for value in candidates:
        if isinstance(value, ast.Name):
            value = next((n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and n.targets[0].id == value.id and isinstance(n.value, (ast.Dict, ast.DictComp))), value)
        keys = str_keys(value)
        if keys:
            return keys
        if isinstance(value, ast.DictComp) and isinstance(value.key, ast.JoinedStr):
            parts = value.key.values
            suffix = "".join(p.value for p in parts[1:] if isinstance(p, ast.Constant))
            prefix = parts[0].value if parts and isinstance(parts[0], ast.Constant) else ""
            source = value.generators[0].iter
            base = source.func.value if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) else source
            names = literals.get(base.id) if isinstance(base, ast.Name) else None
            if names is None:
                # Keys gathered from dicts the code builds elsewhere: the last literal dict of metric-like names.
                names = next((k for n, k in reversed(list(literals.items())) if any(w in n for w in ("final_info", "result", "metric"))), None)
            if names:
                return [f"{prefix}{name}{suffix}" for name in names]
    return []


def imports_of(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def parse(path):
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read(), filename=path)


def probe(argv):
    local = set()
    paths = []
    index = 0
    while index < len(argv):
        if argv[index] == "--local":
            local.update(n for n in argv[index + 1].split(",") if n)
            index += 2
            continue
        paths.append(argv[index])
        index += 1
    trees = {}
    errors = []
    for path in paths:
        try:
            trees[path] = parse(path)
        except SyntaxError as error:
            errors.append(f"{path} line {error.lineno}: {error.msg}")
    knobs = [record for record, _ in find_knobs(trees[paths[0]])] if paths and paths[0] in trees else []
    imports = sorted(set().union(*[imports_of(t) for t in trees.values()]) - local) if trees else []
    stdlib = getattr(sys, "stdlib_module_names", set())
    missing = [name for name in imports if name not in stdlib and name != "__future__" and importlib.util.find_spec(name) is None]
    metrics = metric_names(trees[paths[0]]) if paths and paths[0] in trees else []
    json.dump({"knobs": knobs, "metrics": metrics, "imports": imports, "missing": missing, "errors": errors, "python": sys.version.split()[0]}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("usage: probe_template.py experiment.py [plot.py ...] [--local a,b]\n")
        sys.exit(2)
    probe(sys.argv[1:])
