"""Finds the knobs of a seed-format experiment.py with Python's own ast (shipped into the sandbox, never run on
the template's behalf on the host in production).

`find_knobs(tree)` gives [(record, node)]; each record is {name, kind, value, type, line, col, end_line, end_col,
scope, flag?, action?, choices?}. probe_template.py (the boot probe) and scientist_wrapper.py (which applies
settings) both use it, so a knob has the same name where it is found and where it is overridden.

What counts as a knob (the original's templates hide theirs in code, not in argparse):
- argparse flags with a literal default (except --out_dir, which the swarm sets);
- module-level and main-block assignments of a number or bool, and of a dict/tuple of numbers (`num_seeds = {...}`);
- class-body fields (dataclasses and config classes);
- local assignments of a literal inside functions and methods, when the name is assigned exactly once there
  (a name assigned again, e.g. `count = 0` then `count += 1`, is an accumulator, not a setting);
- keyword-argument and positional literals of calls, and literal elements of tuples/lists passed to calls
  (`args=(0.001, 14, 7)`, `np.arange(0, 100, 1)`), except 0/1/-1 (indices, dims, strides) and booleans (plumbing
  flags such as exist_ok), except calls and keywords that only shape arrays or do I/O, and except positional
  literals inside classes' methods (kernel sizes, channel counts: architecture the class depends on).
Names are readable and stable: `run.num_total_updates`, `odeint.args.1` (element 1 of odeint's args tuple),
`run.AdamW.betas.0`, `arange.1` (arange's positional argument 1); a name that would repeat gets `@L<line>`.
No brackets: names end up in idea ids, folder names and paper prose, where `[1]` reads as a glob or a citation.
"""
import ast

# Calls whose literals are shapes, indices or I/O details, never research settings.
PLUMBING_CALLS = {
    "print", "open", "len", "isinstance", "issubclass", "getattr", "setattr", "hasattr", "round", "format", "join",
    "makedirs", "dump", "dumps", "load", "loads", "save", "savez", "savefig", "seterr", "setdefault", "get", "pop",
    "split", "replace", "startswith", "endswith", "add_argument", "ArgumentParser", "parse_args", "append", "extend",
    "insert", "view", "reshape", "permute", "transpose", "unsqueeze", "squeeze", "expand", "flatten", "size",
    "chunk", "narrow", "cat", "stack", "concatenate", "zeros", "ones", "full", "empty", "zeros_like", "ones_like",
    "empty_cache", "item", "tolist", "to", "index", "count", "strip", "encode", "decode", "sleep", "exit",
}
# Keyword arguments that select axes or output formatting, or fix a layer's geometry to the shapes around it.
PLUMBING_KEYWORDS = {
    "indent", "dim", "axis", "num_workers", "stacklevel", "protocol", "dpi", "fontsize", "linewidth", "ndigits", "figsize",
    "kernel_size", "padding", "stride", "dilation", "groups",
}


