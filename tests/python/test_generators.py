"""Unit and property tests for explained.python.generators."""

from __future__ import annotations

import inspect
import math
import statistics
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explained.python import generators as g

counts = st.integers(min_value=0, max_value=200)
floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(counts)
def test_countdown_generator_matches_the_hand_written_iterator(n: int) -> None:
    assert list(g.countdown(n)) == list(g.Countdown(n)) == list(range(n, 0, -1))


@pytest.mark.parametrize("func", [g.countdown, g.Countdown])
def test_countdown_rejects_bad_starts(func) -> None:
    with pytest.raises(ValueError, match="start must be >= 0, got -2"):
        func(-2)
    with pytest.raises(TypeError, match="start must be an int, got float"):
        func(2.5)
    with pytest.raises(TypeError, match="got bool"):
        func(True)


@given(counts, st.lists(st.integers(), max_size=50))
def test_take_is_a_prefix(n: int, items: list[int]) -> None:
    assert g.take(n, iter(items)) == items[:n]


def test_take_stops_an_infinite_generator() -> None:
    assert g.take(3, g.naturals(-1)) == [-1, 0, 1]
    with pytest.raises(ValueError, match="n must be >= 0"):
        g.take(-1, [])


@given(st.lists(st.integers(), max_size=60), st.integers(min_value=1, max_value=10))
def test_chunked_partitions_in_order(items: list[int], size: int) -> None:
    chunks = list(g.chunked(items, size))
    assert [x for chunk in chunks for x in chunk] == items
    assert all(len(c) == size for c in chunks[:-1])
    assert not chunks or 1 <= len(chunks[-1]) <= size


def test_chunked_rejects_zero_size() -> None:
    with pytest.raises(ValueError, match="size must be >= 1, got 0"):
        g.chunked([1], 0)


nested = st.recursive(
    st.integers() | st.text(max_size=3), lambda inner: st.lists(inner, max_size=4)
)


def _leaves(x):
    if isinstance(x, list):
        for item in x:
            yield from _leaves(item)
    else:
        yield x


@given(st.lists(nested, max_size=5))
def test_flatten_yields_leaves_in_order(data: list) -> None:
    assert list(g.flatten(data)) == list(_leaves(data))


def test_flatten_rejects_strings_and_scalars() -> None:
    for bad in ["abc", b"abc", 3]:
        with pytest.raises(TypeError, match="non-string iterable"):
            g.flatten(bad)


@given(st.lists(floats, max_size=40), st.integers(min_value=1, max_value=6))
def test_moving_average_matches_window_means(values: list[float], window: int) -> None:
    expected = [statistics.fmean(values[i : i + window]) for i in range(len(values) - window + 1)]
    assert list(g.moving_average(values, window)) == pytest.approx(expected, abs=1e-6)


@given(st.lists(floats, min_size=1, max_size=40))
def test_running_average_yields_prefix_means_and_returns_summary(values: list[float]) -> None:
    avg = g.primed(g.running_average)()
    seen = [avg.send(v) for v in values]
    assert seen == pytest.approx([statistics.fmean(values[: i + 1]) for i in range(len(values))])
    with pytest.raises(StopIteration) as stop:
        avg.send(None)
    assert stop.value.value == g.Summary(len(values), pytest.approx(statistics.fmean(values)))


def test_running_average_rejects_non_numbers() -> None:
    avg = g.primed(g.running_average)()
    with pytest.raises(TypeError, match="real numbers, got str"):
        avg.send("3")


def test_primed_needs_a_generator_function() -> None:
    with pytest.raises(TypeError, match="generator function"):
        g.primed(len)
    assert g.primed(g.running_average).__name__ == "running_average"


def test_tally_close_return_value_depends_on_version() -> None:
    t = g.tally()
    next(t)
    t.send(1)
    t.send(2)
    assert t.close() == (2 if sys.version_info >= (3, 13) else None)
    assert inspect.getgeneratorstate(t) == inspect.GEN_CLOSED


@given(st.dictionaries(st.text(max_size=3), st.lists(floats, min_size=1, max_size=10), max_size=5))
def test_summarise_groups_equals_direct_means(groups: dict[str, list[float]]) -> None:
    result = g.summarise_groups(groups)
    assert list(result) == list(groups)
    for key, values in groups.items():
        assert result[key].count == len(values)
        # The promise (running_average's docstring): the mean of a left-to-right float sum, so
        # its error is bounded by n * eps * mean(|x|), not relative to a mean that may cancel.
        n = len(values)
        bound = (n + 1) * sys.float_info.epsilon * math.fsum(map(abs, values)) / n
        assert abs(result[key].average - statistics.fmean(values)) <= bound


def test_summarise_groups_error_bound_holds_under_cancellation() -> None:
    # The case hypothesis found: the exact mean is ~3.3e-6, the float sum's error ~1e-11.
    values = [1.0, 131071.00001, -131072.0]
    average = g.summarise_groups({"": values})[""].average
    assert average != pytest.approx(statistics.fmean(values))  # a relative test cannot hold
    bound = 4 * sys.float_info.epsilon * math.fsum(map(abs, values)) / 3
    assert abs(average - statistics.fmean(values)) <= bound


def test_summarise_groups_validates() -> None:
    with pytest.raises(TypeError, match="mapping"):
        g.summarise_groups([1, 2])
    with pytest.raises(ValueError, match="contains None"):
        g.summarise_groups({"a": [1, None]})
    assert g.summarise_groups({"empty": []}) == {"empty": g.Summary(0, None)}


def test_lifecycle_visits_every_state() -> None:
    states = [state for _, state in g.lifecycle()]
    assert states[0] == inspect.GEN_CREATED and states[-1] == inspect.GEN_CLOSED
    assert {inspect.GEN_RUNNING, inspect.GEN_SUSPENDED} <= set(states)


@given(st.integers(min_value=0, max_value=30))
def test_trace_pipeline_orders(n: int) -> None:
    lazy, eager = g.trace_pipeline(n), g.trace_pipeline(n, lazy=False)
    assert sorted(lazy) == sorted(eager) and len(lazy) == 3 * n
    assert lazy == [(stage, i) for i in range(n) for stage in ("read", "square", "sum")]
    assert eager == [(stage, i) for stage in ("read", "square", "sum") for i in range(n)]


def test_peak_memory_compares_and_validates() -> None:
    assert g.peak_memory(lambda: bytearray(1_000_000)) >= 1_000_000
    assert g.peak_memory(lambda: None) < 10_000
    with pytest.raises(TypeError, match="callable"):
        g.peak_memory(42)


def test_figures_draw_the_package_data() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from explained.python import figures

    fig = figures.plot_pipeline_order(g.trace_pipeline(3), g.trace_pipeline(3, lazy=False))
    assert [ax.get_title() for ax in fig.axes] == ["generators (lazy)", "lists (eager)"]
    plt.close(fig)
    sizes = (10, 10_000)
    as_list = [g.peak_memory(lambda n=n: sum([i * i for i in range(n)])) for n in sizes]
    as_gen = [g.peak_memory(lambda n=n: sum(i * i for i in range(n))) for n in sizes]
    fig = figures.plot_peak_memory(sizes, as_list, as_gen)
    (list_line, gen_line) = fig.axes[0].get_lines()
    assert list_line.get_ydata()[-1] > 10 * gen_line.get_ydata()[-1]
    plt.close(fig)
