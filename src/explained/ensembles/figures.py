"""Figures for the ensemble articles: drawing only.

Every function takes the data the page computed (and checked) with :mod:`explained.ensembles`
(mostly :mod:`explained.ensembles.experiments`) and returns a :class:`matplotlib.figure.Figure`;
nothing here fits a model or computes what a figure shows. Text in the figures is English or math
(the build machine has no CJK font); the articles' captions are Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_adaboost_boundaries",
    "plot_adaboost_errors",
    "plot_correlated_trees",
    "plot_example_8_2",
    "plot_max_features",
    "plot_oob_error",
    "plot_regression_losses",
    "plot_shrinkage_subsampling",
]


def _pyplot() -> Any:
    import matplotlib.pyplot as plt

    return plt


def _array(values: object, name: str, ndim: int, kinds: str = "biuf") -> np.ndarray:
    """``values`` as a finite, non-empty array with ``ndim`` dimensions (float unless bool)."""
    if isinstance(values, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values)
    except ValueError:  # a ragged list
        raise ValueError(f"{name} must be a rectangular array, got a ragged sequence") from None
    if arr.dtype.kind not in kinds or arr.dtype == np.float16:
        raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__}")
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    if arr.dtype.kind == "b":
        return arr
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found nan or inf)")
    return arr.astype(np.float64)


def _record(record: object, name: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(record, Mapping) or any(k not in record for k in keys):
        raise TypeError(f"{name} must be a mapping with the keys {list(keys)}")
    return record


def _same_length(name: str, *arrays: np.ndarray) -> None:
    lengths = sorted({len(a) for a in arrays})
    if len(lengths) != 1:
        raise ValueError(f"the arrays of {name} must have equal lengths, got {lengths}")


def plot_max_features(grid: object, accuracy: object, n_features: int) -> Figure:
    """Test accuracy against ``max_features``: one thin line per seed, their mean in bold.

    ``accuracy`` has shape ``(n_seeds, len(grid))``
    (:func:`~explained.ensembles.experiments.max_features_accuracy`).

    Examples
    --------
    >>> fig = plot_max_features([1, 7], [[0.6, 0.7], [0.62, 0.71]], 50)
    >>> fig.axes[0].get_xlabel()
    'max_features (features tried at each split)'
    >>> plot_max_features([1, 7], [[0.6]], 50)
    Traceback (most recent call last):
    ...
    ValueError: accuracy must have one column per positive grid value, got (1, 1)
    >>> plot_max_features([1], [[0.6]], 0)
    Traceback (most recent call last):
    ...
    ValueError: n_features must be a positive int, got 0
    """
    m = _array(grid, "grid", 1)
    acc = _array(accuracy, "accuracy", 2)
    if acc.shape[1] != m.size or np.any(m <= 0):
        raise ValueError(f"accuracy must have one column per positive grid value, got {acc.shape}")
    if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 1:
        raise ValueError(f"n_features must be a positive int, got {n_features!r}")
    plt = _pyplot()
    fig, ax = plt.subplots()
    for row in acc:
        ax.plot(m, row, color="C0", alpha=0.3, linewidth=0.8)
    ax.plot(m, acc.mean(axis=0), marker="o", color="C0", label=f"mean of {len(acc)} seeds")
    for value, label, color in [
        (int(np.sqrt(n_features)), rf"$\lfloor\sqrt{{d}}\rfloor={int(np.sqrt(n_features))}$", "C1"),
        (int(np.log2(n_features)), rf"$\lfloor\log_2 d\rfloor={int(np.log2(n_features))}$", "C2"),
        (n_features, f"bagging (all d={n_features})", "C3"),
    ]:
        ax.axvline(value, color=color, linestyle="--", linewidth=1, label=label)
    ax.set_xscale("log")
    ax.set_xticks(m)
    ax.set_xticklabels([f"{g:g}" for g in m])
    ax.set_xlabel("max_features (features tried at each split)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Random forest, 10 informative + 40 noise features")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_correlated_trees(stats: object) -> Figure:
    """Measured variance of a forest's average against ρσ² + (1 − ρ)σ²/B.

    ``stats`` maps a label (e.g. ``max_features=3``) to the record of
    :func:`~explained.ensembles.experiments.correlated_tree_variance`.

    Examples
    --------
    >>> record = {"sigma2": 2.0, "rho": 0.1, "measured": [2.0, 1.1, 0.8]}
    >>> fig = plot_correlated_trees({"max_features=3": record})
    >>> fig.axes[0].get_xlabel()
    'number of trees B'
    >>> plot_correlated_trees({"max_features=3": {"rho": 0.1}})
    Traceback (most recent call last):
    ...
    TypeError: stats['max_features=3'] must be a mapping with the keys ['sigma2', 'rho', 'measured']
    >>> plot_correlated_trees([])
    Traceback (most recent call last):
    ...
    TypeError: stats must be a non-empty mapping of label to variance record
    """
    if not isinstance(stats, Mapping) or not stats:
        raise TypeError("stats must be a non-empty mapping of label to variance record")
    plt = _pyplot()
    fig, ax = plt.subplots()
    for (label, record), color in zip(stats.items(), ("C3", "C0", "C2", "C1"), strict=False):
        record = _record(record, f"stats[{label!r}]", ("sigma2", "rho", "measured"))
        measured = _array(record["measured"], "measured", 1)
        s2 = float(_array([record["sigma2"]], "sigma2", 1)[0])
        rho = float(_array([record["rho"]], "rho", 1)[0])
        B = np.arange(1, measured.size + 1)
        ax.plot(B, measured, "o", markersize=3, color=color, label=f"measured, {label}")
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
    ax.set_title("Averaging correlated trees (Friedman #1)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_oob_error(oob: object, test: object) -> Figure:
    """Out-of-bag error and held-out test error of one forest as trees are added.

    Examples
    --------
    >>> fig = plot_oob_error([0.3, 0.2], [0.25, 0.2])
    >>> fig.axes[0].get_ylabel()
    'misclassification rate'

    The curves must be finite 1-D arrays of one length:

    >>> for oob in ("0.3", [[0.3], [0.2, 0.1]], [[0.3]], [float("nan")], [0.3, 0.2, 0.1]):
    ...     try:
    ...         plot_oob_error(oob, [0.25, 0.2])
    ...     except (TypeError, ValueError) as exc:
    ...         print(type(exc).__name__, exc)
    ...
    TypeError oob must be an array of real numbers, got str
    ValueError oob must be a rectangular array, got a ragged sequence
    ValueError oob must be a non-empty 1-D array, got shape (1, 1)
    ValueError oob must be finite (found nan or inf)
    ValueError the arrays of oob and test must have equal lengths, got [2, 3]
    >>> plot_oob_error(["a", "b"], [0.25, 0.2])
    Traceback (most recent call last):
    ...
    TypeError: oob must be an array of real numbers, got list
    """
    oob_err, test_err = _array(oob, "oob", 1), _array(test, "test", 1)
    _same_length("oob and test", oob_err, test_err)
    plt = _pyplot()
    fig, ax = plt.subplots()
    trees = np.arange(1, oob_err.size + 1)
    ax.plot(trees, oob_err, label="out-of-bag error (training set only)")
    ax.plot(trees, test_err, label="test error (2000 held-out rows)")
    ax.set_xlabel("number of trees")
    ax.set_ylabel("misclassification rate")
    ax.set_title("ESL problem (10.2), 1000 training rows")
    ax.set_ylim(0, 0.5)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_adaboost_boundaries(regions: object) -> Figure:
    """Decision regions after some numbers of rounds, from
    :func:`~explained.ensembles.experiments.adaboost_regions`.

    Examples
    --------
    >>> record = {
    ...     "X": [[0.0, 0.0], [2.0, 2.0]], "y": [0, 1], "grid": [-3.0, 3.0], "rounds": [1],
    ...     "decision": [[[-1.0, 1.0], [1.0, 1.0]]], "train_error": [0.0],
    ... }
    >>> fig = plot_adaboost_boundaries(record)
    >>> fig.axes[0].get_title()
    'M = 1, train error 0.00'
    >>> plot_adaboost_boundaries({**record, "X": [[0.0], [2.0]]})
    Traceback (most recent call last):
    ...
    ValueError: X must have two columns and decision one grid-by-grid map per round
    """
    keys = ("X", "y", "grid", "rounds", "decision", "train_error")
    record = _record(regions, "regions", keys)
    X = _array(record["X"], "X", 2)
    y = _array(record["y"], "y", 1)
    grid = _array(record["grid"], "grid", 1)
    rounds = _array(record["rounds"], "rounds", 1)
    decision = _array(record["decision"], "decision", 3)
    errors = _array(record["train_error"], "train_error", 1)
    if X.shape[1] != 2 or decision.shape[1:] != (grid.size, grid.size):
        raise ValueError("X must have two columns and decision one grid-by-grid map per round")
    _same_length("rounds, decision and train_error", rounds, decision, errors)
    _same_length("X and y", X, y)
    plt = _pyplot()
    gx, gy = np.meshgrid(grid, grid)
    fig, axes = plt.subplots(1, rounds.size, figsize=(9.6, 2.9), sharey=True, squeeze=False)
    theta = np.linspace(0, 2 * np.pi, 200)
    radius = np.sqrt(2 * np.log(2))
    for ax, m, f, err in zip(axes[0], rounds, decision, errors, strict=True):
        ax.contourf(gx, gy, f > 0, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
        if f.min() < 0 < f.max():
            ax.contour(gx, gy, f, levels=[0], colors="k", linewidths=0.8)
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "C1", "C0"), s=6)
        ax.plot(radius * np.cos(theta), radius * np.sin(theta), "k:", linewidth=0.8)
        ax.set_title(f"M = {m:g}, train error {err:.2f}", fontsize=9)
        ax.set_xlim(grid[0], grid[-1])
        ax.set_ylim(grid[0], grid[-1])
        ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def plot_adaboost_errors(curves: object) -> Figure:
    """Training and test error of AdaBoost with the bounds ∏Z_m and exp(−2Σγ_m²), from
    :func:`~explained.ensembles.experiments.adaboost_error_curves`.

    Examples
    --------
    >>> record = {"train": [0.4, 0.3], "test": [0.45, 0.4], "bound": [0.9, 0.8],
    ...           "gamma_bound": [0.95, 0.85]}
    >>> fig = plot_adaboost_errors(record)
    >>> fig.axes[0].get_xlabel()
    'boosting round M'
    """
    record = _record(curves, "curves", ("train", "test", "bound", "gamma_bound"))
    train, test = _array(record["train"], "train", 1), _array(record["test"], "test", 1)
    bound = _array(record["bound"], "bound", 1)
    gamma_bound = _array(record["gamma_bound"], "gamma_bound", 1)
    _same_length("curves", train, test, bound, gamma_bound)
    plt = _pyplot()
    m = np.arange(1, train.size + 1)
    fig, ax = plt.subplots()
    ax.plot(m, train, label="training error")
    ax.plot(m, test, label="test error")
    ax.plot(m, bound, "--", label=r"bound $\prod_m Z_m$")
    ax.plot(m, gamma_bound, ":", label=r"$\exp(-2\sum_m\gamma_m^2)$")
    ax.set_yscale("log")
    ax.set_ylim(0.05, 1.1)
    ax.set_xlabel("boosting round M")
    ax.set_ylabel("misclassification rate (log scale)")
    ax.set_title("AdaBoost with stumps, ESL problem (10.2)")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_example_8_2(x: object, y: object, grid: object, stages: object) -> Figure:
    """The points of 李航 Example 8.2 and the boosted stumps ``f_m`` on a grid.

    ``stages`` maps ``m`` to ``(values of f_m on grid, squared loss of f_m)``.

    Examples
    --------
    >>> fig = plot_example_8_2([1, 2], [5.0, 6.0], [1, 1.5, 2], {1: ([5.0, 5.0, 6.0], 0.5)})
    >>> fig.axes[0].get_xlabel()
    'x'
    >>> plot_example_8_2([1, 2], [5.0, 6.0], [1, 2], {})
    Traceback (most recent call last):
    ...
    TypeError: stages must be a non-empty mapping of m to (values on grid, loss)
    >>> plot_example_8_2([1, 2], [5.0, 6.0], [1, 2], {1: [5.0]})
    Traceback (most recent call last):
    ...
    TypeError: stages[1] must be a pair (values on grid, loss)
    """
    xs, ys, g = _array(x, "x", 1), _array(y, "y", 1), _array(grid, "grid", 1)
    _same_length("x and y", xs, ys)
    if not isinstance(stages, Mapping) or not stages:
        raise TypeError("stages must be a non-empty mapping of m to (values on grid, loss)")
    plt = _pyplot()
    fig, ax = plt.subplots()
    ax.scatter(xs, ys, color="k", zorder=3, label="data")
    for (m, stage), color in zip(stages.items(), ("C0", "C1", "C2", "C3"), strict=False):
        if not isinstance(stage, (tuple, list)) or len(stage) != 2:
            raise TypeError(f"stages[{m!r}] must be a pair (values on grid, loss)")
        values = _array(stage[0], f"stages[{m!r}][0]", 1)
        loss = float(_array([stage[1]], f"stages[{m!r}][1]", 1)[0])
        _same_length("grid and the stage values", g, values)
        ax.step(g, values, where="mid", color=color, label=f"$f_{m}(x)$, squared loss {loss:.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Boosting tree of Example 8.2 (stumps, no shrinkage)")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_shrinkage_subsampling(curves: object, noise: float = 1.0) -> Figure:
    """Staged train (dotted) and test (solid) squared error for some boosting settings, from
    :func:`~explained.ensembles.experiments.shrinkage_curves`.

    Examples
    --------
    >>> fig = plot_shrinkage_subsampling({"lr=0.1": {"train": [3.0, 2.0], "test": [4.0, 3.0]}})
    >>> fig.axes[0].get_xlabel()
    'number of trees M'
    >>> plot_shrinkage_subsampling([])
    Traceback (most recent call last):
    ...
    TypeError: curves must be a non-empty mapping of label to {'train', 'test'}
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves must be a non-empty mapping of label to {'train', 'test'}")
    noise = float(_array([noise], "noise", 1)[0])
    plt = _pyplot()
    fig, ax = plt.subplots()
    for (label, record), color in zip(curves.items(), ("C3", "C0", "C2", "C1"), strict=False):
        record = _record(record, f"curves[{label!r}]", ("train", "test"))
        test, train = _array(record["test"], "test", 1), _array(record["train"], "train", 1)
        _same_length(f"curves[{label!r}]", train, test)
        m = np.arange(1, test.size + 1)
        ax.plot(m, test, color=color, label=f"test, {label}")
        ax.plot(m, train, color=color, linestyle=":", linewidth=1)
    ax.axhline(noise, color="k", linewidth=0.8, linestyle="--", label="noise variance")
    ax.set_ylim(0, 8)
    ax.set_xlabel("number of trees M")
    ax.set_ylabel("mean squared error (dotted: train)")
    ax.set_title("Shrinkage and subsampling, Friedman #1, depth-3 trees")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_regression_losses(residuals: object, losses: object, delta: float) -> Figure:
    """Squared, absolute and Huber losses (left) and their negative gradients (right), from
    :func:`~explained.ensembles.experiments.regression_losses`.

    Examples
    --------
    >>> r = [-1.0, 0.0, 1.0]
    >>> record = {"loss": [0.5, 0.0, 0.5], "gradient": [-1.0, 0.0, 1.0]}
    >>> fig = plot_regression_losses(r, {"squared": record, "absolute": record, "huber": record}, 1)
    >>> fig.axes[1].get_title()
    'negative gradient (pseudo-residual)'
    >>> plot_regression_losses(r, [record], 1)
    Traceback (most recent call last):
    ...
    TypeError: losses must be a mapping with the keys squared, absolute and huber
    """
    r = _array(residuals, "residuals", 1)
    if not isinstance(losses, Mapping):
        raise TypeError("losses must be a mapping with the keys squared, absolute and huber")
    delta = float(_array([delta], "delta", 1)[0])
    parts = {}
    for name in ("squared", "absolute", "huber"):
        record = _record(losses.get(name), f"losses[{name!r}]", ("loss", "gradient"))
        parts[name] = (
            _array(record["loss"], "loss", 1),
            _array(record["gradient"], "gradient", 1),
        )
        _same_length(f"residuals and losses[{name!r}]", r, *parts[name])
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    left.plot(r, parts["squared"][0], label=r"squared $\frac{1}{2}r^2$")
    left.plot(r, parts["absolute"][0], label="absolute $|r|$")
    left.plot(r, parts["huber"][0], label=rf"Huber, $\delta$={delta:g}")
    left.set_xlabel("residual r = y - F(x)")
    left.set_title("loss")
    left.set_ylim(0, 4)
    left.legend(fontsize=8)
    right.plot(r, parts["squared"][1], label="squared: r")
    right.plot(r, parts["absolute"][1], label="absolute: sign(r)")
    right.plot(r, parts["huber"][1], "--", label="Huber: clip(r)")
    right.set_xlabel("residual r")
    right.set_title("negative gradient (pseudo-residual)")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig
