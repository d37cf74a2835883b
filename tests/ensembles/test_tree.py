"""CART: exact split search, properties, and agreement with scikit-learn's trees."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import tree as sk_tree

from explained.ensembles import DecisionTreeClassifier, DecisionTreeRegressor

small_X = st.integers(4, 30).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, (n, 3), elements=st.integers(-5, 5).map(float)),
        arrays(np.int64, n, elements=st.integers(0, 2)),
    )
)


def _brute_force_best(x, y, criterion):
    """Weighted child impurity of every threshold of a single feature, by plain loops."""
    best = None
    values = np.unique(x)
    for lo, hi in itertools.pairwise(values):
        t = lo / 2 + hi / 2
        total = 0.0
        for side in (y[x <= t], y[x > t]):
            p = np.bincount(side, minlength=y.max() + 1) / side.size
            imp = 1 - (p**2).sum() if criterion == "gini" else -(p[p > 0] * np.log2(p[p > 0])).sum()
            total += side.size / y.size * imp
        if best is None or total < best[0] - 1e-12:
            best = (total, t)
    return best


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_root_split_matches_brute_force(criterion):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 12, 60).astype(float)
    y = (x > 5).astype(int) ^ (rng.random(60) < 0.2)
    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion).fit(x[:, None], y)
    best, threshold = _brute_force_best(x, y, criterion)
    assert tree.tree_.threshold[0] == threshold
    t = tree.tree_
    child = (t.weighted_n_node_samples[1:] * t.impurity[1:]).sum() / t.weighted_n_node_samples[0]
    assert np.isclose(child, best)


def test_regression_stump_matches_brute_force():
    x = np.arange(1, 11, dtype=float)
    y = np.array([5.56, 5.70, 5.91, 6.40, 6.80, 7.05, 8.90, 8.70, 9.00, 9.05])
    losses = {
        s + 0.5: ((y[:s] - y[:s].mean()) ** 2).sum() + ((y[s:] - y[s:].mean()) ** 2).sum()
        for s in range(1, 10)
    }
    stump = DecisionTreeRegressor(max_depth=1).fit(x[:, None], y)
    assert stump.tree_.threshold[0] == min(losses, key=losses.get) == 6.5
    assert np.allclose(stump.tree_.value[1:, 0], [y[:6].mean(), y[6:].mean()])


def test_ties_go_to_lowest_feature_then_lowest_threshold():
    # both features and two thresholds separate equally well
    X = np.array([[0, 0], [1, 1], [2, 2], [3, 3.0]])
    y = [0, 1, 1, 0]
    tree = DecisionTreeClassifier(max_depth=1, criterion="error").fit(X, y)
    assert tree.tree_.feature[0] == 0 and tree.tree_.threshold[0] == 0.5


def test_tree_arrays_and_helpers():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    tree = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    t = tree.tree_
    assert t.node_count == 3 and t.n_leaves == 2 and tree.get_depth() == 1
    assert tree.get_n_leaves() == 2
    assert t.children_left.tolist() == [1, -1, -1] and t.feature.tolist() == [0, -2, -2]
    assert tree.apply([[0.2], [2.9]]).tolist() == [1, 2]
    assert tree.feature_importances_.tolist() == [1.0]


def test_max_depth_and_min_samples_leaf_respected():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = rng.integers(0, 2, 300)
    tree = DecisionTreeClassifier(max_depth=4, min_samples_leaf=7).fit(X, y)
    leaves = tree.tree_.children_left == -1
    assert tree.get_depth() <= 4
    assert tree.tree_.n_node_samples[leaves].min() >= 7
    reg = DecisionTreeRegressor(min_samples_split=50).fit(X, rng.normal(size=300))
    inner = reg.tree_.children_left != -1
    assert reg.tree_.n_node_samples[inner].min() >= 50


@pytest.mark.parametrize("max_features", ["sqrt", "log2", 2, 0.5, None])
def test_max_features_resolution_and_reproducibility(max_features):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 9))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    a = DecisionTreeClassifier(max_features=max_features, random_state=3).fit(X, y)
    b = DecisionTreeClassifier(max_features=max_features, random_state=3).fit(X, y)
    expected = {"sqrt": 3, "log2": 3, 2: 2, 0.5: 4, None: 9}[max_features]
    assert a.max_features_ == expected
    assert np.array_equal(a.tree_.feature, b.tree_.feature)
    assert np.array_equal(a.tree_.threshold, b.tree_.threshold)


@settings(max_examples=40, deadline=None)
@given(small_X)
def test_unlimited_tree_fits_distinct_rows_exactly(data):
    X, y = data
    _, first = np.unique(X, axis=0, return_index=True)
    X, y = X[first], y[first]
    if np.unique(y).size < 2:
        return
    tree = DecisionTreeClassifier().fit(X, y)
    assert np.array_equal(tree.predict(X), y)
    proba = tree.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0)


@settings(max_examples=40, deadline=None)
@given(small_X, st.integers(1, 3))
def test_integer_weights_equal_duplicated_rows(data, repeat):
    X, y = data
    if np.unique(y).size < 2:
        return
    w = np.ones(len(y), dtype=int)
    w[::2] = repeat
    weighted = DecisionTreeClassifier(max_depth=3).fit(X, y, sample_weight=w)
    duplicated = DecisionTreeClassifier(max_depth=3).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert np.allclose(weighted.predict_proba(X), duplicated.predict_proba(X))


@settings(max_examples=30, deadline=None)
@given(small_X)
def test_monotone_transform_of_features_keeps_partition(data):
    X, y = data
    if np.unique(y).size < 2:
        return
    a = DecisionTreeClassifier(max_depth=3).fit(X, y)
    b = DecisionTreeClassifier(max_depth=3).fit(np.exp(X / 3.0), y)
    assert np.array_equal(a.apply(X), b.apply(np.exp(X / 3.0)))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, 25, elements=st.floats(-100, 100)))
def test_regression_leaves_are_weighted_means(y):
    X = np.linspace(0, 1, 25)[:, None]
    tree = DecisionTreeRegressor(max_depth=2).fit(X, y)
    leaf = tree.apply(X)
    for node in np.unique(leaf):
        assert np.isclose(tree.tree_.value[node, 0], y[leaf == node].mean(), atol=1e-9)
    # a constant shift of y shifts every prediction and keeps the tree shape
    shifted = DecisionTreeRegressor(max_depth=2).fit(X, y + 1000.0)
    assert np.allclose(shifted.predict(X), tree.predict(X) + 1000.0)


def test_importances_sum_to_one_and_find_the_signal():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 5))
    y = (X[:, 2] > 0).astype(int)
    imp = DecisionTreeClassifier(max_depth=3).fit(X, y).feature_importances_
    assert np.isclose(imp.sum(), 1.0) and imp.argmax() == 2


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_root_improvement_equals_sklearn(criterion):
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    ours = DecisionTreeClassifier(criterion=criterion, max_depth=1).fit(X, y).tree_
    theirs = sk_tree.DecisionTreeClassifier(criterion=criterion, max_depth=1).fit(X, y).tree_
    assert ours.feature[0] == theirs.feature[0]
    assert np.isclose(ours.threshold[0], theirs.threshold[0], rtol=1e-6)
    assert np.allclose(ours.impurity, theirs.impurity)
    assert np.array_equal(ours.n_node_samples, theirs.n_node_samples)


def test_full_regression_tree_matches_sklearn_on_diabetes():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(max_depth=3).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(max_depth=3).fit(X, y)
    assert np.allclose(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("seed", range(10))
def test_a_node_keeps_drawing_features_while_the_drawn_ones_are_constant(seed):
    # Nine constant columns and one informative one, one feature per split: like scikit-learn's
    # splitter, the node draws on until it finds a feature that varies, so the tree is pure.
    rng = np.random.default_rng(seed)
    X = np.zeros((40, 10))
    X[:, 3] = rng.normal(size=40)
    y = (X[:, 3] > 0).astype(int)
    tree = DecisionTreeClassifier(max_features=1, random_state=seed).fit(X, y)
    assert tree.score(X, y) == 1.0
    assert tree.get_n_leaves() == 2


@settings(max_examples=40, deadline=None)
@given(small_X, st.integers(1, 3), st.integers(0, 5))
def test_an_unlimited_tree_is_pure_unless_rows_repeat_with_other_labels(data, m, seed):
    X, y = data
    assume(np.unique(y).size >= 2)
    tree = DecisionTreeClassifier(max_features=m, random_state=seed).fit(X, y)
    _, inverse = np.unique(X, axis=0, return_inverse=True)
    consistent = all(np.unique(y[inverse.ravel() == g]).size == 1 for g in np.unique(inverse))
    if consistent:
        assert tree.score(X, y) == 1.0
