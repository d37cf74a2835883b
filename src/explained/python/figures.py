"""Figures for the Python-internals articles: drawing only.

Every function here takes the data a page has already computed (with the public functions of
:mod:`explained.python`) and checked, and draws it; none computes or imports anything from the
package, so a figure cannot show data the page did not check. Figure text stays in English and
math (the build machine has no CJK font); the captions on the pages carry the Chinese.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explained.python.toy_gc import GcResult, ObjectGraph

__all__ = ["plot_gc_refs", "plot_list_growth", "plot_peak_memory", "plot_pipeline_order"]

STAGES = ("read", "square", "sum")


def _same_length(name: str, values: Sequence[Any], like: str, other: Sequence[Any]) -> None:
    if len(values) != len(other):
        raise ValueError(f"{name} has {len(values)} values but {like} has {len(other)}")


def _numbers(name: str, values: object, *, positive: bool = False) -> list[float]:
    """``values`` as a list of finite real numbers, or a TypeError/ValueError naming ``name``."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    out = list(values)
    for v in out:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must hold real numbers, got {v!r}")
        if not math.isfinite(v) or (positive and v <= 0):
            need = "positive and finite (they are drawn on log axes)" if positive else "finite"
            raise ValueError(f"{name} must be {need}, got {v!r}")
    return [float(v) for v in out]


def _pairs(name: str, pairs: object, first: type, second: type) -> list[tuple[Any, Any]]:
    """``pairs`` as a list of (first, second) tuples, or a TypeError naming ``name``."""
    if isinstance(pairs, (str, bytes, Mapping)) or not isinstance(pairs, Iterable):
        raise TypeError(f"{name} must be a sequence of pairs, got {type(pairs).__name__}")
    out = list(pairs)
    for pair in out:
        ok = isinstance(pair, (tuple, list)) and len(pair) == 2
        if not ok or not all(
            isinstance(v, kind) and not isinstance(v, bool)
            for v, kind in zip(pair, (first, second), strict=True)
        ):
            raise TypeError(
                f"{name} must hold ({first.__name__}, {second.__name__}) pairs, got {pair!r}"
            )
    return [tuple(pair) for pair in out]


