"""Figures, data generators and permutation importance."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from explained.ensembles import (
    DecisionTreeRegressor,
    figures,
    permutation_importance,
)
from explained.ensembles.datasets import make_circle, make_friedman1, make_hastie_10_2


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("plot_max_features", {"n_estimators": 2}),
        ("plot_correlated_trees", {"n_sets": 3, "n_trees": 3}),
        ("plot_oob_error", {"n_estimators": 4}),
        ("plot_adaboost_boundaries", {"rounds": (1, 2)}),
        ("plot_adaboost_errors", {"n_estimators": 4}),
        ("plot_example_8_2", {}),
        ("plot_shrinkage_subsampling", {"n_estimators": 4}),
        ("plot_regression_losses", {}),
    ],
)
def test_every_figure_draws(name, kwargs):
    fig = getattr(figures, name)(**kwargs)
    try:
        assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
        assert all(ax.has_data() for ax in fig.axes)
    finally:
        plt.close(fig)
    assert name in figures.__all__


def test_correlated_tree_variance_is_cached_and_consistent():
    a = figures.correlated_tree_variance(1.0, n_sets=4, n_trees=5, random_state=1)
    a["measured"][:] = -1  # callers get copies
    b = figures.correlated_tree_variance(1.0, n_sets=4, n_trees=5, random_state=1)
    assert np.all(b["measured"] > 0) and b["measured"].shape == (5,)
    assert -1 < float(b["rho"]) < 1 and float(b["sigma2"]) > 0
    # the average of one tree has the variance of one tree
    assert np.isclose(b["measured"][0], b["sigma2"], rtol=0.5)


def test_hastie_generator():
    X, y = make_hastie_10_2(500, random_state=0)
    assert X.shape == (500, 10)
    assert np.array_equal(y == 1, (X**2).sum(axis=1) > 9.34)
    X2, _ = make_hastie_10_2(500, random_state=0)
    assert np.array_equal(X, X2)


def test_circle_and_friedman_generators():
    X, y = make_circle(400, noise=0.0, random_state=0)
    assert np.array_equal(y == 1, (X**2).sum(axis=1) > 2 * np.log(2))
    _, y_noisy = make_circle(400, noise=1.0, random_state=0)
    assert np.array_equal(y_noisy, 1 - y)
    X, y = make_friedman1(50, noise=0.0, random_state=0)
    expected = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
    )
    assert np.allclose(y, expected)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_hastie_10_2(0), "n_samples must be >= 1"),
        (lambda: make_circle(10, noise=1.5), r"noise must be in \[0.0, 1.0\]"),
        (lambda: make_friedman1(10, n_features=3), "n_features must be >= 5"),
        (lambda: make_friedman1(10, noise=-1.0), r"noise must be in \[0.0, inf\)"),
    ],
)
def test_generator_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_permutation_importance_shapes_and_errors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = 3 * X[:, 1]
    model = DecisionTreeRegressor(max_depth=5).fit(X, y)
    result = permutation_importance(model, X, y, n_repeats=4, random_state=0)
    assert result.importances.shape == (3, 4)
    assert np.allclose(result.importances_mean, result.importances.mean(axis=1))
    assert result.importances_mean.argmax() == 1
    assert np.all(np.abs(result.importances_mean[[0, 2]]) < 0.05)
    assert result.importances_mean[1] > 1.0  # R² drops from ~1 to below 0
    with pytest.raises(ValueError, match="must have a score"):
        permutation_importance(object(), X, y)
    with pytest.raises(ValueError, match=r"y must have shape \(200,\)"):
        permutation_importance(model, X, y[:10])
    with pytest.raises(ValueError, match="n_repeats must be >= 1"):
        permutation_importance(model, X, y, n_repeats=0)


def test_figure_helpers_validate_their_arguments():
    with pytest.raises(ValueError, match="n_sets must be >= 2"):
        figures.correlated_tree_variance(1.0, n_sets=1)
    with pytest.raises(ValueError, match="n_trees must be >= 2"):
        figures.correlated_tree_variance(1.0, n_trees=0)
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        figures.plot_adaboost_boundaries(rounds=())
    with pytest.raises(ValueError, match="each entry of rounds must be >= 1"):
        figures.plot_adaboost_boundaries(rounds=(0,))
    with pytest.raises(ValueError, match="n_estimators must be >= 1"):
        figures.shrinkage_curves(n_estimators=0)


def test_figure_helpers_check_arguments_before_caching_or_drawing():
    # each was a TypeError/ValueError from Python or numpy (unhashable cache key, a seed numpy
    # rejects, np.arange of a bad size, ...), or an overflow warning
    with pytest.raises(ValueError, match="max_features must be"):
        figures.correlated_tree_variance([1], n_sets=2, n_trees=2)
    with pytest.raises(ValueError, match="random_state must be None"):
        figures.correlated_tree_variance(1.0, n_sets=2, n_trees=2, random_state="abc")
    with pytest.raises(ValueError, match="n_estimators must be an int"):
        figures.shrinkage_curves(n_estimators=[2])
    with pytest.raises(ValueError, match="random_state must be None"):
        figures.shrinkage_curves(n_estimators=2, random_state=[0])
    with pytest.raises(ValueError, match="n_trees must be <="):
        figures.plot_correlated_trees(n_trees=10**30)
    with pytest.raises(ValueError, match="random_state must be None"):
        figures.plot_max_features(random_state="abc")
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        figures.plot_adaboost_boundaries(rounds=np.array([1, 2]))
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        figures.plot_adaboost_boundaries(rounds=1.5)
    with pytest.raises(ValueError, match="delta must be a finite real number"):
        figures.plot_regression_losses("abc")
    plt.close(figures.plot_regression_losses(1e300))  # was an overflow RuntimeWarning


def test_permutation_importance_checks_estimator_and_y():
    X = np.arange(12.0).reshape(6, 2)
    model = DecisionTreeRegressor().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="a fitted instance, not a class"):
        permutation_importance(DecisionTreeRegressor, X, X[:, 0])  # was TypeError from Python
    with pytest.raises(ValueError, match=r"y must be an array of shape \(6,\)"):
        permutation_importance(model, X, [[1], [2, 3]] * 3)  # was numpy's inhomogeneous shape
