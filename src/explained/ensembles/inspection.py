"""Permutation feature importance (Breiman 2001, section 10), for any fitted estimator with ``score``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils.validation import check_array

from ._validation import check_int, check_random_state

__all__ = ["PermutationImportance", "permutation_importance"]


@dataclass
class PermutationImportance:
    """Result of :func:`permutation_importance`; names as in scikit-learn's ``Bunch``."""

    importances_mean: np.ndarray
    importances_std: np.ndarray
    importances: np.ndarray


def permutation_importance(
    estimator: Any, X: Any, y: Any, n_repeats: int = 5, random_state: Any = None
) -> PermutationImportance:
    """Drop in ``estimator.score(X, y)`` when one column of ``X`` is randomly permuted.

    Permuting a column keeps its distribution but breaks its link with ``y`` (and with the other
    columns). Use held-out data: on training data a forest's score barely needs any feature.

    Parameters
    ----------
    estimator : fitted object with ``score(X, y)``
    X, y : data to score on
    n_repeats : int
        Permutations per feature.
    random_state : int, numpy Generator or None

    Returns
    -------
    PermutationImportance
        ``importances`` has shape (n_features, n_repeats).

    Examples
    --------
    >>> import numpy as np
    >>> from explained.ensembles import DecisionTreeRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2))
    >>> y = X[:, 0]  # only the first column matters
    >>> model = DecisionTreeRegressor(max_depth=6).fit(X[:200], y[:200])
    >>> result = permutation_importance(model, X[200:], y[200:], random_state=0)
    >>> bool(result.importances_mean[0] > 1.0 > 0.01 > abs(result.importances_mean[1]))
    True
    >>> result.importances.shape  # (n_features, n_repeats), 5 repeats by default
    (2, 5)
    >>> once = permutation_importance(model, X[200:], y[200:], n_repeats=1, random_state=0)
    >>> once.importances.shape, once.importances_std.tolist()  # no spread from a single repeat
    ((2, 1), [0.0, 0.0])

    The estimator must be fitted, an instance rather than its class:

    >>> permutation_importance(DecisionTreeRegressor, X, y)
    Traceback (most recent call last):
      ...
    ValueError: estimator must have a score(X, y) method (a fitted instance, not a class), got <class 'explained.ensembles.tree.DecisionTreeRegressor'>.
    """
    if isinstance(estimator, type) or not callable(getattr(estimator, "score", None)):
        raise ValueError(  # noqa: TRY004 - ValueError as before (tests and callers catch it)
            "estimator must have a score(X, y) method (a fitted instance, not a class), "
            f"got {estimator!r}."
        )
    X = check_array(X, dtype=np.float64)
    try:
        y = np.asarray(y)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise ValueError(f"y must be an array of shape ({X.shape[0]},): {exc}") from None
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}.")
    repeats = check_int(n_repeats, "n_repeats", 1)
    rng = check_random_state(random_state)
    baseline = estimator.score(X, y)
    drops = np.empty((X.shape[1], repeats))
    for j in range(X.shape[1]):
        shuffled = X.copy()
        for r in range(repeats):
            shuffled[:, j] = X[rng.permutation(X.shape[0]), j]
            drops[j, r] = baseline - estimator.score(shuffled, y)
    return PermutationImportance(drops.mean(axis=1), drops.std(axis=1), drops)
