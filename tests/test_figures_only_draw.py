"""figures.py modules only draw (issue 13): the data a figure shows comes from the page.

A figure's data is computed on its page by a public function of the package and checked there;
the {plot} fence (docs/_ext/figures.py) hands it to a drawing function. If a figures.py module
could import the package, it could compute (or recompute differently) what it draws, and a change
to that data would never reach a check. So: no import from ``explained`` in any figures.py,
except under ``if TYPE_CHECKING:`` for annotations.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "explained"
FIGURES = sorted(PACKAGE.glob("*/figures.py"))


def _imports_outside_type_checking(tree: ast.Module) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def from_package(node: ast.AST) -> bool:
        if isinstance(node, ast.ImportFrom):
            return bool(node.level) or (node.module or "").split(".")[0] == "explained"
        if isinstance(node, ast.Import):
            return any(a.name.split(".")[0] == "explained" for a in node.names)
        return False

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if not typing_only and from_package(node):
            found.append((node.lineno, ast.unparse(node)))
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def test_there_are_figures_modules() -> None:
    assert len(FIGURES) == 4


@pytest.mark.parametrize("path", FIGURES, ids=lambda p: p.parent.name)
def test_figures_modules_import_nothing_from_the_package(path: Path) -> None:
    imports = _imports_outside_type_checking(ast.parse(path.read_text(encoding="utf-8")))
    assert not imports, (
        f"{path.relative_to(PACKAGE.parent)} computes with the package: {imports}. Compute the "
        "data on the page with a public function and pass it to the drawing function."
    )


def test_the_rule_sees_an_import_and_spares_type_checking() -> None:
    bad = "from explained.position import rope\nfrom .rope import x\nimport explained.python\n"
    assert [line for line, _ in _imports_outside_type_checking(ast.parse(bad))] == [1, 2, 3]
    fine = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .rope import Curve\n"
    assert _imports_outside_type_checking(ast.parse(fine)) == []
