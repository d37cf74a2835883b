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


