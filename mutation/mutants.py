"""Small, deterministic source mutations of a Python module, in the spirit of mutmut.

A mutant is one change at one place: an arithmetic, comparison or boolean operator swapped, a
number or boolean constant changed, a unary minus or ``not`` dropped. Mutations are applied to the
module's AST and compiled directly, so line numbers of the rest of the module stay the same.

Not mutated, by design: strings (messages and names, not behaviour), docstrings, type annotations,
everything inside a ``raise`` statement (an error message's wording; the condition that guards a
``raise`` *is* mutated), and ``copy=`` flags (numpy's ``astype(..., copy=False)`` and the like
decide whether memory is shared, not what any value is). A line ending in ``# pragma: no mutate`` is skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

# Each operator and the one it is replaced by.
BINARY: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitOr,
}
COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BOOLEAN: dict[type[ast.boolop], type[ast.boolop]] = {ast.And: ast.Or, ast.Or: ast.And}
SYMBOL = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&",
    ast.BitOr: "|", ast.BitXor: "^", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in", ast.And: "and", ast.Or: "or",
}  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    """One mutation of one module: where it is and what it changes."""

    path: Path
    module: str  # dotted name, e.g. "explained.position.rope"
    node_index: int  # position of the mutated node in ast.walk order
    slot: int  # which operator of a comparison chain
    line: int
    description: str  # e.g. "< -> <="
    statement: tuple[int, int]  # first and last line of the enclosing statement
    in_function: bool  # False: runs at import time (module or class body)

    def source_line(self) -> str:
        return self.path.read_text(encoding="utf-8").splitlines()[self.line - 1].strip()

    def key(self, root: Path) -> str:
        """Stable across edits elsewhere in the file: path, code of the line and the change."""
        return (
            f"{self.path.relative_to(root).as_posix()} | {self.source_line()} | {self.description}"
        )

    def code(self) -> CodeType:
        tree = ast.parse(self.path.read_text(encoding="utf-8"), str(self.path))
        node = list(ast.walk(tree))[self.node_index]
        _apply(node, self.slot)
        return compile(tree, str(self.path), "exec")


def mutants(path: Path, module: str) -> list[Mutant]:
    """Every mutant of the module at ``path``, in source order."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    lines = source.splitlines()
    skipped = _skipped_nodes(tree)
    context = _statements(tree)
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped or not hasattr(node, "lineno"):
            continue
        if lines[node.lineno - 1].rstrip().endswith("# pragma: no mutate"):
            continue
        for slot, description in _changes(node):
            statement, in_function = context[id(node)]
            found.append(
                Mutant(path, module, index, slot, node.lineno, description, statement, in_function)
            )
    return sorted(found, key=lambda m: (m.line, m.node_index, m.slot))


def _changes(node: ast.AST) -> Iterator[tuple[int, str]]:
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINARY:
        new = BINARY[type(node.op)]
        suffix = "=" if isinstance(node, ast.AugAssign) else ""
        yield 0, f"{SYMBOL[type(node.op)]}{suffix} -> {SYMBOL[new]}{suffix}"
    elif isinstance(node, ast.Compare):
        for slot, op in enumerate(node.ops):
            yield slot, f"{SYMBOL[type(op)]} -> {SYMBOL[COMPARE[type(op)]]}"
    elif isinstance(node, ast.BoolOp):
        yield 0, f"{SYMBOL[type(node.op)]} -> {SYMBOL[BOOLEAN[type(node.op)]]}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        yield 0, "drop not" if isinstance(node.op, ast.Not) else "drop unary -"
    elif isinstance(node, ast.Constant) and type(node.value) in (bool, int, float):
        yield 0, f"{node.value!r} -> {_new_constant(node.value)!r}"


def _new_constant(value: bool | float) -> bool | float:
    return (not value) if isinstance(value, bool) else value + 1


def _apply(node: ast.AST, slot: int) -> None:
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        node.op = BINARY[type(node.op)]()
    elif isinstance(node, ast.Compare):
        node.ops[slot] = COMPARE[type(node.ops[slot])]()
    elif isinstance(node, ast.BoolOp):
        node.op = BOOLEAN[type(node.op)]()
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node.op = ast.UAdd()
    elif isinstance(node, ast.UnaryOp):  # not x -> not (not x), i.e. bool(x)
        node.operand = ast.copy_location(ast.UnaryOp(ast.Not(), node.operand), node)
    elif isinstance(node, ast.Constant):
        node.value = _new_constant(node.value)
    else:
        raise TypeError(f"cannot mutate a {type(node).__name__} node")


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: annotations, docstrings, raise statements, TYPE_CHECKING."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            roots += [a.annotation for a in _arguments(node.args) if a.annotation]
            roots += [node.returns] if node.returns else []
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.keyword) and node.arg == "copy":
            roots.append(node.value)
        elif isinstance(node, ast.Raise) or (
            isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        ):
            roots.append(node)
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_docstring(body[0]):
            roots.append(body[0])
    return {id(n) for root in roots for n in ast.walk(root)}


def _arguments(args: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (args.vararg, args.kwarg) if a]
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *extra]


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _statements(tree: ast.Module) -> dict[int, tuple[tuple[int, int], bool]]:
    """For every node: the lines of its innermost enclosing statement, and whether that
    statement is inside a function (runs when called) or not (runs when the module is imported)."""
    context: dict[int, tuple[tuple[int, int], bool]] = {}

    def visit(node: ast.AST, statement: tuple[int, int], in_function: bool) -> None:
        if id(node) in context:
            return
        if isinstance(node, ast.stmt):
            statement = (node.lineno, node.end_lineno or node.lineno)
        context[id(node)] = (statement, in_function)
        if isinstance(node, FUNCTIONS):
            # Decorators and default values are evaluated where the def is, not when it is called.
            decorators = getattr(node, "decorator_list", [])
            defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            for child in [*decorators, *defaults]:
                visit(child, statement, in_function)
        for child in ast.iter_child_nodes(node):
            visit(child, statement, in_function or isinstance(node, FUNCTIONS))

    visit(tree, (1, 1), False)
    return context
