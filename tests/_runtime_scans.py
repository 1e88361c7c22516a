"""Scans of the runtime's own rules (`src/stategen/_runtime`): layering, URLs, docstrings, Jinja.

Each takes `(name, tree)` pairs named by their path under `src/stategen/` (as the scans of
test_architecture do), so a positive control can feed it a made-up module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

RUNTIME = "_runtime/"
ENGINES = "_runtime/engines/"
#: The one module that picks an engine; it imports them inside functions only.
BACKEND = "_runtime/backend.py"
#: `python -m <package> selftest` probes the file engine's filesystem pieces themselves.
SELFTEST = "_runtime/selftest/"
#: What a module that parses a location as a URL calls, with "://" or "#" as the argument.
_PARSING = frozenset({"startswith", "partition", "rpartition", "split", "rsplit", "removeprefix"})
_PARSING |= {"find", "rfind", "index", "rindex"}


def _targets(name: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The absolute modules `node` (in the module at `name`) imports: the module first, then
    `module.item` for each item of a `from` import."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = ["stategen", *name.split("/")[:-1]]
    base = package[: len(package) - node.level + 1] if node.level else []
    module = ".".join([*base, *([node.module] if node.module else [])])
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def _import_nodes(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import of `tree`, and whether it runs inside a function (a lazy import)."""
    lazy: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lazy.update(id(inner) for inner in ast.walk(node) if inner is not node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, id(node) in lazy


def engine_imports(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """`x.py imports y` for each import of an engine (`_runtime.engines`) by the policy.

    Outside the engines only `backend.py` may import one, and only inside a function.
    """
    found = set()
    for name, tree in trees:
        if not name.startswith(RUNTIME) or name.startswith((ENGINES, SELFTEST)):
            continue
        for node, lazy in _import_nodes(tree):
            if name == BACKEND and lazy:
                continue
            targets = [t for t in _targets(name, node) if _within(t, "stategen._runtime.engines")]
            if targets:
                found.add(f"{name} imports {targets[0]}")
    return sorted(found)


def codec_imports_in_engines(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """`x.py imports y` for each import of the codec (`_runtime.codec`) by an engine."""
    found = set()
    for name, tree in trees:
        if not name.startswith(ENGINES):
            continue
        for node, _ in _import_nodes(tree):
            targets = [t for t in _targets(name, node) if _within(t, "stategen._runtime.codec")]
            if targets:
                found.add(f"{name} imports {targets[0]}")
    return sorted(found)


def url_parsing(name: str, tree: ast.Module) -> list[str]:
    """Where the module parses URL syntax itself: `urllib` or the URL module imported, or a
    location cut at "://" or "#" (what `backend.is_database` and `split_key` are for)."""
    found = []
    for imported, _ in _import_nodes(tree):
        for target in _targets(name, imported)[:1]:
            if _within(target, "urllib") or _within(target, "stategen._runtime.engines.postgres"):
                found.append(f"{name}:{imported.lineno} imports {target}")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in _PARSING:
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        texts += [
            e.value
            for a in node.args
            if isinstance(a, ast.Tuple)
            for e in a.elts
            if isinstance(e, ast.Constant)
        ]
        if any(isinstance(t, str) and ("://" in t or "#" in t) for t in texts):
            found.append(f"{name}:{node.lineno} calls .{node.func.attr}() on a location")
    return found


def summary_problems(trees: list[tuple[str, ast.Module]], limit: int = 100) -> list[str]:
    """Modules whose docstring does not open with one line of at most `limit` characters
    (the quotes included)."""
    found = []
    for name, tree in trees:
        docstring = ast.get_docstring(tree, clean=False)
        if not docstring:
            found.append(f"{name}: no docstring")
            continue
        first = docstring.split("\n\n")[0].strip()
        if "\n" in first:
            found.append(f"{name}: the first sentence spans lines")
        elif len('"""' + first) > limit:
            found.append(f"{name}: the first line is longer than {limit} characters")
    return found


def shadowed_names(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """`pkg/__init__.py defines x, also a module` for each name a package's `__init__`
    defines at its top level that one of its submodules also has: importing the submodule
    sets that attribute of the package, so the package's own `x` turns into a module."""
    modules = {name for name, _ in trees}
    found = []
    for name, tree in trees:
        if not name.endswith("/__init__.py"):
            continue
        package = name.removesuffix("__init__.py")
        for node in tree.body:
            defined = isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            if defined and (
                f"{package}{node.name}.py" in modules
                or f"{package}{node.name}/__init__.py" in modules
            ):
                found.append(f"{name} defines {node.name}, also a module")
    return found


def absolute_self_imports(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """`x.py imports stategen...` for each import of the runtime's own package by name: a
    generated project has it under another name, so only relative imports work there."""
    found = set()
    for name, tree in trees:
        for node, _ in _import_nodes(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                continue
            target = _targets(name, node)[0]
            if _within(target, "stategen"):
                found.add(f"{name} imports {target}")
    return sorted(found)


def jinja_markers(files: dict[str, str]) -> list[str]:
    """The files holding `{{` or `{%`: Copier copies the runtime as it is, so it must not look
    like a template (it would differ between projects if it were one)."""
    return sorted(name for name, text in files.items() if "{{" in text or "{%" in text)


def _within(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")
