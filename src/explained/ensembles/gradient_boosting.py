"""Gradient boosting with regression trees (Friedman 2001, 2002)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ._builder import presort
from ._validation import (
    check_bool,
    check_choice,
    check_classifier_data,
    check_float,
    check_int,
    check_predict_data,
    check_random_state,
    check_regressor_data,
    check_verbose,
    resolve_max_features,
)
from .tree import DecisionTreeRegressor

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value whose cumulative weight reaches ``q`` of the total (the lower quantile)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    index = int(np.searchsorted(cum, q * cum[-1] * (1 - 1e-12)))
    # q * (1 - 1e-12) < 1, so the target is below cum[-1] and index <= n - 1.
    return float(values[order][index])


def _leaf_quantiles(leaf: np.ndarray, values: np.ndarray, weights: np.ndarray, q: float) -> dict:
    out = {}
    for node in np.unique(leaf):
        mask = leaf == node
        out[int(node)] = _weighted_quantile(values[mask], weights[mask], q)
    return out


# Scores F beyond this make the squared residuals and the loss overflow.
_RAW_LIMIT = 1e150


class _BaseGB(BaseEstimator):
    def _check_common(self, n_features: int) -> None:
        check_int(self.n_estimators, "n_estimators", 1)
        check_float(self.learning_rate, "learning_rate", 0.0, np.inf, high_open=True)
        check_float(self.subsample, "subsample", 0.0, 1.0)
        check_int(self.max_depth, "max_depth", 1, allow_none=True)
        check_int(self.min_samples_split, "min_samples_split", 2)
        check_int(self.min_samples_leaf, "min_samples_leaf", 1)
        check_float(
            self.min_weight_fraction_leaf, "min_weight_fraction_leaf", 0.0, 0.5, low_open=False
        )
        resolve_max_features(self.max_features, n_features)
        if not (self.init is None or (isinstance(self.init, str) and self.init == "zero")):
            raise ValueError(f"init must be None or 'zero', got {self.init!r}.")
        check_verbose(self.verbose)
        check_bool(self.warm_start, "warm_start")
        check_random_state(self.random_state)

    def _new_tree(self) -> DecisionTreeRegressor:
        return DecisionTreeRegressor(
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
        )

    def _boost(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray, raw: np.ndarray) -> None:
        """Shared loop: ``raw`` (n, k) holds F; each round fits k trees to the negative gradient.

        With ``warm_start`` the rounds already fitted are kept: F starts from their prediction and
        the random-number generator where they left it, so 100 rounds fitted in two calls equal
        100 rounds fitted in one.
        """
        n_samples = X.shape[0]
        n_kept = 0
        if self.warm_start and hasattr(self, "estimators_"):
            n_kept = self.estimators_.shape[0]
            if self.n_estimators < n_kept:
                raise ValueError(
                    f"n_estimators={self.n_estimators} must be >= the {n_kept} rounds already "
                    "fitted when warm_start=True."
                )
            raw = self._raw(X)
            rng = self._rng
        else:
            rng = check_random_state(self.random_state)
        order = presort(X)
        k = raw.shape[1]
        trees = np.empty((self.n_estimators, k), dtype=object)
        train_score = np.empty(self.n_estimators)
        if n_kept:
            trees[:n_kept] = self.estimators_
            train_score[:n_kept] = self.train_score_
        n_inbag = max(1, int(self.subsample * n_samples))
        verbose = check_verbose(self.verbose)
        if verbose and n_kept < self.n_estimators:
            print(f"{'Iter':>10} {'Train Loss':>16}")
        for m in range(n_kept, self.n_estimators):
            if self.subsample < 1.0:
                inbag = np.zeros(n_samples, dtype=bool)
                inbag[rng.choice(n_samples, n_inbag, replace=False)] = True
                w_round = weight * inbag
                if not w_round.any():
                    raise ValueError(
                        f"the subsample of round {m + 1} holds only rows with sample_weight 0; "
                        "use a larger subsample or give more rows a positive weight."
                    )
            else:
                inbag = np.ones(n_samples, dtype=bool)
                w_round = weight
            gradient = self._negative_gradient(y, raw)
            for j in range(k):
                tree = self._new_tree()
                tree._fit_target(X, gradient[:, j], w_round, order=order, rng=rng)
                leaf = tree.tree_.apply(X)
                self._update_leaves(tree, leaf, inbag, y, raw, gradient, weight, j)
                trees[m, j] = tree
                with np.errstate(over="ignore"):
                    raw[:, j] += self.learning_rate * tree.tree_.value[:, 0].take(leaf)
                if not np.all(np.abs(raw[:, j]) <= _RAW_LIMIT):
                    raise ValueError(
                        f"the boosted scores exceed {_RAW_LIMIT:.0e} after round {m + 1}, so the "
                        f"loss overflows; learning_rate={self.learning_rate!r} is too large."
                    )
            train_score[m] = self._loss(y[inbag], raw[inbag], weight[inbag])
            if verbose:
                print(f"{m + 1:>10} {train_score[m]:>16.4f}")
        self.estimators_ = trees
        self.train_score_ = train_score
        self._rng = rng

    def _raw_stages(self, X: Any) -> Iterator[np.ndarray]:
        """The raw scores after each round: one array, updated in place, so every caller takes
        what it needs from a round (a copy, probabilities) before asking for the next."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        raw = np.tile(self.init_raw_, (X.shape[0], 1))
        for row in self.estimators_:
            for j, tree in enumerate(row):
                raw[:, j] += self.learning_rate * tree.tree_.value[:, 0].take(tree.tree_.apply(X))
            yield raw

    def _raw(self, X: Any) -> np.ndarray:
        raw = None
        for raw in self._raw_stages(X):
            pass
        return raw

    @property
    def feature_importances_(self) -> np.ndarray:
        """Impurity improvements averaged over the trees, then normalised to sum to 1.

        Friedman (2001, section 8.1) and scikit-learn average each tree's *raw* improvements
        (weighted squared-error decrease per root weight). Normalising every tree first would give
        a late tree, which fits little more than noise, as much say as the first, large ones.
        """
        check_is_fitted(self)
        n = self.n_features_in_
        raw = [
            t.tree_.compute_feature_importances(n, normalize=False)
            for t in self.estimators_.ravel()
            if t.tree_.node_count > 1
        ]
        mean = np.mean(raw, axis=0) if raw else np.zeros(n)
        total = mean.sum()
        return mean / total if total > 0 else mean


