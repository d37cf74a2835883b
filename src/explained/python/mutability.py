"""Tools for seeing mutability: deep immutability, shared mutable parts, and item bytecode.

Three questions come up again and again when a program surprises its author:

* *Can anything reachable from this value change?* A tuple cannot change its length or which
  objects it refers to, but a list inside it can. :func:`is_deeply_immutable` answers for the
  built-in types.
* *What does a copy share with its original?* :func:`shared_mutables` lists, by path, the
  mutable objects that two structures have in common (by identity, not by value).
* *What does* ``t[i] += x`` *do, step by step?* :func:`item_ops` reads the bytecode of a function
  and names the item loads, in-place operators and item stores in a form that is the same on
  every CPython version (the opcode names are not: ``INPLACE_ADD`` became ``BINARY_OP`` in 3.11).
"""

from __future__ import annotations

import dis
import types
from collections.abc import Callable, Hashable

__all__ = ["is_deeply_immutable", "item_ops", "shared_mutables"]

_ATOMS = (int, float, complex, str, bytes, bool, type(None), range, type(Ellipsis))


def is_deeply_immutable(obj: object) -> bool:
    """True when neither ``obj`` nor anything it contains can be changed in place.

    Built-in atoms (numbers, ``str``, ``bytes``, ``None``, ``range``) are immutable; a
    ``tuple`` or ``frozenset`` is deeply immutable when all its elements are. Every other object
    (lists, dicts, sets, instances of ordinary classes, ...) counts as mutable, because in
    general it can be changed. Cycles through tuples are handled.

    Examples
    --------
    >>> is_deeply_immutable((1, "a", (2.0, None)))
    True
    >>> is_deeply_immutable((1, [2]))     # the tuple is fixed, the list inside is not
    False
    >>> is_deeply_immutable(frozenset({1, 2}))
    True
    >>> inner = (1.5,)
    >>> is_deeply_immutable((inner, inner))  # a shared part is checked once
    True
    """
    seen: set[int] = set()

    def walk(o: object) -> bool:
        if type(o) in _ATOMS:
            return True
        if type(o) in (tuple, frozenset):
            if id(o) in seen:
                return True
            seen.add(id(o))
            return all(walk(item) for item in o)  # type: ignore[attr-defined]
        return False

    return walk(obj)


def _children(o: object) -> list[tuple[Hashable, object]]:
    if isinstance(o, (list, tuple)):
        return list(enumerate(o))
    if isinstance(o, dict):
        return list(o.items())
    return []


def shared_mutables(a: object, b: object) -> list[tuple[Hashable, ...]]:
    """Paths into ``a`` of the mutable objects that ``b`` also contains (the same object).

    Both structures are walked through lists, tuples and dict values. A path is the tuple of
    indices/keys that leads from ``a`` to the shared object, e.g. ``(1, "k")`` for
    ``a[1]["k"]``; ``()`` means ``a`` itself is (in) ``b``. Only mutable objects are reported
    (see :func:`is_deeply_immutable`): sharing an int or a string is harmless, and whether two
    equal ints are one object is an implementation detail. Below a shared object, nothing more
    is reported.

    Returns
    -------
    list of tuple
        Paths in the order a depth-first walk of ``a`` meets them.

    Examples
    --------
    >>> import copy
    >>> original = [1, [2, 3], {"k": [4]}]
    >>> shared_mutables(original, copy.copy(original))
    [(1,), (2,)]
    >>> shared_mutables(original, copy.deepcopy(original))
    []
    """
    in_b: set[int] = set()
    stack = [b]
    while stack:
        o = stack.pop()
        if id(o) in in_b:
            continue
        in_b.add(id(o))
        stack.extend(child for _, child in _children(o))

    found: list[tuple[Hashable, ...]] = []
    visited: set[int] = set()

    def walk(o: object, path: tuple[Hashable, ...]) -> None:
        if id(o) in visited:
            return
        visited.add(id(o))
        if id(o) in in_b and not is_deeply_immutable(o):
            found.append(path)
            return
        for key, child in _children(o):
            walk(child, path + (key,))

    walk(a, ())
    return found


_INPLACE_310 = {
    "INPLACE_ADD": "+=",
    "INPLACE_SUBTRACT": "-=",
    "INPLACE_MULTIPLY": "*=",
    "INPLACE_TRUE_DIVIDE": "/=",
    "INPLACE_FLOOR_DIVIDE": "//=",
    "INPLACE_MODULO": "%=",
    "INPLACE_POWER": "**=",
    "INPLACE_OR": "|=",
    "INPLACE_AND": "&=",
    "INPLACE_XOR": "^=",
    "INPLACE_LSHIFT": "<<=",
    "INPLACE_RSHIFT": ">>=",
    "INPLACE_MATRIX_MULTIPLY": "@=",
}


def item_ops(func: Callable[..., object] | types.CodeType) -> list[str]:
    """The item loads, in-place operators and item stores in ``func``'s bytecode, in order.

    Each is given a version-independent name: ``"load item"`` (``BINARY_SUBSCR``, or
    ``BINARY_OP`` ``[]`` in newer versions), ``"store item"`` (``STORE_SUBSCR``) and the
    augmented operator itself, e.g. ``"+="`` (``INPLACE_ADD`` up to 3.10, ``BINARY_OP`` ``+=``
    from 3.11). Other instructions are left out.

    Parameters
    ----------
    func : function or code object

    Examples
    --------
    >>> def bump(t):
    ...     t[0] += [1]
    ...
    >>> item_ops(bump)
    ['load item', '+=', 'store item']
    >>> item_ops(bump.__code__)
    ['load item', '+=', 'store item']
    >>> item_ops(len)
    Traceback (most recent call last):
    ...
    TypeError: item_ops expects a Python function or a code object, got builtin_function_or_method
    """
    if isinstance(func, types.CodeType):
        code = func
    elif isinstance(func, types.FunctionType):
        code = func.__code__
    else:
        raise TypeError(
            f"item_ops expects a Python function or a code object, got {type(func).__name__}"
        )
    ops: list[str] = []
    for ins in dis.get_instructions(code):
        if ins.opname == "BINARY_SUBSCR" or (ins.opname == "BINARY_OP" and ins.argrepr == "[]"):
            ops.append("load item")
        elif ins.opname == "STORE_SUBSCR":
            ops.append("store item")
        elif ins.opname in _INPLACE_310:
            ops.append(_INPLACE_310[ins.opname])
        elif ins.opname == "BINARY_OP" and ins.argrepr.endswith("=") and ins.argrepr != "==":
            ops.append(ins.argrepr)
    return ops
