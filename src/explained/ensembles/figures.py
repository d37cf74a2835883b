"""Figures for the ensemble articles, computed with :mod:`explained.ensembles`.

Each ``plot_*`` function fits the models it shows and returns the matplotlib Figure. Text in the
figures is English or math (the build machine has no CJK font); the articles' captions are Chinese.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_float, check_int, check_random_state, resolve_max_features
from .adaboost import AdaBoostClassifier
from .datasets import make_circle, make_friedman1, make_hastie_10_2
from .forest import RandomForestClassifier, RandomForestRegressor
from .gradient_boosting import GradientBoostingRegressor

__all__ = [
    "correlated_tree_variance",
    "plot_adaboost_boundaries",
    "plot_adaboost_errors",
    "plot_correlated_trees",
    "plot_example_8_2",
    "plot_max_features",
    "plot_oob_error",
    "plot_regression_losses",
    "plot_shrinkage_subsampling",
    "shrinkage_curves",
]

X_8_2 = np.arange(1, 11, dtype=float).reshape(-1, 1)
Y_8_2 = np.array([5.56, 5.70, 5.91, 6.40, 6.80, 7.05, 8.90, 8.70, 9.00, 9.05])


def _pyplot() -> Any:
    import matplotlib.pyplot as plt

    return plt


def plot_max_features(n_estimators: int = 20, random_state: int = 0) -> Any:
    """Test accuracy of a random forest against ``max_features`` on a 10-of-50-features problem.

    The ten features of ESL's problem (10.2) carry the signal, 40 standard normal features are
    noise; 600 training rows, 2000 test rows.
    """
    plt = _pyplot()
    rng = check_random_state(random_state)
    X, y = make_hastie_10_2(2600, random_state=rng)
    X = np.hstack([X, rng.standard_normal((X.shape[0], 40))])
    d = X.shape[1]
    train, test = slice(0, 600), slice(600, None)
    grid = [1, 2, 3, 5, 7, 15, 50]
    accuracy = []
    for m in grid:
        forest = RandomForestClassifier(
            n_estimators=n_estimators, max_features=m, random_state=random_state
        )
        accuracy.append(forest.fit(X[train], y[train]).score(X[test], y[test]))
    fig, ax = plt.subplots()
    ax.plot(grid, accuracy, marker="o", color="C0")
    for value, label, color in [
        (int(np.sqrt(d)), r"$\lfloor\sqrt{d}\rfloor=7$", "C1"),
        (int(np.log2(d)), r"$\lfloor\log_2 d\rfloor=5$", "C2"),
        (d, "bagging (all d=50)", "C3"),
    ]:
        ax.axvline(value, color=color, linestyle="--", linewidth=1, label=label)
    ax.set_xscale("log")
    ax.set_xticks(grid)
    ax.set_xticklabels([str(g) for g in grid])
    ax.set_xlabel("max_features (features tried at each split)")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"Random forest, {n_estimators} trees, 10 informative + 40 noise features")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def correlated_tree_variance(
    max_features: Any, n_sets: int = 16, n_trees: int = 20, random_state: int = 0
) -> dict[str, np.ndarray]:
    """Measure σ², ρ and the variance of a B-tree average over independent training sets.

    For each of ``n_sets`` training sets (150 rows of Friedman #1) a forest is grown; the trees'
    predictions at 50 fixed test points give, averaged over the points, the variance σ² of one
    tree, the correlation ρ between two trees of the same forest, and the variance of the mean of
    the first B trees for B = 1..n_trees. Results are cached per argument tuple (the article's
    example and its figure share one computation).
    """
    check_int(n_sets, "n_sets", 2)
    check_int(n_trees, "n_trees", 2)
    resolve_max_features(max_features, 10)  # Friedman #1 has 10 features
    check_random_state(random_state)  # before the cache: the key must be a valid, hashable seed
    key = (max_features, n_sets, n_trees, random_state)
    if key not in _VARIANCE_CACHE:
        _VARIANCE_CACHE[key] = _correlated_tree_variance(*key)
    return {name: value.copy() for name, value in _VARIANCE_CACHE[key].items()}


_VARIANCE_CACHE: dict[tuple, dict[str, np.ndarray]] = {}


def _correlated_tree_variance(
    max_features: Any, n_sets: int, n_trees: int, random_state: int
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(random_state)
    X_test, _ = make_friedman1(50, random_state=rng)
    preds = np.empty((n_sets, n_trees, X_test.shape[0]))
    for r in range(n_sets):
        X, y = make_friedman1(150, random_state=rng)
        forest = RandomForestRegressor(
            n_estimators=n_trees, max_features=max_features, random_state=rng
        ).fit(X, y)
        preds[r] = [t.predict(X_test) for t in forest.estimators_]
    sigma2 = preds.var(axis=(0, 1)).mean()
    centred = preds - preds.mean(axis=(0, 1))
    cov = np.einsum("rbx,rcx->bcx", centred, centred) / n_sets
    off = ~np.eye(n_trees, dtype=bool)
    rho = cov[off].mean() / preds.var(axis=(0, 1)).mean()
    running = np.cumsum(preds, axis=1) / np.arange(1, n_trees + 1)[None, :, None]
    measured = running.var(axis=0).mean(axis=1)
    return {"sigma2": np.array(sigma2), "rho": np.array(rho), "measured": measured}


def plot_correlated_trees(n_sets: int = 16, n_trees: int = 20, random_state: int = 0) -> Any:
    """Measured variance of a forest's average against ρσ² + (1 − ρ)σ²/B for two ``max_features``."""
    check_int(n_sets, "n_sets", 2)
    check_int(n_trees, "n_trees", 2)
    plt = _pyplot()
    fig, ax = plt.subplots()
    B = np.arange(1, n_trees + 1)
    for max_features, color in [(1.0, "C3"), (3, "C0")]:
        stats = correlated_tree_variance(max_features, n_sets, n_trees, random_state)
        s2, rho = float(stats["sigma2"]), float(stats["rho"])
        ax.plot(
            B,
            stats["measured"],
            "o",
            markersize=3,
            color=color,
            label=f"measured, max_features={max_features}",
        )
        ax.plot(
            B,
            rho * s2 + (1 - rho) * s2 / B,
            "-",
            color=color,
            label=rf"$\rho\sigma^2+(1-\rho)\sigma^2/B$, $\rho$={rho:.2f}",
        )
        ax.axhline(rho * s2, color=color, linestyle=":", linewidth=1)
    ax.set_xlabel("number of trees B")
    ax.set_ylabel("variance of the average")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Averaging correlated trees (Friedman #1, {n_sets} training sets)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_oob_error(n_estimators: int = 100, random_state: int = 0) -> Any:
    """Out-of-bag error and held-out test error of one forest as trees are added."""
    plt = _pyplot()
    X, y = make_hastie_10_2(3000, random_state=random_state)
    X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
    forest = RandomForestClassifier(n_estimators=n_estimators, random_state=random_state)
    forest.fit(X_train, y_train)
    n = X_train.shape[0]
    votes = np.zeros((n, 2))
    test_votes = np.zeros((X_test.shape[0], 2))
    encoded = np.searchsorted(forest.classes_, y_train)
    encoded_test = np.searchsorted(forest.classes_, y_test)
    oob, test = [], []
    for tree, drawn in zip(forest.estimators_, forest.estimators_samples_):
        out = np.ones(n, dtype=bool)
        out[drawn] = False
        votes[out] += tree.predict_proba(X_train[out])
        test_votes += tree.predict_proba(X_test)
        seen = votes.sum(axis=1) > 0
        oob.append(np.mean(votes[seen].argmax(axis=1) != encoded[seen]))
        test.append(np.mean(test_votes.argmax(axis=1) != encoded_test))
    fig, ax = plt.subplots()
    trees = np.arange(1, n_estimators + 1)
    ax.plot(trees, oob, label="out-of-bag error (training set only)")
    ax.plot(trees, test, label="test error (2000 held-out rows)")
    ax.set_xlabel("number of trees")
    ax.set_ylabel("misclassification rate")
    ax.set_title("ESL problem (10.2), 1000 training rows")
    ax.set_ylim(0, 0.5)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_adaboost_boundaries(
    rounds: tuple[int, ...] = (1, 3, 10, 100), random_state: int = 0
) -> Any:
    """Decision regions of AdaBoost with stumps after a few numbers of rounds (circle data)."""
    if not isinstance(rounds, (tuple, list)) or not rounds:
        raise ValueError(f"rounds must be a non-empty tuple of positive ints, got {rounds!r}.")
    for m in rounds:
        check_int(m, "each entry of rounds", 1)
    plt = _pyplot()
    X, y = make_circle(300, noise=0.05, random_state=random_state)
    model = AdaBoostClassifier(n_estimators=max(rounds)).fit(X, y)
    grid = np.linspace(-3, 3, 200)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    stages = list(model.staged_decision_function(points))
    train_stages = list(model.staged_predict(X))
    fig, axes = plt.subplots(1, len(rounds), figsize=(9.6, 2.9), sharey=True)
    for ax, m in zip(axes, rounds):
        index = min(m, len(stages)) - 1
        f = stages[index].reshape(gx.shape)
        ax.contourf(gx, gy, f > 0, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
        ax.contour(gx, gy, f, levels=[0], colors="k", linewidths=0.8)
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "C1", "C0"), s=6)
        theta = np.linspace(0, 2 * np.pi, 200)
        r = np.sqrt(2 * np.log(2))
        ax.plot(r * np.cos(theta), r * np.sin(theta), "k:", linewidth=0.8)
        err = np.mean(train_stages[index] != y)
        ax.set_title(f"M = {m}, train error {err:.2f}", fontsize=9)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def plot_adaboost_errors(n_estimators: int = 200, random_state: int = 0) -> Any:
    """Training and test error of AdaBoost with stumps on ESL (10.2), with the bound ∏Z_m."""
    plt = _pyplot()
    X, y = make_hastie_10_2(4000, random_state=random_state)
    X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]
    model = AdaBoostClassifier(n_estimators=n_estimators).fit(X_train, y_train)
    train = [np.mean(p != y_train) for p in model.staged_predict(X_train)]
    test = [np.mean(p != y_test) for p in model.staged_predict(X_test)]
    gamma = 0.5 - model.estimator_errors_
    m = np.arange(1, len(train) + 1)
    fig, ax = plt.subplots()
    ax.plot(m, train, label="training error")
    ax.plot(m, test, label="test error")
    ax.plot(m, np.cumprod(model.normalizers_), "--", label=r"bound $\prod_m Z_m$")
    ax.plot(m, np.exp(-2 * np.cumsum(gamma**2)), ":", label=r"$\exp(-2\sum_m\gamma_m^2)$")
    ax.set_yscale("log")
    ax.set_ylim(0.05, 1.1)
    ax.set_xlabel("boosting round M")
    ax.set_ylabel("misclassification rate (log scale)")
    ax.set_title("AdaBoost with stumps, ESL problem (10.2)")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_example_8_2() -> Any:
    """The ten points of 李航 Example 8.2 and the boosted stumps f_1, f_3, f_6."""
    plt = _pyplot()
    model = GradientBoostingRegressor(
        n_estimators=6, learning_rate=1.0, max_depth=1, init="zero"
    ).fit(X_8_2, Y_8_2)
    grid = np.linspace(0.5, 10.5, 401).reshape(-1, 1)
    stages = list(model.staged_predict(grid))
    losses = model.train_score_ * len(Y_8_2)
    fig, ax = plt.subplots()
    ax.scatter(X_8_2[:, 0], Y_8_2, color="k", zorder=3, label="data")
    for m, color in [(1, "C0"), (3, "C1"), (6, "C2")]:
        ax.step(
            grid[:, 0],
            stages[m - 1],
            where="mid",
            color=color,
            label=f"$f_{m}(x)$, squared loss {losses[m - 1]:.2f}",
        )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Boosting tree of Example 8.2 (stumps, no shrinkage)")
    ax.legend()
    fig.tight_layout()
    return fig