class GradientBoostingRegressor(RegressorMixin, _BaseGB):
    """Gradient boosting for regression.

    ``F_0`` is the constant that minimises the loss (mean for squared error, median otherwise) or
    0 with ``init="zero"``; round m fits a regression tree to the negative gradient, sets each
    leaf to the loss-minimising constant (mean, median, or Friedman's Huber step) and adds
    ``learning_rate`` times it.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber"}
    learning_rate : float
        Shrinkage ν.
    n_estimators : int
        Number of rounds (trees).
    subsample : float in (0, 1]
        Fraction of rows drawn without replacement for each tree (stochastic gradient boosting).
    max_depth, min_samples_split, min_samples_leaf, max_features, min_weight_fraction_leaf :
        Passed to each :class:`~explained.ensembles.DecisionTreeRegressor` (default depth 3).
    alpha : float
        Quantile of the absolute residuals used as the Huber threshold δ.
    init : None or "zero"
    random_state : int, numpy Generator or None
    verbose : int
        Print the training loss after every round when positive.
    warm_start : bool
        Keep the fitted rounds and add ``n_estimators - len(estimators_)`` more.

    Attributes
    ----------
    estimators_ : ndarray of DecisionTreeRegressor, shape (n_estimators, 1)
    train_score_ : ndarray
        Mean loss on the (in-bag) training rows after each round: (y - F)² for squared error.
    init_raw_ : ndarray
        ``F_0``.

    Examples
    --------
    李航《统计学习方法》 Example 8.2 (stumps, no shrinkage, starting from 0):

    >>> import numpy as np
    >>> X = np.arange(1, 11, dtype=float).reshape(-1, 1)
    >>> y = np.array([5.56, 5.70, 5.91, 6.40, 6.80, 7.05, 8.90, 8.70, 9.00, 9.05])
    >>> gb = GradientBoostingRegressor(
    ...     n_estimators=6, learning_rate=1.0, max_depth=1, init="zero").fit(X, y)
    >>> [float(t.tree_.threshold[0]) for t in gb.estimators_[:, 0]]
    [6.5, 3.5, 6.5, 4.5, 6.5, 2.5]
    >>> np.round(gb.train_score_ * len(y), 2).tolist()
    [1.93, 0.8, 0.48, 0.31, 0.23, 0.17]

    Every default is scikit-learn's; ``init`` takes only None (the loss-minimising constant) or
    "zero", not scikit-learn's estimators, nor other names:

    >>> from sklearn.ensemble import GradientBoostingRegressor as SkGBR
    >>> sk_defaults = SkGBR().get_params()
    >>> all(sk_defaults[k] == v for k, v in GradientBoostingRegressor().get_params().items())
    True
    >>> GradientBoostingRegressor(init="mean").fit(X, y)
    Traceback (most recent call last):
      ...
    ValueError: init must be None or 'zero', got 'mean'.
    """

    _losses = ("squared_error", "absolute_error", "huber")

    def __init__(
        self,
        loss: str = "squared_error",
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample: float = 1.0,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_depth: int | None = 3,
        max_features: Any = None,
        alpha: float = 0.9,
        init: Any = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.max_features = max_features
        self.alpha = alpha
        self.init = init
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.min_weight_fraction_leaf = min_weight_fraction_leaf

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GradientBoostingRegressor:
        """Fit ``n_estimators`` rounds on ``X`` and real targets ``y``."""
        X, y, weight = check_regressor_data(self, X, y, sample_weight)
        check_choice(self.loss, "loss", self._losses)
        check_float(self.alpha, "alpha", 0.0, 1.0, high_open=True)
        self._check_common(X.shape[1])
        if self.init == "zero":
            start = 0.0
        elif self.loss == "squared_error":
            start = float(np.average(y, weights=weight))
        else:
            start = _weighted_quantile(y, weight, 0.5)
        self.init_raw_ = np.array([start])
        self._boost(X, y, weight, np.full((X.shape[0], 1), start))
        return self

    def _negative_gradient(self, y: np.ndarray, raw: np.ndarray) -> np.ndarray:
        residual = y - raw[:, 0]
        if self.loss == "squared_error":
            return residual[:, None]
        if self.loss == "absolute_error":
            return np.sign(residual)[:, None]
        self._delta = _weighted_quantile(np.abs(residual), self._round_weight, self.alpha)
        clipped = np.where(
            np.abs(residual) <= self._delta, residual, self._delta * np.sign(residual)
        )
        return clipped[:, None]

    def _boost(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray, raw: np.ndarray) -> None:
        self._round_weight = weight
        super()._boost(X, y, weight, raw)
        del self._round_weight

    def _update_leaves(self, tree, leaf, inbag, y, raw, gradient, weight, j) -> None:
        if self.loss == "squared_error":
            return  # the tree's leaf means already minimise the squared loss
        residual = (y - raw[:, 0])[inbag]
        w = weight[inbag]
        leaves = leaf[inbag]
        medians = _leaf_quantiles(leaves, residual, w, 0.5)
        for node, median in medians.items():
            if self.loss == "absolute_error":
                tree.tree_.value[node, 0] = median
            else:  # huber: Friedman (2001), Algorithm 4
                mask = leaves == node
                diff = residual[mask] - median
                step = np.sign(diff) * np.minimum(self._delta, np.abs(diff))
                tree.tree_.value[node, 0] = median + np.average(step, weights=w[mask])

    def _loss(self, y: np.ndarray, raw: np.ndarray, weight: np.ndarray) -> float:
        residual = y - raw[:, 0]
        if self.loss == "squared_error":
            return float(np.average(residual**2, weights=weight))
        if self.loss == "absolute_error":
            return float(np.average(np.abs(residual), weights=weight))
        a = np.abs(residual)
        d = self._delta
        return float(np.average(np.where(a <= d, 0.5 * a**2, d * (a - 0.5 * d)), weights=weight))

    def staged_predict(self, X: Any) -> Iterator[np.ndarray]:
        """Yield the prediction after each round."""
        for raw in self._raw_stages(X):
            yield raw[:, 0].copy()

    def predict(self, X: Any) -> np.ndarray:
        """``F_M(x)``."""
        check_is_fitted(self)
        return self._raw(X)[:, 0].copy()


class GradientBoostingClassifier(ClassifierMixin, _BaseGB):
    """Gradient boosting for classification with the log-loss (binomial or multinomial deviance).

    Two classes: one tree per round on ``y - p``, leaf values by one Newton step
    ``sum(w r) / sum(w p (1 - p))``. K > 2 classes: K trees per round on ``y_k - p_k`` with
    ``(K - 1)/K * sum(w r) / sum(w |r| (1 - |r|))`` (Friedman 2001, Algorithm 6).

    Parameters are those of :class:`GradientBoostingRegressor` without ``alpha``; ``loss`` must be
    ``"log_loss"``.

    Attributes
    ----------
    estimators_ : ndarray of DecisionTreeRegressor, shape (n_estimators, 1 or K)
    train_score_ : ndarray
        Mean log-loss on the (in-bag) training rows after each round.
    classes_ : ndarray

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> gb = GradientBoostingClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> gb.estimators_.shape, bool(gb.train_score_[-1] < gb.train_score_[0])
    ((20, 3), True)
    >>> bool(np.allclose(gb.predict_proba(X).sum(axis=1), 1.0))
    True
    >>> from sklearn.ensemble import GradientBoostingClassifier as SkGBC
    >>> sk_defaults = SkGBC().get_params()  # the defaults are scikit-learn's
    >>> all(sk_defaults[k] == v for k, v in GradientBoostingClassifier().get_params().items())
    True
    """

    def __init__(
        self,
        loss: str = "log_loss",
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample: float = 1.0,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_depth: int | None = 3,
        max_features: Any = None,
        init: Any = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.max_features = max_features
        self.init = init
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.min_weight_fraction_leaf = min_weight_fraction_leaf

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GradientBoostingClassifier:
        """Fit ``n_estimators`` rounds on ``X`` and class labels ``y``."""
        X, classes, encoded, weight = check_classifier_data(self, X, y, sample_weight)
        check_choice(self.loss, "loss", ("log_loss",))
        self._check_common(X.shape[1])
        self.classes_ = classes
        self.n_classes_ = int(classes.shape[0])
        prior = np.bincount(encoded, weights=weight, minlength=self.n_classes_) / weight.sum()
        if np.count_nonzero(prior) < 2:
            raise ValueError(
                "y has a single class with a positive sample_weight; a classifier needs at least "
                "two classes of positive weight."
            )
        # As scikit-learn does, keep log(prior) finite when a class has zero weight.
        eps = np.finfo(float).eps
        prior = np.clip(prior, eps, 1 - eps)
        if self.init == "zero":
            start = np.zeros(1 if self.n_classes_ == 2 else self.n_classes_)
        elif self.n_classes_ == 2:
            start = np.array([np.log(prior[1] / prior[0])])
        else:
            start = np.log(prior)
        self.init_raw_ = start
        if self.n_classes_ == 2:
            target = encoded[:, None].astype(float)
        else:
            target = np.eye(self.n_classes_)[encoded]
        self._boost(X, target, weight, np.tile(start, (X.shape[0], 1)))
        return self

    def _proba_from_raw(self, raw: np.ndarray) -> np.ndarray:
        if raw.shape[1] == 1:
            p1 = np.exp(-np.logaddexp(0.0, -raw[:, 0]))  # sigmoid without overflow
            return np.column_stack([1.0 - p1, p1])
        z = np.exp(raw - raw.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def _negative_gradient(self, y: np.ndarray, raw: np.ndarray) -> np.ndarray:
        p = self._proba_from_raw(raw)
        if raw.shape[1] == 1:
            return y - p[:, 1:]
        return y - p

    def _update_leaves(self, tree, leaf, inbag, y, raw, gradient, weight, j) -> None:
        r = gradient[inbag, j]
        w = weight[inbag]
        leaves = leaf[inbag]
        if raw.shape[1] == 1:
            p = y[inbag, 0] - r
            denominator = p * (1.0 - p)
            factor = 1.0
        else:
            denominator = np.abs(r) * (1.0 - np.abs(r))
            factor = (raw.shape[1] - 1.0) / raw.shape[1]
        nodes = np.flatnonzero(tree.tree_.children_left == -1)
        num = np.bincount(leaves, weights=w * r, minlength=tree.tree_.node_count)[nodes]
        den = np.bincount(leaves, weights=w * denominator, minlength=tree.tree_.node_count)[nodes]
        safe = np.where(np.abs(den) < 1e-150, 1e-150, den)
        tree.tree_.value[nodes, 0] = factor * num / safe

    def _loss(self, y: np.ndarray, raw: np.ndarray, weight: np.ndarray) -> float:
        if raw.shape[1] == 1:
            # log(1 + exp(F)) - y F, computed stably
            f = raw[:, 0]
            values = np.logaddexp(0.0, f) - y[:, 0] * f
        else:
            shifted = raw - raw.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            values = -(y * log_p).sum(axis=1)
        return float(np.average(values, weights=weight))

    def decision_function(self, X: Any) -> np.ndarray:
        """Raw scores F: log-odds of ``classes_[1]`` (shape (n,)) or (n, K) class scores."""
        check_is_fitted(self)
        raw = self._raw(X)
        return raw[:, 0].copy() if raw.shape[1] == 1 else raw

    def staged_predict_proba(self, X: Any) -> Iterator[np.ndarray]:
        """Yield class probabilities after each round."""
        for raw in self._raw_stages(X):
            yield self._proba_from_raw(raw)

    def staged_predict(self, X: Any) -> Iterator[np.ndarray]:
        """Yield predicted labels after each round."""
        for proba in self.staged_predict_proba(X):
            yield self.classes_[np.argmax(proba, axis=1)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns as ``classes_``."""
        check_is_fitted(self)
        return self._proba_from_raw(self._raw(X))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
