"""Figures for the Python-internals articles, drawn at docs build time from the package.

Each function computes its data with :mod:`explained.python` and returns a matplotlib Figure.
Figure text stays in English and math (the build machine has no CJK font); captions on the page
carry the Chinese.
"""

from __future__ import annotations

from typing import Any


def plot_pipeline_order(n: int = 4) -> Any:
    """Which stage works on which item, step by step: lazy generators versus eager lists."""
    import matplotlib.pyplot as plt

    from explained.python.generators import trace_pipeline

    stages = ["read", "square", "sum"]
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(7.5, 3.0))
    for ax, lazy in zip(axes, [True, False]):
        log = trace_pipeline(n, lazy=lazy)
        for step, (stage, item) in enumerate(log):
            row = stages.index(stage)
            ax.scatter(step, row, s=220, color=f"C{item}", zorder=2)
            ax.annotate(str(item), (step, row), ha="center", va="center", color="white", fontsize=8)
        ax.plot(range(len(log)), [stages.index(s) for s, _ in log], color="0.7", zorder=1)
        ax.set_title("generators (lazy)" if lazy else "lists (eager)")
        ax.set_xlabel("step")
        ax.set_yticks(range(len(stages)), stages)
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def plot_peak_memory(sizes: tuple[int, ...] = (10**3, 10**4, 10**5, 10**6)) -> Any:
    """Peak memory of sum() over a list comprehension versus a generator expression."""
    import matplotlib.pyplot as plt

    from explained.python.generators import peak_memory

    as_list = [peak_memory(lambda n=n: sum([i * i for i in range(n)])) for n in sizes]
    as_gen = [peak_memory(lambda n=n: sum(i * i for i in range(n))) for n in sizes]
    fig, ax = plt.subplots()
    ax.loglog(sizes, as_list, "o-", label="sum([i*i for i in range(n)])")
    ax.loglog(sizes, as_gen, "s-", label="sum(i*i for i in range(n))")
    ax.set_xlabel("n (items)")
    ax.set_ylabel("peak traced memory (bytes)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_list_growth(n: int = 200, n_cost: int = 100_000) -> Any:
    """How a list's capacity grows with append(), measured on the interpreter building the docs.

    Left: capacity (slots) against length for ``n`` appends, with the rule of
    :func:`explained.python.sequences.resize_target` overlaid. Right: worst-case pointer copies
    per append, geometric over-allocation against growing by one slot.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_list_growth(20, n_cost=1000)
    >>> fig.axes[1].get_xscale()
    'log'
    >>> plt.close(fig)
    >>> plot_list_growth(20, n_cost=5)
    Traceback (most recent call last):
    ...
    ValueError: n_cost must be an int >= 10, got 5
    """
    import sys

    import matplotlib.pyplot as plt
    import numpy as np

    from explained.python.sequences import (
        copies_during_growth,
        growth_steps,
        predicted_growth_steps,
    )

    if isinstance(n_cost, bool) or not isinstance(n_cost, int) or n_cost < 10:
        raise ValueError(f"n_cost must be an int >= 10, got {n_cost!r}")
    steps = growth_steps(n)
    lengths = np.arange(1, n + 1)
    starts = np.array([length for length, _ in steps])
    caps = np.array([cap for _, cap in steps])
    capacity = caps[np.searchsorted(starts, lengths, side="right") - 1]
    predicted = predicted_growth_steps(n)

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    ax.step(lengths, capacity, where="post", label="measured capacity")
    ax.plot(lengths, lengths, "--", color="0.6", label="length (no slack)")
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

    sizes = np.unique(np.logspace(1, np.log10(n_cost), 25).astype(int))
    all_steps = growth_steps(int(sizes[-1]))
    geometric = [copies_during_growth([s for s in all_steps if s[0] <= m]) / m for m in sizes]
    by_one = [(m - 1) / 2 for m in sizes]  # resize on every append: 0 + 1 + ... + (m-1) copies
    ax2.loglog(sizes, by_one, "s-", ms=3, label="grow by one slot")
    ax2.loglog(sizes, geometric, "o-", ms=3, label="CPython over-allocation")
    ax2.set_xlabel("number of appends n")
    ax2.set_ylabel("pointer copies per append")
    ax2.set_title("amortised cost (worst case)")
    ax2.legend(fontsize=8)
    ax2.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_gc_refs(graph: Any = None, positions: dict[str, tuple[float, float]] | None = None) -> Any:
    """An object graph annotated with refcount, gc_refs and the toy collector's verdict.

    ``graph`` is an :class:`explained.python.toy_gc.ObjectGraph`; by default the example of the
    garbage-collection article: a cycle held from outside, an unreferenced cycle with a tail,
    and a chain held from outside. ``positions`` maps names to (x, y); by default the objects
    are placed on a circle (the default graph has its own layout).

    Examples
    --------
    >>> from explained.python.toy_gc import ObjectGraph
    >>> fig = plot_gc_refs(ObjectGraph({"x": ["y"], "y": ["x"]}))  # placed on a circle
    >>> len(fig.axes)
    1
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    >>> plot_gc_refs(ObjectGraph({"x": []}), positions={"y": (0, 0)})
    Traceback (most recent call last):
    ...
    ValueError: positions has no (x, y) for ['x']
    >>> plot_gc_refs({"x": []})
    Traceback (most recent call last):
    ...
    TypeError: expected an ObjectGraph, got dict
    """
    import math

    import matplotlib.pyplot as plt

    from explained.python.toy_gc import ObjectGraph, _check_graph, collect, refcounts

    if graph is not None:
        _check_graph(graph)
    if graph is None:
        graph = ObjectGraph(
            {
                "a": ["b"],
                "b": ["c"],
                "c": ["a"],
                "d": ["e"],
                "e": ["d", "f"],
                "f": [],
                "g": ["h"],
                "h": [],
            },
            external={"a": 1, "g": 1},
        )
        if positions is None:
            positions = {
                "a": (0.0, 1.0),
                "b": (1.0, 0.0),
                "c": (-1.0, 0.0),
                "d": (2.6, 1.0),
                "e": (2.6, 0.0),
                "f": (2.6, -1.0),
                "g": (4.2, 1.0),
                "h": (4.2, 0.0),
            }
    names = graph.nodes
    if positions is None:
        positions = {
            name: (math.cos(2 * math.pi * i / len(names)), math.sin(2 * math.pi * i / len(names)))
            for i, name in enumerate(names)
        }
    missing = [name for name in names if name not in positions]
    if missing:
        raise ValueError(f"positions has no (x, y) for {missing}")
    counts = refcounts(graph)
    result = collect(graph)
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
