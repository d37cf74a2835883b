import ast
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from explained.python import figures
from explained.python.figures import (
    plot_gc_refs,
    plot_list_growth,
    plot_peak_memory,
    plot_pipeline_order,
)
from explained.python.generators import trace_pipeline
from explained.python.sequences import (
    copies_per_append,
    growth_steps,
    one_slot_steps,
    predicted_growth_steps,
)
from explained.python.toy_gc import ObjectGraph, collect, refcounts


def test_figures_module_imports_nothing_from_the_package():
    tree = ast.parse(Path(figures.__file__).read_text(encoding="utf-8"))
    guarded = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and id(node) not in guarded:
            assert node.level == 0 and not (node.module or "").startswith("explained")
        if isinstance(node, ast.Import) and id(node) not in guarded:
            assert not any(alias.name.startswith("explained") for alias in node.names)


def test_plot_list_growth_draws_the_data_it_is_given():
    steps = growth_steps(60)
    sizes = [10, 100, 1000]
    measured = growth_steps(1000)
    fig = plot_list_growth(
        steps,
        predicted_growth_steps(60),
        sizes,
        [copies_per_append(measured, m) for m in sizes],
        [copies_per_append(one_slot_steps(m), m) for m in sizes],
    )
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title().startswith("list growth, CPython 3.")
    assert list(fig.axes[1].lines[0].get_ydata()) == [4.5, 49.5, 499.5]
    plt.close(fig)


def test_plot_list_growth_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="by_one has 1 values but sizes has 2"):
        plot_list_growth([(1, 4)], [(1, 4)], [1, 2], [0.0, 0.0], [0.0])


def test_plot_gc_refs_labels_each_object_with_its_counts():
    graph = ObjectGraph({"a": ["b"], "b": ["a"], "c": []}, external={"a": 1})
    fig = plot_gc_refs(graph, refcounts(graph), collect(graph))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "rc=2\ngc_refs=1" in texts  # the object with an outside reference
    assert sum(t in ("a", "b", "c") for t in texts) == 3
    plt.close(fig)


def test_plot_gc_refs_needs_positions_for_every_object():
    graph = ObjectGraph({"x": [], "y": []})
    with pytest.raises(ValueError, match=r"no \(x, y\) for \['y'\]"):
        plot_gc_refs(graph, refcounts(graph), collect(graph), positions={"x": (0, 0)})


def test_plot_pipeline_order_and_peak_memory_draw_two_and_one_panels():
    fig = plot_pipeline_order(trace_pipeline(3), trace_pipeline(3, lazy=False))
    assert len(fig.axes) == 2
    plt.close(fig)
    fig = plot_peak_memory([10, 100], [1000, 10_000], [500, 500])
    assert len(fig.axes[0].lines) == 2
    plt.close(fig)
    with pytest.raises(ValueError, match="must be positive"):
        plot_peak_memory([10, 100], [0, 10_000], [500, 500])
