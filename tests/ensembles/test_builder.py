"""Internals of the tree builder and of prediction: the presorted arrays and the level-wise walk."""

import pickle

import numpy as np
import pytest

from explained.ensembles import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    _builder,
)
from explained.ensembles._builder import _INDEX_FIELDS as INDEX_FIELDS
from explained.ensembles._builder import _TREE_FIELDS as TREE_FIELDS
from explained.ensembles._builder import TREE_LEAF, presort


def test_presort_orders_ranks_and_values():
    X = np.array([[3.0, 1.0], [1.0, 1.0], [2.0, 0.0], [1.0, 5.0]])
    sorted_ = presort(X)
    # Ties keep the row order (a stable sort), as the split search's tie-breaking relies on.
    assert sorted_.order.tolist() == [[1, 3, 2, 0], [2, 0, 1, 3]]
    for f in range(2):
        assert np.array_equal(sorted_.rank[f, sorted_.order[f]], np.arange(4))
        assert np.array_equal(sorted_.values[f], X[sorted_.order[f], f])
    assert sorted_.has_ties
    assert not presort(np.array([[0.0, 1.0], [1.0, 0.0]])).has_ties


def _walk_one_by_one(tree, X):
    """The leaf of each row, one row and one node at a time: the definition of ``apply``."""
    leaves = []
    for row in X:
        node = 0
        while tree.children_left[node] != TREE_LEAF:
            go_left = row[tree.feature[node]] <= tree.threshold[node]
            node = tree.children_left[node] if go_left else tree.children_right[node]
        leaves.append(node)
    return np.array(leaves)


@pytest.mark.parametrize("max_depth", [1, 3, 5, 6, None])  # 5: the last without dropping rows
def test_apply_equals_a_per_row_walk(max_depth):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 4))
    y = X[:, 0] + np.sin(3 * X[:, 1]) + 0.3 * rng.normal(size=600)
    tree = DecisionTreeRegressor(max_depth=max_depth, random_state=0).fit(X, y).tree_
    # New rows, and rows lying exactly on every threshold (they must go left).
    on_thresholds = np.tile(X[:1], (tree.node_count, 1))
    inner = tree.children_left != TREE_LEAF
    on_thresholds[inner, tree.feature[inner]] = tree.threshold[inner]
    for rows in (rng.normal(size=(300, 4)), on_thresholds):
        rows = np.ascontiguousarray(rows)
        assert np.array_equal(tree.apply(rows), _walk_one_by_one(tree, rows))
    if max_depth is None:
        assert tree.max_depth > 10  # deep enough for rows to be dropped on the way down
    # The builder passes the depth it reached: the same as walking down the tree level by level.
    depth, level = 0, np.array([0])
    while (inner := level[tree.children_left[level] != TREE_LEAF]).size:
        level = np.concatenate([tree.children_left[inner], tree.children_right[inner]])
        depth += 1
    assert tree.max_depth == depth


def test_tree_predict_is_the_leaf_value():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    leaves = model.apply(X)
    assert np.array_equal(model.tree_.predict(X), model.tree_.value[leaves])
    assert np.array_equal(model.predict_proba(X), model.tree_.value[leaves])


@pytest.mark.parametrize("cls", [RandomForestClassifier, RandomForestRegressor])
def test_forest_does_not_depend_on_n_jobs(cls):
    # n_jobs=3 grows the trees in joblib's worker processes, which send them back pickled.
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) if cls is RandomForestClassifier else X[:, 0] ** 2
    serial = cls(n_estimators=15, random_state=0).fit(X, y)
    parallel = cls(n_estimators=15, random_state=0, n_jobs=3).fit(X, y)
    for one, other in zip(serial.estimators_, parallel.estimators_):
        for f in TREE_FIELDS:
            mine, sent = getattr(one.tree_, f), getattr(other.tree_, f)
            assert np.array_equal(mine, sent) and mine.dtype == sent.dtype, f
        assert one.tree_.max_depth == other.tree_.max_depth
    # The rows drawn are int32, as scikit-learn's, however the trees were grown.
    for one, other in zip(serial.estimators_samples_, parallel.estimators_samples_):
        assert np.array_equal(one, other) and one.dtype == other.dtype == np.int32
    X_new = rng.normal(size=(1001, 5))
    predict = "predict_proba" if cls is RandomForestClassifier else "predict"
    assert np.array_equal(getattr(serial, predict)(X_new), getattr(parallel, predict)(X_new))


def test_a_pickled_tree_derives_what_it_did_not_send():
    X, y = np.random.default_rng(0).normal(size=(200, 3)), np.arange(200) % 2
    tree = DecisionTreeClassifier(random_state=0).fit(X, y).tree_
    blob = pickle.dumps(tree)
    copy = pickle.loads(blob)
    assert "_walk" not in blob.decode("latin-1")
    # The index arrays travel as int32 and come back as scikit-learn's np.intp. The allowance
    # for pickle's own bytes (which vary with numpy and the protocol) is below what 64-bit
    # indices would add, so the bounds tell the two apart.
    floats = sum(getattr(tree, f).nbytes for f in TREE_FIELDS if f not in INDEX_FIELDS)
    as_int32 = sum(getattr(tree, f).size * 4 for f in INDEX_FIELDS)
    allowance = 1200  # about 450 bytes with numpy 2.2-2.4, protocols 4 and 5
    assert as_int32 > allowance
    assert floats + as_int32 <= len(blob) < floats + as_int32 + allowance
    for f in TREE_FIELDS:
        assert np.array_equal(getattr(copy, f), getattr(tree, f))
        assert getattr(copy, f).dtype == getattr(tree, f).dtype
    assert copy.children_left.dtype == np.intp
    assert copy.max_depth == tree.max_depth
    assert all(np.array_equal(a, b) for a, b in zip(copy._walk, tree._walk))
    assert np.array_equal(copy.apply(X), tree.apply(X))


@pytest.mark.parametrize("cls", [RandomForestClassifier, RandomForestRegressor])
def test_64_bit_keys_and_indices_grow_the_same_trees(cls, monkeypatch):
    # From 2**31 on (sort keys: nodes x samples; index arrays: samples) the builder uses 64-bit
    # integers. No test can hold that much data, so lower the limit and compare the trees.
    rng = np.random.default_rng(3)
    X = np.round(rng.normal(size=(300, 5)), 1)  # ties too
    y = (X[:, 0] + X[:, 1] > 0).astype(int) if cls is RandomForestClassifier else X[:, 0] - X[:, 2]
    expected = cls(n_estimators=3, max_features=2, random_state=0).fit(X, y)
    monkeypatch.setattr(_builder, "_INT32_LIMIT", 1)
    assert presort(X).order.dtype == np.intp
    got = cls(n_estimators=3, max_features=2, random_state=0).fit(X, y)
    for one, other in zip(expected.estimators_, got.estimators_, strict=True):
        for f in TREE_FIELDS:
            assert np.array_equal(getattr(one.tree_, f), getattr(other.tree_, f))