def literal(node):
    """The number or bool a node spells (with a leading minus), else None; strings are not knobs here."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if type(value) in (int, float):
            return -value if isinstance(node.op, ast.USub) else value
    return None


def type_name(value):
    return "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "float" if isinstance(value, float) else "str"


def is_trivial(value):
    return isinstance(value, bool) or value in (0, 1, -1)


def callee_name(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def is_main_guard(node):
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def assigned_names(body_nodes):
    """How often each plain name is bound in a scope (not descending into nested functions or classes)."""
    counts = {}

    def bump(target):
        if isinstance(target, ast.Name):
            counts[target.id] = counts.get(target.id, 0) + 1
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                bump(element)
                bump(element)  # bound by unpacking: never a single literal assignment
        elif isinstance(target, ast.Starred):
            bump(target.value)

    def walk(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bump(target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            bump(node.target)
            if isinstance(node, ast.AugAssign):
                bump(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bump(node.target)
            bump(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    bump(item.optional_vars)
                    bump(item.optional_vars)
        elif isinstance(node, ast.NamedExpr):
            bump(node.target)
            bump(node.target)
        for child in ast.iter_child_nodes(node):
            walk(child)

    for node in body_nodes:
        walk(node)
    return counts


class Finder:
    def __init__(self):
        self.found = []  # (record, node)
        self.classes = set()  # name prefixes of class bodies ("Trainer.", "Outer.Inner.")

    def in_class(self, prefix):
        return any(prefix.startswith(c) for c in self.classes)

    def add(self, name, kind, node, value, scope, **extra):
        record = {
            "name": name,
            "kind": kind,
            "value": value,
            "type": type_name(value),
            "line": node.lineno,
            "col": node.col_offset,
            "end_line": node.end_lineno,
            "end_col": node.end_col_offset,
            "scope": scope,
        }
        record.update(extra)
        self.found.append((record, node))

    # -- scopes -------------------------------------------------------------------------------------------------

    def module(self, tree):
        self.scope_body(tree.body, prefix="", scope="module")

    def scope_body(self, body, prefix, scope):
        """Assignments of literals (knobs where bound once), then every call and nested scope in the body."""
        counts = assigned_names(body)
        for statement in body:
            self.statement(statement, prefix, scope, counts)

    def statement(self, node, prefix, scope, counts):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = f"{prefix}{node.name}."
            self.scope_body(node.body, inner, inner[:-1])
            return
        if isinstance(node, ast.ClassDef):
            self.class_body(node, f"{prefix}{node.name}.")
            return
        if scope == "module" and is_main_guard(node):
            # The main block binds module globals: its settings are named like module constants.
            main_counts = assigned_names(node.body)
            for inner in node.body:
                self.statement(inner, prefix, "main", main_counts)
            for inner in node.orelse:
                self.statement(inner, prefix, scope, counts)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and node.value is not None and counts.get(targets[0].id, 0) == 1:
                if self.assignment(f"{prefix}{targets[0].id}", node.value, scope):
                    return
        # Everything else: look for calls (also inside if/for/with/try bodies) without descending into scopes.
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.statement(child, prefix, scope, counts)
            elif isinstance(child, ast.stmt):
                self.statement(child, prefix, scope, counts)
            else:
                self.calls(child, prefix, scope)

    def class_body(self, node, prefix):
        self.classes.add(prefix)
        for statement in node.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if len(targets) == 1 and isinstance(targets[0], ast.Name) and statement.value is not None:
                    value = literal(statement.value)
                    if value is not None:
                        self.add(f"{prefix}{targets[0].id}", "field", statement.value, value, prefix[:-1])
                        continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = f"{prefix}{statement.name}."
                self.scope_body(statement.body, inner, inner[:-1])
            elif isinstance(statement, ast.ClassDef):
                self.class_body(statement, f"{prefix}{statement.name}.")

    def assignment(self, name, value_node, scope):
        """`x = 7500`, `x = {"a": 3}`, `x = (0.9, 0.98)`; True when the value was a literal of those shapes."""
        kind = "constant" if scope in ("module", "main") else "local"
        value = literal(value_node)
        if value is not None:
            self.add(name, kind, value_node, value, scope)
            return True
        if isinstance(value_node, ast.Dict) and value_node.keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value_node.keys):
            entries = [(k.value, v, literal(v)) for k, v in zip(value_node.keys, value_node.values)]
            if all(lit is not None for _, _, lit in entries):
                for key, v, lit in entries:
                    self.add(f"{name}.{key}", kind, v, lit, scope)
                return True
        if isinstance(value_node, (ast.Tuple, ast.List)) and value_node.elts:
            values = [literal(e) for e in value_node.elts]
            if all(v is not None and not isinstance(v, bool) for v in values):
                for index, (element, v) in enumerate(zip(value_node.elts, values)):
                    self.add(f"{name}.{index}", kind, element, v, scope)
                return True
        return False

    # -- calls --------------------------------------------------------------------------------------------------

    def calls(self, node, prefix, scope):
        for inner in ast.walk(node):
            if isinstance(inner, ast.Lambda):
                continue
            if isinstance(inner, ast.Call):
                self.call(inner, prefix, scope)

    def call(self, call, prefix, scope):
        name = callee_name(call)
        if name is None:
            return
        if name == "add_argument":
            self.argparse(call)
            return
        if name in PLUMBING_CALLS:
            return
        base = f"{prefix}{name}"
        for keyword in call.keywords:
            if keyword.arg is None or keyword.arg in PLUMBING_KEYWORDS:
                continue
            self.argument(f"{base}.{keyword.arg}", keyword.value, scope)
        # Positional literals inside methods are mostly architecture (kernel sizes, channel counts) that the rest of
        # the class depends on; keyword literals there, and positional ones elsewhere, are settings.
        if not self.in_class(prefix):
            for index, argument in enumerate(call.args):
                self.argument(f"{base}.{index}", argument, scope)

    def argument(self, name, node, scope):
        value = literal(node)
        if value is not None:
            if not is_trivial(value):
                self.add(name, "argument", node, value, scope)
            return
        if isinstance(node, (ast.Tuple, ast.List)):
            for index, element in enumerate(node.elts):
                inner = literal(element)
                if inner is not None and not is_trivial(inner):
                    self.add(f"{name}.{index}", "argument", element, inner, scope)

    def argparse(self, call):
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        long = [f for f in flags if f.startswith("--")] or [f for f in flags if f.startswith("-")]
        if not long:
            return
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        dest_node = keywords.get("dest")
        dest = dest_node.value if isinstance(dest_node, ast.Constant) and isinstance(dest_node.value, str) else long[0].lstrip("-").replace("-", "_")
        if dest == "out_dir":
            return  # the swarm sets it: run_<i>
        action_node = keywords.get("action")
        action = action_node.value if isinstance(action_node, ast.Constant) else "store"
        type_node = keywords.get("type")
        declared = type_node.id if isinstance(type_node, ast.Name) else None
        if declared == "bool":
            return  # type=bool turns every non-empty string into True: no value but the default can be passed
        default_node = keywords.get("default")
        if action in ("store_true", "store_false"):
            value = action == "store_false" if default_node is None else literal(default_node)
            if not isinstance(value, bool):
                return
            self.add(dest, "argparse", call, value, "argparse", flag=long[0], action=action)
            return
        if action != "store" or default_node is None:
            return
        value = literal(default_node)
        if value is None and isinstance(default_node, ast.Constant) and isinstance(default_node.value, str):
            value = default_node.value
            try:
                value = int(value) if declared == "int" else float(value) if declared == "float" else value
            except ValueError:
                return
        if value is None:
            return
        if declared == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        extra = {"flag": long[0], "action": "store"}
        choices = keywords.get("choices")
        if isinstance(choices, (ast.List, ast.Tuple)):
            options = [c.value for c in choices.elts if isinstance(c, ast.Constant)]
            if len(options) == len(choices.elts):
                extra["choices"] = options
        if isinstance(value, str) and "choices" not in extra:
            return  # a free string has no values to try
        self.add(dest, "argparse", default_node, value, "argparse", **extra)


def find_knobs(tree):
    """[(record, node)] with unique names: the second and later of a repeated name get `@L<line>`."""
    finder = Finder()
    finder.module(tree)
    finder.found.sort(key=lambda pair: (pair[0]["line"], pair[0]["col"]))
    seen = {}
    for record, _ in finder.found:
        seen[record["name"]] = seen.get(record["name"], 0) + 1
    first = set()
    for record, _ in finder.found:
        name = record["name"]
        if seen[name] > 1:
            if name in first:
                record["name"] = f"{name}@L{record['line']}"
            first.add(name)
    return finder.found
