"""A toy version of CPython's cycle detector, on a small explicit object graph.

CPython frees most objects by reference counting. The cycle detector (``Modules/gcmodule.c``,
``Python/gc.c`` since 3.13) exists for what reference counting cannot free: groups of objects
that refer to each other but that nothing else refers to. It does **not** mark from a set of
roots (CPython has no list of roots). It looks only at the container objects it tracks:

1. ``update_refs``: copy every tracked object's reference count into a scratch field
   ``gc_refs``;
2. ``subtract_refs``: for every reference from one tracked object to another, subtract one
   from the target's ``gc_refs``. What is left counts references from *outside* the tracked
   set (local variables, C code, untracked objects);
3. ``move_unreachable``: every object with ``gc_refs > 0`` is reachable, and so is everything
   it refers to, transitively; the rest is unreachable: cyclic garbage.

Here a graph is given by name: ``refs`` says which objects each object refers to (a name may
repeat: two references) and ``external`` how many references come from outside. The module can
also build the same graph out of real Python objects and watch, with :mod:`weakref`, which of
them reference counting and :func:`gc.collect` actually free, so that the toy can be checked
against the real collector.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "GcResult",
    "ObjectGraph",
    "RealOutcome",
    "collect",
    "gc_refs",
    "observe_real_gc",
    "refcount_survivors",
    "refcounts",
]


class ObjectGraph:
    """A small object graph: who refers to whom, and how many references come from outside.

    Parameters
    ----------
    refs : mapping of str to sequence of str
        ``refs[a]`` lists the objects ``a`` refers to, one entry per reference. Every object
        of the graph is a key (use an empty list for an object that refers to nothing).
    external : mapping of str to int, optional
        Number of references to an object from outside the graph (a variable, say). Missing
        names have none.

    Examples
    --------
    >>> g = ObjectGraph({"a": ["b"], "b": ["a"], "c": []}, external={"c": 1})
    >>> g.nodes
    ('a', 'b', 'c')
    >>> g.edges
    (('a', 'b'), ('b', 'a'))
    >>> g
    ObjectGraph({'a': ('b',), 'b': ('a',), 'c': ()}, external={'c': 1})

    Every name must be an object of the graph, and counts must be whole numbers:

    >>> ObjectGraph({"a": ["b"]})
    Traceback (most recent call last):
    ...
    ValueError: refs['a'] refers to 'b', which is not an object of the graph (every object must be a key of refs)
    >>> ObjectGraph({"a": "b", "b": []})
    Traceback (most recent call last):
    ...
    TypeError: refs['a'] must be a list of names, got 'b'
    >>> ObjectGraph({1: []})
    Traceback (most recent call last):
    ...
    TypeError: object names must be str, got 1
    >>> ObjectGraph([("a", [])])
    Traceback (most recent call last):
    ...
    TypeError: refs must be a mapping of name -> list of names, got list
    >>> ObjectGraph({"a": []}, external=["a"])
    Traceback (most recent call last):
    ...
    TypeError: external must be a mapping of name -> int, got list
    >>> ObjectGraph({"a": []}, external={"b": 1})
    Traceback (most recent call last):
    ...
    ValueError: external names 'b', which is not an object of the graph
    >>> ObjectGraph({"a": []}, external={"a": -1})
    Traceback (most recent call last):
    ...
    ValueError: external['a'] must be an int >= 0, got -1

    A count of 0 is allowed and means the same as leaving the name out:

    >>> ObjectGraph({"a": []}, external={"a": 0})
    ObjectGraph({'a': ()}, external={})
    """

    def __init__(
        self, refs: Mapping[str, Sequence[str]], external: Mapping[str, int] | None = None
    ) -> None:
        if not isinstance(refs, Mapping):
            raise TypeError(
                f"refs must be a mapping of name -> list of names, got {type(refs).__name__}"
            )
        external = {} if external is None else external
        if not isinstance(external, Mapping):
            raise TypeError(
                f"external must be a mapping of name -> int, got {type(external).__name__}"
            )
        for name, targets in refs.items():
            if not isinstance(name, str):
                raise TypeError(f"object names must be str, got {name!r}")
            if isinstance(targets, str) or not isinstance(targets, Sequence):
                raise TypeError(f"refs[{name!r}] must be a list of names, got {targets!r}")
            for t in targets:
                if t not in refs:
                    raise ValueError(
                        f"refs[{name!r}] refers to {t!r}, which is not an object of the graph "
                        f"(every object must be a key of refs)"
                    )
        for name, count in external.items():
            if name not in refs:
                raise ValueError(f"external names {name!r}, which is not an object of the graph")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"external[{name!r}] must be an int >= 0, got {count!r}")
        self._refs = {name: tuple(targets) for name, targets in refs.items()}
        self._external = {name: int(external.get(name, 0)) for name in self._refs}

    @property
    def nodes(self) -> tuple[str, ...]:
        """Object names, in the order given."""
        return tuple(self._refs)

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """Every reference as ``(source, target)``, repeated references repeated."""
        return tuple((s, t) for s, targets in self._refs.items() for t in targets)

    def referents(self, name: str) -> tuple[str, ...]:
        """The objects ``name`` refers to (one entry per reference)."""
        return self._refs[name]

    def external(self, name: str) -> int:
        """Number of references to ``name`` from outside the graph."""
        return self._external[name]

    def __repr__(self) -> str:
        ext = {k: v for k, v in self._external.items() if v}
        return f"ObjectGraph({dict(self._refs)!r}, external={ext!r})"


@dataclass(frozen=True)
class GcResult:
    """What :func:`collect` found.

    Attributes
    ----------
    gc_refs : dict
        Each object's count after subtracting references internal to the graph.
    reachable, unreachable : frozenset of str
        The verdict: unreachable objects are cyclic (or cycle-held) garbage.
    """

    gc_refs: dict[str, int]
    reachable: frozenset[str]
    unreachable: frozenset[str]


def _check_graph(graph: object) -> ObjectGraph:
    if not isinstance(graph, ObjectGraph):
        raise TypeError(f"expected an ObjectGraph, got {type(graph).__name__}")
    return graph


def refcounts(graph: ObjectGraph) -> dict[str, int]:
    """Reference count of every object: references from outside plus from inside the graph.

    Examples
    --------
    >>> refcounts(ObjectGraph({"a": ["b"], "b": ["a"]}, external={"a": 1}))
    {'a': 2, 'b': 1}
    >>> refcounts({"a": ["b"], "b": ["a"]})
    Traceback (most recent call last):
    ...
    TypeError: expected an ObjectGraph, got dict
    """
    graph = _check_graph(graph)
    counts = {name: graph.external(name) for name in graph.nodes}
    for _, target in graph.edges:
        counts[target] += 1
    return counts


def gc_refs(graph: ObjectGraph) -> dict[str, int]:
    """Steps 1 and 2 of the algorithm: refcount minus references from inside the graph.

    Examples
    --------
    >>> gc_refs(ObjectGraph({"a": ["b"], "b": ["a"]}, external={"a": 1}))
    {'a': 1, 'b': 0}
    """
    graph = _check_graph(graph)
    scratch = refcounts(graph)  # update_refs
    for _, target in graph.edges:  # subtract_refs
        scratch[target] -= 1
    return scratch


def collect(graph: ObjectGraph) -> GcResult:
    """Run the toy cycle detector: which objects are unreachable garbage?

    Objects with ``gc_refs > 0`` after the subtraction are referenced from outside; they and
    everything reachable from them survive. Everything else is unreachable.

    Examples
    --------
    >>> g = ObjectGraph({"a": ["b"], "b": ["a"], "c": ["d"], "d": []}, external={"c": 1})
    >>> result = collect(g)
    >>> sorted(result.unreachable)
    ['a', 'b']
    >>> sorted(result.reachable)
    ['c', 'd']
    >>> sorted(collect(ObjectGraph({"a": ["b"], "b": ["a"]}, external={"a": 1, "b": 1})).reachable)
    ['a', 'b']

    The result is a frozen record: a verdict cannot be edited after the fact.

    >>> result.unreachable = frozenset()
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'unreachable'
    """
    graph = _check_graph(graph)
    scratch = gc_refs(graph)
    reachable: set[str] = set()
    stack = [name for name in graph.nodes if scratch[name] > 0]
    while stack:  # move_unreachable: everything an outside-referenced object reaches survives
        name = stack.pop()
        if name in reachable:
            continue
        reachable.add(name)
        stack.extend(t for t in graph.referents(name) if t not in reachable)
    unreachable = frozenset(graph.nodes) - reachable
    return GcResult(scratch, frozenset(reachable), unreachable)


def refcount_survivors(graph: ObjectGraph) -> frozenset[str]:
    """Objects that reference counting alone would never free, once outside references are kept.

    Starting from the counts of :func:`refcounts`, free every object whose count is zero,
    drop the references it held, and repeat. Objects in or held by an unreferenced cycle are
    left over: that is the leak the cycle detector exists for.

    Examples
    --------
    >>> g = ObjectGraph({"a": ["b"], "b": ["a"], "c": ["a"]})
    >>> sorted(refcount_survivors(g))   # c is freed; the cycle a <-> b is not
    ['a', 'b']
    >>> sorted(refcount_survivors(ObjectGraph({"a": [], "c": ["a"]})))  # freeing c frees a
    []
    """
    graph = _check_graph(graph)
    counts = refcounts(graph)
    alive = set(graph.nodes)
    zero = [name for name in graph.nodes if counts[name] == 0]
    while zero:  # each name enters once: a count reaches 0 only once, and only goes down
        name = zero.pop()
        alive.discard(name)
        for t in graph.referents(name):
            counts[t] -= 1
            if counts[t] == 0:
                zero.append(t)
    return frozenset(alive)


@dataclass(frozen=True)
class RealOutcome:
    """What happened to a graph built from real objects (see :func:`observe_real_gc`).

    Attributes
    ----------
    freed_by_refcount : frozenset of str
        Objects freed as soon as the builder dropped its references (the collector disabled).
    freed_by_gc : frozenset of str
        Objects freed by the following ``gc.collect()``.
    survived : frozenset of str
        Objects still alive afterwards (held from outside).
    """

    freed_by_refcount: frozenset[str]
    freed_by_gc: frozenset[str]
    survived: frozenset[str]


class _Obj:
    """A real object of a materialised graph: it holds its references in a list."""

    __slots__ = ("__weakref__", "name", "refs")

    def __init__(self, name: str) -> None:
        self.name = name
        self.refs: list[_Obj] = []


def _build(graph: ObjectGraph, freed: list[str]) -> list[_Obj]:
    objs = {name: _Obj(name) for name in graph.nodes}
    for source, target in graph.edges:
        objs[source].refs.append(objs[target])
    for name, obj in objs.items():
        weakref.finalize(obj, freed.append, name)
    holders = [objs[name] for name in graph.nodes for _ in range(graph.external(name))]
    return holders  # objs goes out of scope here: only these references remain outside


def observe_real_gc(graph: ObjectGraph) -> RealOutcome:
    """Build ``graph`` from real objects and watch CPython free them.

    Each object gets a :class:`weakref.finalize` that records its name when it is freed. The
    external references are kept in a list; the builder's own references are dropped with the
    automatic collector disabled, so whatever is freed then was freed by reference counting.
    Then ``gc.collect()`` runs. The collector's previous enabled/disabled state is restored.

    Examples
    --------
    >>> g = ObjectGraph({"a": ["b"], "b": ["a"], "c": ["d"], "d": []}, external={"c": 1})
    >>> outcome = observe_real_gc(g)
    >>> sorted(outcome.freed_by_refcount), sorted(outcome.freed_by_gc), sorted(outcome.survived)
    ([], ['a', 'b'], ['c', 'd'])
    >>> outcome.survived = frozenset()  # what was observed stays as observed
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'survived'
    """
    graph = _check_graph(graph)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        freed: list[str] = []
        holders = _build(graph, freed)
        by_refcount = frozenset(freed)
        gc.collect()
        by_gc = frozenset(freed) - by_refcount
        survived = frozenset(graph.nodes) - by_refcount - by_gc
        del holders  # now everything goes; the outcome above is already recorded
        gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    return RealOutcome(by_refcount, by_gc, survived)
