"""The experiments behind the ensemble articles' figures, computed with :mod:`explained.ensembles`.

Each function fits the models of one experiment and returns plain arrays, which the article checks
and :mod:`explained.ensembles.figures` draws. Results are cached per argument tuple (an experiment
and the claims the page makes about it share one computation; see :mod:`explained._cache`);
callers get copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._cache import remember
from ._validation import check_float, check_int, check_random_state, resolve_max_features
from .adaboost import AdaBoostClassifier
from .datasets import make_circle, make_friedman1, make_hastie_10_2
from .forest import RandomForestClassifier, RandomForestRegressor
from .gradient_boosting import GradientBoostingRegressor

__all__ = [
    "SHRINKAGE_SETTINGS",
    "adaboost_error_curves",
    "adaboost_regions",
    "correlated_tree_variance",
    "max_features_accuracy",
    "oob_error_curve",
    "regression_losses",
    "shrinkage_curves",
]


def _cached(key: tuple, compute: Any) -> Any:
    """One computation per experiment and arguments, shared by a page's examples and figure,
    and kept across docs builds (explained._cache)."""
    return remember(f"ensembles.{key[0]}", key[1:], compute)


def _int_tuple(values: Any, name: str, minimum: int) -> tuple[int, ...]:
    """A non-empty tuple of ints >= ``minimum`` from a list, tuple or range."""
    if not isinstance(values, (tuple, list, range)) or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty tuple of ints >= {minimum}, got {values!r}.")
    return tuple(check_int(v, f"each entry of {name}", minimum) for v in values)


def max_features_accuracy(
    max_features: Sequence[int] = (1, 3, 7, 15, 50),
    seeds: Sequence[int] = range(5),
    n_estimators: int = 100,
) -> np.ndarray:
    """Test accuracy of random forests against ``max_features`` on 10 signal + 40 noise features.

    For each seed: ESL's problem (10.2) (ten standard normal features, positive when their squares
    sum to more than 9.34) with 40 standard normal noise features appended; 600 training rows,
    2000 test rows. Returns an array of shape ``(len(seeds), len(max_features))``.

    Examples
    --------
    >>> acc = max_features_accuracy((1, 50), seeds=(0,), n_estimators=5)
    >>> acc.shape, bool(((0 < acc) & (acc < 1)).all())
    ((1, 2), True)
    """
    grid = _int_tuple(max_features, "max_features", 1)
    for m in grid:
        resolve_max_features(m, 50)
    seeds = _int_tuple(seeds, "seeds", 0)
    check_int(n_estimators, "n_estimators", 1)

    def compute() -> np.ndarray:
        out = np.empty((len(seeds), len(grid)))
        for i, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            X, y = make_hastie_10_2(2600, random_state=rng)
            X = np.hstack([X, rng.standard_normal((X.shape[0], 40))])
            for j, m in enumerate(grid):
                forest = RandomForestClassifier(
                    n_estimators=n_estimators, max_features=m, random_state=seed
                )
                out[i, j] = forest.fit(X[:600], y[:600]).score(X[600:], y[600:])
        return out

    return _cached(("max_features", grid, seeds, n_estimators), compute)


def correlated_tree_variance(
    max_features: Any, n_sets: int = 16, n_trees: int = 20, random_state: int = 0
) -> dict[str, np.ndarray]:
    """Measure σ², ρ and the variance of a B-tree average over independent training sets.

    For each of ``n_sets`` training sets (150 rows of Friedman #1) a forest is grown; the trees'
    predictions at 50 fixed test points give, averaged over the points, the variance σ² of one
    tree (``"sigma2"``), the correlation ρ between two trees of the same forest (``"rho"``), and
    the variance of the mean of the first B trees for B = 1..n_trees (``"measured"``).

    Examples
    --------
    >>> stats = correlated_tree_variance(1.0, n_sets=4, n_trees=3)
    >>> stats["measured"].shape, bool(-1 < stats["rho"] < 1)
    ((3,), True)
    >>> correlated_tree_variance(1.0, n_trees=20_000)
    Traceback (most recent call last):
    ...
    ValueError: n_trees must be <= 10000, got 20000.
    """
    check_int(n_sets, "n_sets", 2)
    check_int(n_trees, "n_trees", 2)
    if n_trees > 10_000:
        raise ValueError(f"n_trees must be <= 10000, got {n_trees}.")
    resolve_max_features(max_features, 10)  # Friedman #1 has 10 features
    check_random_state(random_state)  # before the cache: the key must be a valid, hashable seed

    def compute() -> dict[str, np.ndarray]:
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

    return _cached(("variance", max_features, n_sets, n_trees, random_state), compute)


def oob_error_curve(n_estimators: int = 100, random_state: int = 0) -> dict[str, np.ndarray]:
    """Out-of-bag and held-out test error of one forest after each of its trees.

    ESL's problem (10.2): 1000 training rows, 2000 test rows. The out-of-bag error after ``b``
    trees votes, for each training row, with the trees among the first ``b`` that did not draw
    it (rows no tree has left out yet are skipped). Returns ``{"oob": ..., "test": ...}``, each of
    length ``n_estimators``.

    Examples
    --------
    >>> curve = oob_error_curve(n_estimators=3)
    >>> curve["oob"].shape, bool((curve["test"] <= 1).all())
    ((3,), True)
    """
    check_int(n_estimators, "n_estimators", 1)
    check_random_state(random_state)

    def compute() -> dict[str, np.ndarray]:
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
        for tree, drawn in zip(forest.estimators_, forest.estimators_samples_, strict=True):
            out = np.ones(n, dtype=bool)
            out[drawn] = False
            votes[out] += tree.predict_proba(X_train[out])
            test_votes += tree.predict_proba(X_test)
            seen = votes.sum(axis=1) > 0
            oob.append(np.mean(votes[seen].argmax(axis=1) != encoded[seen]))
            test.append(np.mean(test_votes.argmax(axis=1) != encoded_test))
        return {"oob": np.array(oob), "test": np.array(test)}

    return _cached(("oob", n_estimators, random_state), compute)


def adaboost_error_curves(n_estimators: int = 200, random_state: int = 0) -> dict[str, np.ndarray]:
    """Training and test error of AdaBoost with stumps on ESL (10.2), with its two bounds.

    2000 training and 2000 test rows. Returns ``{"train", "test", "bound", "gamma_bound"}``:
    the staged errors, the bound ``∏ Z_m`` and ``exp(−2 Σ γ_m²)`` after each round.

    Examples
    --------
    >>> curves = adaboost_error_curves(n_estimators=3)
    >>> bool((curves["train"] <= curves["bound"]).all())
    True
    """
    check_int(n_estimators, "n_estimators", 1)
    check_random_state(random_state)

    def compute() -> dict[str, np.ndarray]:
        X, y = make_hastie_10_2(4000, random_state=random_state)
        X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]
        model = AdaBoostClassifier(n_estimators=n_estimators).fit(X_train, y_train)
        gamma = 0.5 - model.estimator_errors_
        return {
            "train": np.array([np.mean(p != y_train) for p in model.staged_predict(X_train)]),
            "test": np.array([np.mean(p != y_test) for p in model.staged_predict(X_test)]),
            "bound": np.cumprod(model.normalizers_),
            "gamma_bound": np.exp(-2 * np.cumsum(gamma**2)),
        }

    return _cached(("adaboost", n_estimators, random_state), compute)


def adaboost_regions(
    rounds: Sequence[int] = (1, 3, 10, 100), random_state: int = 0, resolution: int = 200
) -> dict[str, np.ndarray]:
    """Decision regions of AdaBoost with stumps after some numbers of rounds, on circle data.

    300 points, positive outside the circle of radius √(2 ln 2), 5 % of the labels flipped.
    Returns ``X`` and ``y`` (the data), ``grid`` (the coordinates of the square [−3, 3]²,
    ``resolution`` per side), ``rounds``, ``regions`` (``f > 0`` on the grid after each of
    ``rounds``, shape ``(len(rounds), resolution, resolution)``), ``decision`` (``f`` itself) and
    ``train_error`` (after each of ``rounds``).

    Examples
    --------
    >>> regions = adaboost_regions((1, 2), resolution=5)
    >>> regions["regions"].shape, regions["train_error"].shape
    ((2, 5, 5), (2,))
    >>> adaboost_regions((1, 2), resolution=5000)
    Traceback (most recent call last):
    ...
    ValueError: resolution must be <= 2000, got 5000.
    >>> adaboost_regions(())
    Traceback (most recent call last):
    ...
    ValueError: rounds must be a non-empty tuple of ints >= 1, got ().
    """
    rounds = _int_tuple(rounds, "rounds", 1)
    check_random_state(random_state)
    check_int(resolution, "resolution", 2)
    if resolution > 2000:
        raise ValueError(f"resolution must be <= 2000, got {resolution}.")

    def compute() -> dict[str, np.ndarray]:
        X, y = make_circle(300, noise=0.05, random_state=random_state)
        model = AdaBoostClassifier(n_estimators=max(rounds)).fit(X, y)
        grid = np.linspace(-3, 3, resolution)
        gx, gy = np.meshgrid(grid, grid)
        points = np.column_stack([gx.ravel(), gy.ravel()])
        stages = list(model.staged_decision_function(points))
        train_stages = list(model.staged_predict(X))
        index = [min(m, len(stages)) - 1 for m in rounds]
        decision = np.array([stages[i].reshape(gx.shape) for i in index])
        return {
            "X": X,
            "y": y,
            "grid": grid,
            "rounds": np.array(rounds),
            "decision": decision,
            "regions": decision > 0,
            "train_error": np.array([np.mean(train_stages[i] != y) for i in index]),
        }

    return _cached(("regions", rounds, random_state, resolution), compute)


SHRINKAGE_SETTINGS = (
    ("lr=1.0", (("learning_rate", 1.0),)),
    ("lr=0.1", (("learning_rate", 0.1),)),
    ("lr=0.1, subsample=0.5", (("learning_rate", 0.1), ("subsample", 0.5))),
)


def shrinkage_curves(
    n_estimators: int = 300, random_state: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Staged train and test mean squared error of GBDT on Friedman #1 for three settings.

    500 training and 1000 test rows (noise variance 1), depth-3 trees; the settings are those of
    ``SHRINKAGE_SETTINGS``. Returns ``{label: {"train": ..., "test": ...}}``.

    Examples
    --------
    >>> curves = shrinkage_curves(n_estimators=5)
    >>> sorted(curves), curves["lr=0.1"]["test"].shape
    (['lr=0.1', 'lr=0.1, subsample=0.5', 'lr=1.0'], (5,))
    """
    check_int(n_estimators, "n_estimators", 1)
    check_random_state(random_state)  # before the cache: the key must be a valid, hashable seed

    def compute() -> dict[str, dict[str, np.ndarray]]:
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
        return result

    return _cached(("shrinkage", n_estimators, random_state), compute)


def regression_losses(residuals: Any, delta: float = 1.0) -> dict[str, dict[str, np.ndarray]]:
    """Squared, absolute and Huber losses of ``residuals`` and their negative gradients.

    Returns ``{"squared": {"loss", "gradient"}, "absolute": ..., "huber": ...}`` where ``loss``
    is ``r²/2``, ``|r|`` and Huber's loss with threshold ``delta``, and ``gradient`` the negative
    gradient in ``F`` of the loss of ``r = y − F`` (the pseudo-residual).

    Examples
    --------
    >>> losses = regression_losses([-2.0, 0.5], delta=0.5)
    >>> losses["huber"]["loss"].tolist(), losses["huber"]["gradient"].tolist()
    ([0.875, 0.125], [-0.5, 0.5])
    >>> losses["squared"]["loss"].tolist(), losses["absolute"]["gradient"].tolist()
    ([2.0, 0.125], [-1.0, 1.0])
    >>> for bad in ("0.5", [[0.5], [1.0, 2.0]], [1j], [np.nan], [1e300]):
    ...     try:
    ...         regression_losses(bad)
    ...     except (TypeError, ValueError) as exc:
    ...         print(type(exc).__name__, exc)
    ...
    TypeError residuals must be a 1-D array of finite real numbers, got a string.
    ValueError residuals must be a 1-D array of finite real numbers, got a ragged one.
    ValueError residuals must be a 1-D array of finite real numbers, got dtype complex128.
    ValueError residuals must be a non-empty 1-D array of finite real numbers, got array([nan]).
    ValueError residuals must be at most 1e100 in magnitude (their squares overflow).
    """
    delta = check_float(delta, "delta", 0.0, np.inf, high_open=True)
    if isinstance(residuals, (str, bytes)):
        raise TypeError("residuals must be a 1-D array of finite real numbers, got a string.")
    try:
        r = np.asarray(residuals)
    except ValueError:  # a ragged list
        raise ValueError(
            "residuals must be a 1-D array of finite real numbers, got a ragged one."
        ) from None
    if r.dtype.kind not in "biuf":
        raise ValueError(
            f"residuals must be a 1-D array of finite real numbers, got dtype {r.dtype}."
        )
    r = r.astype(np.float64)
    if r.ndim != 1 or r.size == 0 or not np.all(np.isfinite(r)):
        raise ValueError(
            f"residuals must be a non-empty 1-D array of finite real numbers, got {r!r}."
        )
    if np.abs(r).max() > 1e100:
        raise ValueError("residuals must be at most 1e100 in magnitude (their squares overflow).")
    with np.errstate(over="ignore"):  # a huge delta overflows the branch np.where does not take
        huber = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    return {
        "squared": {"loss": 0.5 * r**2, "gradient": r.copy()},
        "absolute": {"loss": np.abs(r), "gradient": np.sign(r)},
        "huber": {"loss": huber, "gradient": np.clip(r, -delta, delta)},
    }
