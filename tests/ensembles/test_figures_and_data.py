"""Figures (drawing only), the experiments they draw, data generators and permutation importance."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from explained.ensembles import (
    DecisionTreeRegressor,
    experiments,
    figures,
    permutation_importance,
)
from explained.ensembles.datasets import make_circle, make_friedman1, make_hastie_10_2


def _figure_inputs():
    r = np.linspace(-3, 3, 7)
    return {
        "plot_max_features": (
            [1, 7, 50],
            experiments.max_features_accuracy((1, 7, 50), (0, 1), 2),
            50,
        ),
        "plot_correlated_trees": (
            {"max_features=3": experiments.correlated_tree_variance(3, n_sets=3, n_trees=3)},
        ),
        "plot_oob_error": tuple(experiments.oob_error_curve(n_estimators=4).values()),
        "plot_adaboost_boundaries": (experiments.adaboost_regions((1, 2), resolution=20),),
        "plot_adaboost_errors": (experiments.adaboost_error_curves(n_estimators=4),),
        "plot_example_8_2": ([1, 2], [5.0, 6.0], [1, 1.5, 2], {1: ([5.0, 5.0, 6.0], 0.5)}),
        "plot_shrinkage_subsampling": (experiments.shrinkage_curves(n_estimators=4),),
        "plot_regression_losses": (r, experiments.regression_losses(r, 1.0), 1.0),
    }


@pytest.mark.parametrize("name", figures.__all__)
def test_every_figure_draws_the_data_it_is_given(name):
    fig = getattr(figures, name)(*_figure_inputs()[name])
    try:
        assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
        assert all(ax.has_data() for ax in fig.axes)
    finally:
        plt.close(fig)


def test_figures_only_draw():
    # figures.py takes its data as arguments: it imports nothing of the package.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(figures))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("explained"), node.module


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: figures.plot_oob_error([0.1, 0.2], [0.1]), ValueError, "equal lengths"),
        (lambda: figures.plot_oob_error([np.nan], [0.1]), ValueError, "finite"),
        (lambda: figures.plot_oob_error("abc", [0.1]), TypeError, "real numbers"),
        (lambda: figures.plot_max_features([1, 2], [[0.5]], 50), ValueError, "one column"),
        (lambda: figures.plot_max_features([1], [[0.5]], True), ValueError, "n_features"),
        (lambda: figures.plot_correlated_trees({}), TypeError, "non-empty mapping"),
        (lambda: figures.plot_adaboost_errors({"train": [0.1]}), TypeError, "keys"),
        (lambda: figures.plot_example_8_2([1], [1.0], [1.0], {1: [1.0]}), TypeError, "pair"),
        (lambda: figures.plot_regression_losses([0.0], {}, 1.0), TypeError, "keys"),
    ],
)
def test_figures_check_their_data(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_experiments_are_cached_and_consistent():
    a = experiments.correlated_tree_variance(1.0, n_sets=4, n_trees=5, random_state=1)
    a["measured"][:] = -1  # callers get copies
    b = experiments.correlated_tree_variance(1.0, n_sets=4, n_trees=5, random_state=1)
    assert np.all(b["measured"] > 0) and b["measured"].shape == (5,)
    assert -1 < float(b["rho"]) < 1 and float(b["sigma2"]) > 0
    # the average of one tree has the variance of one tree
    assert np.isclose(b["measured"][0], b["sigma2"], rtol=0.5)


def test_oob_and_adaboost_curves():
    curve = experiments.oob_error_curve(n_estimators=5, random_state=1)
    assert curve["oob"].shape == curve["test"].shape == (5,)
    assert np.all((0 <= curve["oob"]) & (curve["oob"] <= 1))
    errors = experiments.adaboost_error_curves(n_estimators=10, random_state=1)
    assert np.all(errors["train"] <= errors["bound"] + 1e-12)  # the bound of 李航 theorem 8.1
    assert np.all(errors["bound"] <= errors["gamma_bound"] + 1e-12)  # theorem 8.2
    regions = experiments.adaboost_regions((1, 3), resolution=10)
    assert np.array_equal(regions["regions"], regions["decision"] > 0)


def test_max_features_accuracy_shape_and_seeds():
    acc = experiments.max_features_accuracy((1, 50), seeds=(0, 1), n_estimators=3)
    assert acc.shape == (2, 2) and np.all((0.3 < acc) & (acc < 1))
    with pytest.raises(ValueError, match="max_features"):
        experiments.max_features_accuracy((0,))
    with pytest.raises(ValueError, match="seeds must be a non-empty tuple"):
        experiments.max_features_accuracy(seeds=())


@given(
    arrays(np.float64, st.integers(1, 20), elements=st.floats(-50, 50)),
    st.floats(0.01, 10),
)
def test_regression_losses_match_their_gradients(r, delta):
    losses = experiments.regression_losses(r, delta)
    h = 1e-6
    shifted = experiments.regression_losses(r + h, delta)
    smooth = np.abs(np.abs(r) - delta) > 1e-3
    numeric = (shifted["huber"]["loss"] - losses["huber"]["loss"]) / h
    assert np.allclose(numeric[smooth], losses["huber"]["gradient"][smooth], atol=1e-4)
    assert np.all(np.abs(losses["huber"]["gradient"]) <= delta)
    assert np.all(losses["huber"]["loss"] <= losses["squared"]["loss"] + 1e-12)


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


def test_experiments_validate_their_arguments():
    with pytest.raises(ValueError, match="n_sets must be >= 2"):
        experiments.correlated_tree_variance(1.0, n_sets=1)
    with pytest.raises(ValueError, match="n_trees must be >= 2"):
        experiments.correlated_tree_variance(1.0, n_trees=0)
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        experiments.adaboost_regions(rounds=())
    with pytest.raises(ValueError, match="each entry of rounds must be >= 1"):
        experiments.adaboost_regions(rounds=(0,))
    with pytest.raises(ValueError, match="n_estimators must be >= 1"):
        experiments.shrinkage_curves(n_estimators=0)
    # each was a TypeError/ValueError from Python or numpy (unhashable cache key, a seed numpy
    # rejects, np.arange of a bad size, ...), or an overflow warning
    with pytest.raises(ValueError, match="max_features must be"):
        experiments.correlated_tree_variance([1], n_sets=2, n_trees=2)
    with pytest.raises(ValueError, match="random_state must be None"):
        experiments.correlated_tree_variance(1.0, n_sets=2, n_trees=2, random_state="abc")
    with pytest.raises(ValueError, match="n_estimators must be an int"):
        experiments.shrinkage_curves(n_estimators=[2])
    with pytest.raises(ValueError, match="random_state must be None"):
        experiments.shrinkage_curves(n_estimators=2, random_state=[0])
    with pytest.raises(ValueError, match="n_trees must be <="):
        experiments.correlated_tree_variance(1.0, n_trees=10**30)
    with pytest.raises(ValueError, match="random_state must be None"):
        experiments.oob_error_curve(random_state="abc")
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        experiments.adaboost_regions(rounds=np.array([1, 2]))
    with pytest.raises(ValueError, match="rounds must be a non-empty tuple"):
        experiments.adaboost_regions(rounds=1.5)
    with pytest.raises(ValueError, match="delta must be a finite real number"):
        experiments.regression_losses([0.0], "abc")
    with pytest.raises(TypeError, match="residuals must be"):
        experiments.regression_losses("abc")
    with pytest.raises(ValueError, match="at most 1e100"):
        experiments.regression_losses([1e300])
    experiments.regression_losses([1.0], 1e300)  # was an overflow RuntimeWarning


def test_permutation_importance_checks_estimator_and_y():
    X = np.arange(12.0).reshape(6, 2)
    model = DecisionTreeRegressor().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="a fitted instance, not a class"):
        permutation_importance(DecisionTreeRegressor, X, X[:, 0])  # was TypeError from Python
    with pytest.raises(ValueError, match=r"y must be an array of shape \(6,\)"):
        permutation_importance(model, X, [[1], [2, 3]] * 3)  # was numpy's inhomogeneous shape
