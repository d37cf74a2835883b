import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.python.sequences import (
    copies_during_growth,
    growth_ratios,
    growth_steps,
    list_capacity,
    pointer_size,
    predicted_growth_steps,
    resize_target,
)


def test_pointer_size_matches_maxsize():
    assert pointer_size() == (8 if sys.maxsize > 2**32 else 4)


def test_capacity_of_empty_and_literal():
    assert list_capacity([]) == 0
    assert list_capacity([None] * 7) == 7  # list * n allocates exactly


@given(st.integers(min_value=0, max_value=300))
@settings(max_examples=40, deadline=None)
def test_capacity_never_below_length(n):
    lst = []
    for i in range(n):
        lst.append(i)
        assert list_capacity(lst) >= len(lst)


def test_list_capacity_rejects_non_lists():
    with pytest.raises(TypeError, match="exactly type list, got tuple"):
        list_capacity((1, 2))

    class MyList(list):
        pass

    with pytest.raises(TypeError, match="got MyList"):
        list_capacity(MyList())


def test_growth_steps_match_the_documented_rule_on_this_version():
    # Objects/listobject.c has used this rule since CPython 3.9; all supported versions share it.
    assert growth_steps(5000) == predicted_growth_steps(5000)


def test_growth_is_geometric():
    ratios = growth_ratios(growth_steps(20000))
    assert all(r > 1.1 for r in ratios)
    assert abs(ratios[-1] - 1.125) < 0.01


def test_amortised_copies_bounded():
    for n in (100, 1000, 20000):
        assert copies_during_growth(growth_steps(n)) / n < 9


def test_resize_target_examples_and_jump():
    assert [resize_target(k, k - 1) for k in (1, 5, 9, 17)] == [4, 8, 16, 24]
    assert resize_target(0, 5) == 0
    assert resize_target(10, 0) == 12


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        (-1, ValueError, "newsize must be >= 0, got -1"),
        (2.0, TypeError, "newsize must be an int"),
        (True, TypeError, "got bool"),
    ],
)
def test_resize_target_validates(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        resize_target(bad, 0)


def test_growth_steps_validates():
    with pytest.raises(ValueError, match="n must be >= 0"):
        growth_steps(-3)
    with pytest.raises(TypeError, match="n must be an int"):
        predicted_growth_steps("10")
    assert growth_steps(0) == []


def test_growth_ratios_and_copies_validate():
    with pytest.raises(ValueError, match="strictly increasing"):
        growth_ratios([(1, 4), (5, 4)])
    with pytest.raises(ValueError, match="positive"):
        growth_ratios([(1, 0)])
    with pytest.raises(ValueError, match="capacity >= length"):
        copies_during_growth([(5, 4)])


@given(st.integers(min_value=1, max_value=400))
@settings(max_examples=40, deadline=None)
def test_one_slot_policy_costs_half_the_length_per_append(n):
    from explained.python.sequences import copies_per_append, one_slot_steps

    assert copies_per_append(one_slot_steps(n), n) == (n - 1) / 2


@given(st.integers(min_value=1, max_value=5000))
@settings(max_examples=40, deadline=None)
def test_measured_growth_has_a_constant_cost_per_append(n):
    from explained.python.sequences import copies_per_append

    steps = growth_steps(n)
    assert 0 <= copies_per_append(steps, n) < 10  # 9 for factor 9/8, less with the + 6 slack


def test_copies_per_append_needs_steps_that_cover_n():
    from explained.python.sequences import copies_per_append

    with pytest.raises(ValueError, match="do not cover n = 9"):
        copies_per_append([(1, 4), (5, 8)], 9)
    with pytest.raises(TypeError, match="n must be an int"):
        copies_per_append([(1, 4)], 1.0)