def plot_pipeline_order(
    lazy_log: Sequence[tuple[str, int]], eager_log: Sequence[tuple[str, int]]
) -> Any:
    """Which stage works on which item, step by step: lazy generators versus eager lists.

    Parameters
    ----------
    lazy_log, eager_log : sequence of (stage, item)
        As :func:`explained.python.generators.trace_pipeline` returns them with
        ``lazy=True`` and ``lazy=False``; stages are ``"read"``, ``"square"`` and ``"sum"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_pipeline_order([("read", 0), ("sum", 0)], [("read", 0), ("sum", 0)])
    >>> [ax.get_title() for ax in fig.axes]
    ['generators (lazy)', 'lists (eager)']
    >>> plt.close(fig)
    >>> plot_pipeline_order([("write", 0)], [])
    Traceback (most recent call last):
    ...
    ValueError: unknown stage 'write': expected one of ('read', 'square', 'sum')
    """
    import matplotlib.pyplot as plt

    lazy_log = _pairs("lazy_log", lazy_log, str, int)
    eager_log = _pairs("eager_log", eager_log, str, int)
    for stage, _ in [*lazy_log, *eager_log]:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}: expected one of {STAGES}")
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(7.5, 3.0))
    for ax, log, title in zip(
        axes, [lazy_log, eager_log], ["generators (lazy)", "lists (eager)"], strict=True
    ):
        for step, (stage, item) in enumerate(log):
            row = STAGES.index(stage)
            ax.scatter(step, row, s=220, color=f"C{item}", zorder=2)
            ax.annotate(str(item), (step, row), ha="center", va="center", color="white", fontsize=8)
        ax.plot(range(len(log)), [STAGES.index(s) for s, _ in log], color="0.7", zorder=1)
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.set_yticks(range(len(STAGES)), STAGES)
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def plot_peak_memory(
    sizes: Sequence[int], list_peaks: Sequence[float], generator_peaks: Sequence[float]
) -> Any:
    """Peak traced memory of ``sum()`` over a list comprehension versus a generator expression.

    Parameters
    ----------
    sizes : sequence of int
        The numbers of items ``n``, positive.
    list_peaks, generator_peaks : sequence of float
        Peak bytes for each ``n`` (:func:`explained.python.generators.peak_memory`), positive.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_peak_memory([10, 100], [400, 4000], [300, 300])
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    >>> plot_peak_memory([10, 100], [400], [300, 300])
    Traceback (most recent call last):
    ...
    ValueError: list_peaks has 1 values but sizes has 2
    """
    import matplotlib.pyplot as plt

    sizes = _numbers("sizes", sizes, positive=True)
    list_peaks = _numbers("list_peaks", list_peaks, positive=True)
    generator_peaks = _numbers("generator_peaks", generator_peaks, positive=True)
    _same_length("list_peaks", list_peaks, "sizes", sizes)
    _same_length("generator_peaks", generator_peaks, "sizes", sizes)
    fig, ax = plt.subplots()
    ax.loglog(sizes, list_peaks, "o-", label="sum([i*i for i in range(n)])")
    ax.loglog(sizes, generator_peaks, "s-", label="sum(i*i for i in range(n))")
    ax.set_xlabel("n (items)")
    ax.set_ylabel("peak traced memory (bytes)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_list_growth(
    steps: Sequence[tuple[int, int]],
    predicted: Sequence[tuple[int, int]],
    sizes: Sequence[int],
    geometric: Sequence[float],
    by_one: Sequence[float],
) -> Any:
    """How a list's capacity grows with ``append()``, and what the growth costs per append.

    Parameters
    ----------
    steps : sequence of (length, capacity)
        Measured resizes (:func:`explained.python.sequences.growth_steps`).
    predicted : sequence of (length, capacity)
        The resizes CPython's rule predicts
        (:func:`explained.python.sequences.predicted_growth_steps`), drawn as circles.
    sizes : sequence of int
        Numbers of appends for the right panel.
    geometric, by_one : sequence of float
        Worst-case pointer copies per append for each size, under CPython's over-allocation
        and under growing by one slot (:func:`explained.python.sequences.copies_per_append`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_list_growth([(1, 4), (5, 8)], [(1, 4), (5, 8)], [10, 100], [1.0, 2.0], [4.5, 49.5])
    >>> fig.axes[1].get_xscale()
    'log'
    >>> plt.close(fig)
    >>> plot_list_growth([], [], [10], [1.0], [4.5])
    Traceback (most recent call last):
    ...
    ValueError: steps is empty: measure at least one resize
    """
    import matplotlib.pyplot as plt

    steps = _pairs("steps", steps, int, int)
    predicted = _pairs("predicted", predicted, int, int)
    if not steps:
        raise ValueError("steps is empty: measure at least one resize")
    sizes = _numbers("sizes", sizes, positive=True)
    geometric = _numbers("geometric", geometric)
    by_one = _numbers("by_one", by_one)
    for name, values in (("geometric", geometric), ("by_one", by_one)):
        if min(values, default=0) < 0:
            raise ValueError(f"{name} must be >= 0 (copies per append), got {min(values)!r}")
    _same_length("geometric", geometric, "sizes", sizes)
    _same_length("by_one", by_one, "sizes", sizes)
    n = max(length for length, _ in [*steps, *predicted])
    starts = [length for length, _ in steps] + [n]
    caps = [cap for _, cap in steps]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    ax.step(starts, [*caps, caps[-1]], where="post", label="measured capacity")
    ax.plot([1, n], [1, n], "--", color="0.6", label="length (no slack)")
    ax.plot(
        [p[0] for p in predicted],
        [p[1] for p in predicted],
        "o",
        mfc="none",
        ms=4,
        color="C3",
        label="rule: n + n/8 + 6, rounded to 4",
    )
    ax.set_xlabel("len(list) after append")
    ax.set_ylabel("capacity (pointer slots)")
    ax.set_title(f"list growth, CPython {sys.version_info[0]}.{sys.version_info[1]}")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)

    ax2.loglog(sizes, by_one, "s-", ms=3, label="grow by one slot")
    ax2.loglog(sizes, geometric, "o-", ms=3, label="CPython over-allocation")
    ax2.set_xlabel("number of appends n")
    ax2.set_ylabel("pointer copies per append")
    ax2.set_title("amortised cost (worst case)")
    ax2.legend(fontsize=8)
    ax2.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_gc_refs(
    graph: ObjectGraph,
    counts: Mapping[str, int],
    result: GcResult,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> Any:
    """An object graph annotated with refcount, gc_refs and the toy collector's verdict.

    Parameters
    ----------
    graph : explained.python.toy_gc.ObjectGraph
        The graph the page built (anything with ``nodes``, ``edges`` and ``external(name)``).
    counts : mapping of str to int
        Its reference counts (:func:`explained.python.toy_gc.refcounts`).
    result : explained.python.toy_gc.GcResult
        The verdict of :func:`explained.python.toy_gc.collect` on it.
    positions : mapping of str to (x, y), optional
        Where to draw each object; by default on a circle.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> graph = SimpleNamespace(nodes=("x", "y"), edges=(("x", "y"), ("y", "x")), external=lambda n: 0)
    >>> verdict = SimpleNamespace(gc_refs={"x": 0, "y": 0}, reachable=frozenset(), unreachable=frozenset("xy"))
    >>> fig = plot_gc_refs(graph, {"x": 1, "y": 1}, verdict)
    >>> len(fig.axes)
    1
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    >>> plot_gc_refs(graph, {"x": 1, "y": 1}, verdict, positions={"x": (0, 0)})
    Traceback (most recent call last):
    ...
    ValueError: positions has no (x, y) for ['y']
    >>> plot_gc_refs(graph, {"x": 1}, verdict)
    Traceback (most recent call last):
    ...
    ValueError: counts has no reference count for ['y']
    """
    import matplotlib.pyplot as plt

    if not all(hasattr(graph, a) for a in ("nodes", "edges", "external")):
        raise TypeError(
            f"graph must be an ObjectGraph (nodes, edges, external()), got {type(graph).__name__}"
        )
    if not isinstance(counts, Mapping):
        raise TypeError(f"counts must be a mapping of name -> int, got {type(counts).__name__}")
    if not isinstance(getattr(result, "gc_refs", None), Mapping) or not hasattr(
        result, "reachable"
    ):
        raise TypeError(f"result must be a GcResult from collect(), got {type(result).__name__}")
    if positions is not None and not isinstance(positions, Mapping):
        raise TypeError(
            f"positions must be a mapping of name -> (x, y), got {type(positions).__name__}"
        )
    names = list(graph.nodes)
    if positions is None:
        positions = {
            name: (math.cos(2 * math.pi * i / len(names)), math.sin(2 * math.pi * i / len(names)))
            for i, name in enumerate(names)
        }
    for what, mapping, says in [
        ("positions", positions, "(x, y)"),
        ("counts", counts, "reference count"),
        ("result.gc_refs", result.gc_refs, "gc_refs"),
    ]:
        missing = [name for name in names if name not in mapping]
        if missing:
            raise ValueError(f"{what} has no {says} for {missing}")
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for source, target in graph.edges:
        ax.annotate(
            "",
            xy=positions[target],
            xytext=positions[source],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "0.35",
                "shrinkA": 14,
                "shrinkB": 14,
                "connectionstyle": "arc3,rad=0.2",
            },
        )
    for name in names:
        x, y = positions[name]
        colour = "C2" if name in result.reachable else "C3"
        ax.scatter([x], [y], s=700, color=colour, zorder=2)
        ax.annotate(name, (x, y), ha="center", va="center", color="white", fontsize=12, zorder=3)
        label = f"rc={counts[name]}\ngc_refs={result.gc_refs[name]}"
        ax.annotate(label, (x + 0.28, y - 0.05), ha="left", va="top", fontsize=7.5)
        if graph.external(name):
            ax.annotate(
                "",
                xy=(x, y),
                xytext=(x - 0.55, y + 0.45),
                arrowprops={"arrowstyle": "-|>", "color": "C0", "lw": 1.8, "shrinkB": 14},
            )
            ax.annotate(
                "outside", (x - 0.58, y + 0.5), ha="center", va="bottom", fontsize=7.5, color="C0"
            )
    ax.scatter([], [], s=80, color="C2", label="reachable")
    ax.scatter([], [], s=80, color="C3", label="unreachable: collected")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8, frameon=False)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