SHRINKAGE_SETTINGS = (
    ("lr=1.0", (("learning_rate", 1.0),)),
    ("lr=0.1", (("learning_rate", 0.1),)),
    ("lr=0.1, subsample=0.5", (("learning_rate", 0.1), ("subsample", 0.5))),
)
_SHRINKAGE_CACHE: dict[tuple, dict[str, np.ndarray]] = {}


def shrinkage_curves(
    n_estimators: int = 300, random_state: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Staged train and test mean squared error of GBDT on Friedman #1 for three settings.

    500 training and 1000 test rows (noise variance 1), depth-3 trees; the settings are those of
    ``SHRINKAGE_SETTINGS``. Returns ``{label: {"train": ..., "test": ...}}``; results are cached
    per argument pair (the article's example and its figure share one computation).

    Examples
    --------
    >>> curves = shrinkage_curves(n_estimators=5)
    >>> sorted(curves), curves["lr=0.1"]["test"].shape
    (['lr=0.1', 'lr=0.1, subsample=0.5', 'lr=1.0'], (5,))
    """
    check_int(n_estimators, "n_estimators", 1)
    check_random_state(random_state)  # before the cache: the key must be a valid, hashable seed
    key = (n_estimators, random_state)
    if key not in _SHRINKAGE_CACHE:
        X, y = make_friedman1(1500, noise=1.0, random_state=random_state)
        X_train, y_train, X_test, y_test = X[:500], y[:500], X[500:], y[500:]
        result = {}
        for label, params in SHRINKAGE_SETTINGS:
            model = GradientBoostingRegressor(
                n_estimators=n_estimators, max_depth=3, random_state=random_state, **dict(params)
            ).fit(X_train, y_train)
            result[label] = {
                "train": np.array(
                    [np.mean((y_train - p) ** 2) for p in model.staged_predict(X_train)]
                ),
                "test": np.array(
                    [np.mean((y_test - p) ** 2) for p in model.staged_predict(X_test)]
                ),
            }
        _SHRINKAGE_CACHE[key] = result
    return {k: {n: v.copy() for n, v in d.items()} for k, d in _SHRINKAGE_CACHE[key].items()}


def plot_shrinkage_subsampling(n_estimators: int = 300, random_state: int = 0) -> Any:
    """Staged train and test squared error on Friedman #1 for three boosting settings."""
    plt = _pyplot()
    curves = shrinkage_curves(n_estimators, random_state)
    fig, ax = plt.subplots()
    m = np.arange(1, n_estimators + 1)
    for (label, _), color in zip(SHRINKAGE_SETTINGS, ("C3", "C0", "C2")):
        ax.plot(m, curves[label]["test"], color=color, label=f"test, {label}")
        ax.plot(m, curves[label]["train"], color=color, linestyle=":", linewidth=1)
    ax.axhline(1.0, color="k", linewidth=0.8, linestyle="--", label="noise variance")
    ax.set_ylim(0, 8)
    ax.set_xlabel("number of trees M")
    ax.set_ylabel("mean squared error (dotted: train)")
    ax.set_title("Shrinkage and subsampling, Friedman #1, depth-3 trees")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_regression_losses(delta: float = 1.0) -> Any:
    """Squared, absolute and Huber losses and their negative gradients (pseudo-residuals)."""
    delta = check_float(delta, "delta", 0.0, np.inf, high_open=True)
    plt = _pyplot()
    r = np.linspace(-3, 3, 301)
    with np.errstate(over="ignore"):  # a huge delta overflows the branch np.where does not take
        huber = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    left.plot(r, 0.5 * r**2, label=r"squared $\frac{1}{2}r^2$")
    left.plot(r, np.abs(r), label="absolute $|r|$")
    left.plot(r, huber, label=rf"Huber, $\delta$={delta:g}")
    left.set_xlabel("residual r = y - F(x)")
    left.set_title("loss")
    left.set_ylim(0, 4)
    left.legend(fontsize=8)
    right.plot(r, r, label="squared: r")
    right.plot(r, np.sign(r), label="absolute: sign(r)")
    right.plot(r, np.clip(r, -delta, delta), "--", label="Huber: clip(r)")
    right.set_xlabel("residual r")
    right.set_title("negative gradient (pseudo-residual)")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig
