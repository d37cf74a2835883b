import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.python.toy_gc import (
    ObjectGraph,
    collect,
    gc_refs,
    observe_real_gc,
    refcount_survivors,
    refcounts,
)


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=1, max_value=7))
    names = [f"o{i}" for i in range(n)]
    refs = {name: draw(st.lists(st.sampled_from(names), max_size=3)) for name in names}
    external = {name: draw(st.integers(min_value=0, max_value=2)) for name in names}
    return ObjectGraph(refs, external=external)


def reachable_from_outside(graph):
    """Reference answer: a plain search from the externally referenced objects."""
    seen = set()
    stack = [n for n in graph.nodes if graph.external(n) > 0]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(graph.referents(n))
    return seen


@given(graphs())
@settings(max_examples=60, deadline=None)
def test_toy_collector_agrees_with_real_gc(graph):
    verdict = collect(graph)
    real = observe_real_gc(graph)
    assert verdict.unreachable == real.freed_by_refcount | real.freed_by_gc
    assert verdict.reachable == real.survived
    # what refcounting alone leaves behind is exactly what the real collector had to find
    garbage_left = refcount_survivors(graph) & verdict.unreachable
    assert garbage_left == real.freed_by_gc


@given(graphs())
@settings(max_examples=100, deadline=None)
def test_toy_collector_matches_reference_search(graph):
    verdict = collect(graph)
    assert verdict.reachable == reachable_from_outside(graph)
    assert verdict.reachable | verdict.unreachable == set(graph.nodes)
    assert not verdict.reachable & verdict.unreachable
    # gc_refs is exactly the number of outside references
    assert gc_refs(graph) == {n: graph.external(n) for n in graph.nodes}


def test_refcounts_count_repeated_references():
    g = ObjectGraph({"a": ["b", "b"], "b": []}, external={"a": 1})
    assert refcounts(g) == {"a": 1, "b": 2}


def test_cycle_with_tail():
    g = ObjectGraph({"a": ["b"], "b": ["a", "c"], "c": []})
    assert refcount_survivors(g) == {"a", "b", "c"}
    assert collect(g).unreachable == {"a", "b", "c"}
    assert observe_real_gc(g).freed_by_gc == {"a", "b", "c"}


def test_observe_restores_collector_state():
    assert gc.isenabled()
    observe_real_gc(ObjectGraph({"a": []}))
    assert gc.isenabled()
    gc.disable()
    try:
        observe_real_gc(ObjectGraph({"a": []}))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "refs, external, exc, msg",
    [
        ({"a": ["z"]}, None, ValueError, "refers to 'z', which is not an object"),
        ({"a": []}, {"b": 1}, ValueError, "external names 'b'"),
        ({"a": []}, {"a": -1}, ValueError, r"external\['a'\] must be an int >= 0"),
        ({"a": "b", "b": []}, None, TypeError, r"refs\['a'\] must be a list"),
        ([("a", [])], None, TypeError, "refs must be a mapping"),
        ({1: []}, None, TypeError, "object names must be str"),
        ({"a": []}, [1], TypeError, "external must be a mapping"),
    ],
)
def test_graph_validation(refs, external, exc, msg):
    with pytest.raises(exc, match=msg):
        ObjectGraph(refs, external=external)


def test_functions_reject_non_graphs():
    for func in (refcounts, gc_refs, collect, refcount_survivors, observe_real_gc):
        with pytest.raises(TypeError, match="expected an ObjectGraph, got dict"):
            func({"a": []})


def test_repr_and_accessors():
    g = ObjectGraph({"a": ["b"], "b": []}, external={"b": 2})
    assert repr(g) == "ObjectGraph({'a': ('b',), 'b': ()}, external={'b': 2})"
    assert g.referents("a") == ("b",)
    assert g.external("a") == 0
