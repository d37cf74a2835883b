import copy
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explained.python.mutability import is_deeply_immutable, item_ops, shared_mutables

atoms = st.one_of(st.integers(), st.text(max_size=3), st.none(), st.booleans(), st.floats())
frozen = st.recursive(
    atoms, lambda inner: st.tuples(inner, inner) | st.frozensets(atoms, max_size=3), max_leaves=8
)


@given(frozen)
def test_nested_tuples_of_atoms_are_immutable_and_hashable(value):
    assert is_deeply_immutable(value)
    hash(value)  # deep immutability of built-ins implies hashability


@given(frozen)
def test_a_list_anywhere_makes_it_mutable(value):
    assert not is_deeply_immutable((value, [value]))


def test_mutable_builtins():
    for obj in ([], {}, set(), bytearray(), object()):
        assert not is_deeply_immutable(obj)
    assert is_deeply_immutable(range(3))


def test_shallow_copy_shares_nested_lists_deep_copy_does_not():
    original = {"a": [1], "b": (2, [3]), "c": "text"}
    # the tuple holds a list, so the shared tuple itself is reported
    assert shared_mutables(original, copy.copy(original)) == [("a",), ("b",)]
    assert shared_mutables(original, copy.deepcopy(original)) == []
    assert shared_mutables(original, original) == [()]


def test_shared_mutables_handles_cycles():
    a = [1]
    a.append(a)
    b = copy.deepcopy(a)
    assert b[1] is b
    assert shared_mutables(a, b) == []
    assert shared_mutables(a, [a]) == [()]


def test_item_ops_for_augmented_item_assignment():
    def bump(t):
        t[0] += [1]

    def plain(t):
        t[0] = t[0] + [1]

    def mul(t):
        t[1] *= 2

    assert item_ops(bump) == ["load item", "+=", "store item"]
    assert item_ops(plain) == ["load item", "store item"]
    assert item_ops(mul) == ["load item", "*=", "store item"]
    assert item_ops(bump.__code__) == item_ops(bump)


def test_item_ops_opcode_names_per_version():
    import dis

    def bump(t):
        t[0] += [1]

    names = {i.opname for i in dis.get_instructions(bump)}
    if sys.version_info < (3, 11):
        assert "INPLACE_ADD" in names
    else:
        assert "BINARY_OP" in names and "INPLACE_ADD" not in names
    if sys.version_info < (3, 14):
        assert "BINARY_SUBSCR" in names


def test_item_ops_rejects_other_callables():
    with pytest.raises(TypeError, match="Python function or a code object, got builtin_function"):
        item_ops(len)
