"""Which files of ``explained`` a page's code can reach, so that editing one re-reads only them.

A page is re-read (its examples re-run, its figures redrawn) when one of its dependencies is newer
than its last read. Depending on every file of the package made each save of a module re-run all
pages; here a page depends on the modules its examples and figures import from ``explained``, and,
transitively, on the ``explained`` modules those import, plus every package ``__init__.py`` on the
way (an import runs them). ``from explained.position import rope_rotate`` resolves to the module that
*defines* ``rope_rotate``, so a package that re-exports all its submodules does not drag them all in.

The closure is static (import statements), so it is a superset of what the code can execute unless
the package imports modules by computed name, which it does not.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "explained"


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _defining_module(module: str, name: str) -> str:
    """The module that defines ``module.name`` (the submodule itself when ``name`` is one)."""
    if _is_module(f"{module}.{name}"):
        return f"{module}.{name}"
    try:
        value = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return module
    if isinstance(value, type(importlib)):
        return value.__name__
    owner = getattr(value, "__module__", None) or getattr(type(value), "__module__", "")
    return owner if owner.split(".")[0] == PACKAGE and _is_module(owner) else module


def imported_modules(code: str, package: str | None = None) -> set[str]:
    """``explained`` modules the import statements of ``code`` name (``package`` resolves
    relative imports). Code that does not parse imports nothing."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if package is None:
                    continue
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                found.add(base if alias.name == "*" else _defining_module(base, alias.name))
    return found


@cache
def _module_closure(module: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or not _is_module(name):
            continue
        seen.add(name)
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin is None or origin.suffix != ".py":
            continue
        is_package = origin.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        todo.extend(imported_modules(origin.read_text(encoding="utf-8"), package))
    # Importing a module runs its parent packages' __init__.py: they count, but what they import
    # in turn does not (a re-export never changes what the imported module computes).
    parents = {".".join(n.split(".")[:i]) for n in seen for i in range(1, n.count(".") + 1)}
    return frozenset(seen | parents)


def reached_files(code: Iterable[str]) -> list[Path]:
    """The source files of ``explained`` that the given pieces of code can reach, sorted."""
    modules: set[str] = set()
    for piece in code:
        for module in imported_modules(piece):
            modules |= _module_closure(module)
    files = set()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            files.add(Path(spec.origin))
    return sorted(files)
