import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from explained.python.figures import plot_gc_refs, plot_list_growth
from explained.python.toy_gc import ObjectGraph


def test_plot_list_growth_draws_two_panels():
    fig = plot_list_growth(n=60, n_cost=2000)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title().startswith("list growth, CPython 3.")
    plt.close(fig)


def test_plot_gc_refs_default_and_custom():
    fig = plot_gc_refs()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "rc=2\ngc_refs=1" in texts  # the object with an outside reference
    plt.close(fig)
    fig = plot_gc_refs(ObjectGraph({"x": ["y"], "y": ["x"]}))
    assert sum(t.get_text() in ("x", "y") for t in fig.axes[0].texts) == 2
    plt.close(fig)


def test_plot_gc_refs_needs_positions_for_every_object():
    with pytest.raises(ValueError, match=r"no \(x, y\) for \['y'\]"):
        plot_gc_refs(ObjectGraph({"x": [], "y": []}), positions={"x": (0, 0)})
