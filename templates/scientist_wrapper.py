"""Runs experiment.py with settings applied to the literals it hides, without editing the file.

`python3 scientist_wrapper.py <settings.json> <experiment.py> [argv...]` parses experiment.py with ast, finds each
named knob with the same inference the swarm used (scientist_infer_space.py beside this file), replaces its literal
in the parsed tree, and executes the result as `__main__` with `sys.argv = [experiment.py, argv...]` and `__file__`
set, so the code, its tracebacks' line numbers and its outputs are those of experiment.py itself.

settings.json: {"settings": {"run.num_total_updates": 200, ...}}. A knob that the source no longer has (a coder
rewrote that code) stops the run with a message naming it, rather than silently running something else.
"""
import ast
import json
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scientist_infer_space import find_knobs  # noqa: E402


class Replace(ast.NodeTransformer):
    def __init__(self, by_node):
        self.by_node = by_node

    def visit(self, node):
        replacement = self.by_node.get(id(node))
        if replacement is not None:
            return ast.copy_location(ast.Constant(value=replacement), node)
        return self.generic_visit(node)


def coerce(value, baseline, name):
    if isinstance(baseline, bool):
        if not isinstance(value, bool):
            raise SystemExit(f"scientist: setting {name}: {value!r} is not a bool like the baseline {baseline!r}")
        return value
    if isinstance(baseline, int):
        if isinstance(value, bool) or not float(value).is_integer():
            raise SystemExit(f"scientist: setting {name}: {value!r} is not an integer like the baseline {baseline!r}")
        return int(value)
    if isinstance(baseline, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SystemExit(f"scientist: setting {name}: {value!r} is not a number like the baseline {baseline!r}")
        return float(value)
    return value


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: scientist_wrapper.py settings.json experiment.py [argv...]")
    settings_path, script = sys.argv[1], sys.argv[2]
    with open(settings_path, encoding="utf-8") as handle:
        settings = json.load(handle)["settings"]
    with open(script, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source, filename=script)
    knobs = {record["name"]: (record, node) for record, node in find_knobs(tree)}
    by_node = {}
    for name, value in settings.items():
        if name not in knobs:
            raise SystemExit(f"scientist: setting {name}: {script} has no such knob any more (known: {', '.join(sorted(knobs)) or 'none'})")
        record, node = knobs[name]
        if record["kind"] == "argparse":
            raise SystemExit(f"scientist: setting {name} is an argparse flag: pass {record['flag']} on the command line")
        by_node[id(node)] = coerce(value, record["value"], name)
    tree = ast.fix_missing_locations(Replace(by_node).visit(tree))
    code = compile(tree, script, "exec")
    path = os.path.abspath(script)
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__builtins__ = __builtins__
    # As `python experiment.py` would: its folder first on sys.path, itself as __main__ (pickle, dataclasses).
    sys.modules["__main__"] = module
    sys.argv = [script, *sys.argv[3:]]
    sys.path[0] = os.path.dirname(path)
    exec(code, module.__dict__)


if __name__ == "__main__":
    main()
