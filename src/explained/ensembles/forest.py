"""Random forests (Breiman 2001): bootstrap samples, feature subsampling at every node, averaging."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from ._builder import presort
from ._validation import (
    check_bool,
    check_class_weight,
    check_classifier_data,
    check_int,
    check_n_jobs,
    check_predict_data,
    check_random_state,
    check_regressor_data,
    check_verbose,
    resolve_max_features,
)
from .tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["RandomForestClassifier", "RandomForestRegressor"]

_SEED_LIMIT = 2**31 - 1
_CHUNKS_PER_JOB = 4  # tasks per worker process when growing a forest in parallel


def _check_out_of_bag(seen: np.ndarray) -> np.ndarray:
    """Rows left out of at least one bootstrap sample; oob_score_ needs at least one."""
    has = seen > 0
    if not has.any():
        raise ValueError(
            "oob_score=True but every sample was in every bootstrap sample, so no out-of-bag "
            "estimate exists; use more trees or more samples, or oob_score=False."
        )
    return has


def _draw_and_fit(
    fit_one: Callable[..., None],
    tree: Any,
    X: np.ndarray,
    weight: np.ndarray,
    order: np.ndarray,
    seed: int,
    n_draw: int | None,
) -> tuple[Any, np.ndarray]:
    """Draw one tree's bootstrap sample (``n_draw`` rows, None: no bootstrap) and grow the tree.

    Repeated rows are not copied: their count multiplies their weight. A sample that drew only
    rows of weight 0 would leave the tree nothing to learn from, so it is drawn again.
    """
    n_samples = X.shape[0]
    rng = np.random.default_rng(seed)
    if n_draw is None:
        drawn = np.arange(n_samples)
        counts = np.ones(n_samples, dtype=np.intp)
    else:
        while True:
            drawn = rng.integers(0, n_samples, n_draw)
            counts = np.bincount(drawn, minlength=n_samples)
            if (weight * counts).any():
                break
    fit_one(tree, X, weight * counts, order, rng, drawn)
    # int32 as in scikit-learn's estimators_samples_: half as much for a worker to send back.
    return tree, drawn.astype(np.int32) if n_samples < 2**31 else drawn


def _draw_and_fit_chunk(
    fit_one: Callable[..., None],
    trees: list[Any],
    X: np.ndarray,
    weight: np.ndarray,
    order: np.ndarray,
    seeds: list[int],
    n_draw: int | None,
) -> list[tuple[Any, np.ndarray]]:
    """:func:`_draw_and_fit` for several trees in turn: one task for a worker process."""
    return [
        _draw_and_fit(fit_one, tree, X, weight, order, seed, n_draw)
        for tree, seed in zip(trees, seeds, strict=True)
    ]


class _BaseForest(BaseEstimator):
    _tree_class: type = DecisionTreeClassifier

    def __init__(
        self,
        n_estimators: int,
        criterion: str,
        max_depth: int | None,
        min_samples_split: int,
        min_samples_leaf: int,
        max_features: Any,
        bootstrap: bool,
        oob_score: bool,
        random_state: Any,
        n_jobs: int | None,
        verbose: int,
        warm_start: bool,
        max_samples: Any,
        min_weight_fraction_leaf: float,
    ) -> None:
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.warm_start = warm_start
        self.max_samples = max_samples
        self.min_weight_fraction_leaf = min_weight_fraction_leaf

    def _check_params(self, n_samples: int, n_features: int) -> int | None:
        """Check the hyper-parameters; return the bootstrap size (None without bootstrap)."""
        check_int(self.n_estimators, "n_estimators", 1)
        check_bool(self.bootstrap, "bootstrap")
        check_bool(self.oob_score, "oob_score")
        check_bool(self.warm_start, "warm_start")
        check_n_jobs(self.n_jobs)
        check_verbose(self.verbose)
        if self.oob_score and not self.bootstrap:
            raise ValueError(
                "oob_score=True needs bootstrap=True: without it no sample is out of bag."
            )
        resolve_max_features(self.max_features, n_features)
        self._make_tree(None)._check_params(n_features)
        check_random_state(self.random_state)
        if self.max_samples is None:
            return n_samples if self.bootstrap else None
        if not self.bootstrap:
            raise ValueError("max_samples needs bootstrap=True (or max_samples=None).")
        if isinstance(self.max_samples, numbers.Integral) and not isinstance(
            self.max_samples, (bool, np.bool_)
        ):
            if not 1 <= self.max_samples <= n_samples:
                raise ValueError(
                    f"max_samples={self.max_samples} must be between 1 and n_samples={n_samples}."
                )
            return int(self.max_samples)
        if (
            isinstance(self.max_samples, numbers.Real)
            and not isinstance(self.max_samples, (bool, np.bool_))
            and 0.0 < self.max_samples <= 1.0
        ):
            return max(round(n_samples * self.max_samples), 1)
        raise ValueError(
            f"max_samples must be None, an int in [1, n_samples] or a float in (0, 1], "
            f"got {self.max_samples!r}."
        )

    def _make_tree(self, seed: Any) -> Any:
        return self._tree_class(
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            random_state=seed,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
        )

    def _fit_trees(
        self, X: np.ndarray, weight: np.ndarray, fit_one: Callable[..., None]
    ) -> list[np.ndarray]:
        """Grow the trees, ``n_jobs`` at a time; return every tree's in-bag counts.

        Each tree gets its own seed, drawn in turn from ``random_state``, so the forest does not
        depend on ``n_jobs``; with ``warm_start`` the trees kept use up the first seeds, and the
        new ones continue the sequence (100 trees in two fits equal 100 trees in one).
        """
        n_samples = X.shape[0]
        n_draw = self._check_params(n_samples, X.shape[1])
        if not (self.warm_start and hasattr(self, "estimators_")):
            self.estimators_, self.estimators_samples_ = [], []
        n_kept = len(self.estimators_)
        if self.n_estimators < n_kept:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be >= len(estimators_)={n_kept} when "
                "warm_start=True."
            )
        rng = check_random_state(self.random_state)
        seeds = [int(rng.integers(_SEED_LIMIT)) for _ in range(self.n_estimators)][n_kept:]
        if seeds:
            order = presort(X)
            verbose = check_verbose(self.verbose)
            n_jobs = min(effective_n_jobs(self.n_jobs), len(seeds))  # as scikit-learn does
            # Processes (joblib's default), not scikit-learn's threads: its Cython builder
            # releases the GIL for a whole tree, ours makes thousands of short numpy calls, and
            # two threads of them ran no faster than one. A task grows a chunk of trees, a few
            # chunks per process: every task costs a round trip through the parent, which
            # shares the cores with the workers, and a few chunks each still let a process
            # that finishes early take over the rest.
            chunks = np.array_split(np.arange(len(seeds)), _CHUNKS_PER_JOB * n_jobs)
            grown = Parallel(n_jobs=n_jobs, verbose=verbose)(
                delayed(_draw_and_fit_chunk)(
                    fit_one,
                    [self._make_tree(seeds[i]) for i in chunk],
                    X,
                    weight,
                    order,
                    [seeds[i] for i in chunk],
                    n_draw,
                )
                for chunk in chunks
                if chunk.size
            )
            for tree, drawn in (pair for chunk in grown for pair in chunk):
                self.estimators_.append(tree)
                self.estimators_samples_.append(drawn)
        return [np.bincount(drawn, minlength=n_samples) for drawn in self.estimators_samples_]

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean over trees of each tree's normalised impurity decrease."""
        check_is_fitted(self)
        return np.mean([t.feature_importances_ for t in self.estimators_], axis=0)

    def _tree_values(self, X: np.ndarray) -> np.ndarray:
        """Sum over the trees, in their order, of each sample's leaf value: (n_samples, n_outputs).

        In one thread whatever ``n_jobs`` is: a tree predicts with a few dozen numpy calls of a
        fraction of a millisecond each, too short for threads (they only contend for the GIL)
        or for processes (each would be sent every tree).
        """
        total = self.estimators_[0].tree_.predict(X)
        for tree in self.estimators_[1:]:
            total += tree.tree_.predict(X)
        return total


class RandomForestClassifier(ClassifierMixin, _BaseForest):
    """A forest of CART classification trees averaged by their class probabilities.

    Parameters
    ----------
    n_estimators : int
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf :
        As in :class:`~explained.ensembles.DecisionTreeClassifier` (trees are unpruned by default).
    max_features : "sqrt", "log2", int, float or None, default "sqrt"
        Features drawn at each node, as in scikit-learn; "sqrt" gives ``floor(sqrt(d))``.
    bootstrap : bool
        Draw each tree's sample with replacement (n draws from n rows).
    oob_score : bool
        Compute ``oob_score_``: the accuracy of each sample predicted only by the trees that did
        not see it.
    random_state : int, numpy Generator or None
    n_jobs : int or None
        Trees grown in parallel by joblib (worker processes; scikit-learn uses threads, which its
        compiled code can, ours cannot); -1 uses every CPU. The forest is the same for every
        ``n_jobs``. Predicting runs in one thread.
    verbose : int
        joblib's progress messages.
    warm_start : bool
        Keep the trees of the previous ``fit`` and add ``n_estimators - len(estimators_)`` new
        ones (the same forest as growing them all at once).
    class_weight : dict, "balanced", "balanced_subsample" or None
        Class weights multiplying ``sample_weight``; "balanced_subsample" recomputes the balanced
        weights on each tree's bootstrap sample.
    max_samples : int, float or None
        Rows drawn for each bootstrap sample: a count, a fraction of n_samples, or None (all).

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
    estimators_samples_ : list of ndarray
        The row indices each tree's bootstrap sample drew (with repeats).
    classes_ : ndarray
    feature_importances_ : ndarray
    oob_score_ : float
        Only with ``oob_score=True``.
    oob_decision_function_ : ndarray (n_samples, n_classes)
        Out-of-bag class probabilities (NaN for a sample that was in every bag).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=50, oob_score=True, random_state=0).fit(X, y)
    >>> len(forest.estimators_), forest.estimators_[0].max_features_
    (50, 2)
    >>> 0.9 < forest.oob_score_ <= 1.0
    True
    >>> forest.predict(X[[0, 60, 120]]).tolist()
    [0, 1, 2]
    >>> proba = forest.predict_proba(X)  # the mean of the trees' class probabilities
    >>> bool(np.allclose(proba, np.mean([t.predict_proba(X) for t in forest.estimators_], axis=0)))
    True

    With few trees some samples are in every bootstrap sample (here about 0.632**3 of them): their
    out-of-bag row is NaN, and ``oob_score_`` is the accuracy on the other samples:

    >>> few = RandomForestClassifier(n_estimators=3, oob_score=True, random_state=0).fit(X, y)
    >>> int(np.isnan(few.oob_decision_function_).any(axis=1).sum()), round(few.oob_score_, 3)
    (48, 0.902)

    Rows of ``sample_weight`` 0 take no part in a tree. A bootstrap sample that drew only such
    rows would leave a tree nothing to learn from, so it is drawn again: every tree here holds
    the one row of positive weight.

    >>> X4, y4 = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> weighted = RandomForestClassifier(n_estimators=20, random_state=0)
    >>> weighted = weighted.fit(X4, y4, sample_weight=[0, 0, 0, 1])
    >>> all(3 in drawn for drawn in weighted.estimators_samples_)
    True
    """

    _tree_class = DecisionTreeClassifier

    def __init__(
        self,
        n_estimators: int = 100,
        criterion: str = "gini",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: Any = "sqrt",
        bootstrap: bool = True,
        oob_score: bool = False,
        random_state: Any = None,
        n_jobs: int | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        class_weight: Any = None,
        max_samples: Any = None,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion,
            max_depth,
            min_samples_split,
            min_samples_leaf,
            max_features,
            bootstrap,
            oob_score,
            random_state,
            n_jobs,
            verbose,
            warm_start,
            max_samples,
            min_weight_fraction_leaf,
        )
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RandomForestClassifier:
        """Grow the forest on ``X`` and class labels ``y``."""
        X, classes, encoded, weight = check_classifier_data(self, X, y, sample_weight)
        check_class_weight(self.class_weight, ("balanced", "balanced_subsample"))
        labels = classes[encoded]
        per_sample = (
            isinstance(self.class_weight, str) and self.class_weight == "balanced_subsample"
        )
        if self.class_weight is not None and not (per_sample and self.bootstrap):
            weight = weight * compute_sample_weight(
                "balanced" if per_sample else self.class_weight, labels
            )
        per_tree = per_sample and self.bootstrap

        def fit_one(tree: Any, X: Any, w: np.ndarray, order: Any, rng: Any, drawn: Any) -> None:
            if per_tree:
                w = w * compute_sample_weight("balanced", labels, indices=drawn)
            tree._fit_encoded(X, encoded, classes, w, order=order, rng=rng)

        counts = self._fit_trees(X, weight, fit_one)
        self.classes_ = classes
        self.n_classes_ = int(classes.shape[0])
        if self.oob_score:
            total = np.zeros((X.shape[0], self.n_classes_))
            seen = np.zeros(X.shape[0])
            for tree, c in zip(self.estimators_, counts):
                out = c == 0
                total[out] += tree.tree_.predict(X[out])
                seen[out] += 1
            has = _check_out_of_bag(seen)
            proba = np.full_like(total, np.nan)
            proba[has] = total[has] / seen[has, None]
            self.oob_decision_function_ = proba
            self.oob_score_ = float(np.mean(np.argmax(proba[has], axis=1) == encoded[has]))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Mean of the trees' class probabilities, columns as ``classes_``."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        return self._tree_values(X) / len(self.estimators_)

    def predict(self, X: Any) -> np.ndarray:
        """Class with the highest mean probability."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RandomForestRegressor(RegressorMixin, _BaseForest):
    """A forest of CART regression trees whose predictions are averaged.

    Parameters are those of :class:`RandomForestClassifier` with ``criterion="squared_error"``;
    ``max_features`` defaults to 1.0 (all features), scikit-learn's default for regression.

    Attributes
    ----------
    oob_score_ : float
        Out-of-bag R² (only with ``oob_score=True``).
    oob_prediction_ : ndarray
        Out-of-bag predictions (NaN for a sample that was in every bag).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-3, 3, size=(300, 2))
    >>> y = np.sin(X[:, 0]) + 0.1 * rng.normal(size=300)
    >>> forest = RandomForestRegressor(n_estimators=30, oob_score=True, random_state=0).fit(X, y)
    >>> round(forest.oob_score_, 3), int(forest.feature_importances_.argmax())
    (0.977, 0)

    Every default is scikit-learn's:

    >>> from sklearn.ensemble import RandomForestRegressor as SkForest
    >>> sk_defaults = SkForest().get_params()
    >>> all(sk_defaults[name] == value for name, value in RandomForestRegressor().get_params().items())
    True
    """

    _tree_class = DecisionTreeRegressor

    def __init__(
        self,
        n_estimators: int = 100,
        criterion: str = "squared_error",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: Any = 1.0,
        bootstrap: bool = True,
        oob_score: bool = False,
        random_state: Any = None,
        n_jobs: int | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        max_samples: Any = None,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion,
            max_depth,
            min_samples_split,
            min_samples_leaf,
            max_features,
            bootstrap,
            oob_score,
            random_state,
            n_jobs,
            verbose,
            warm_start,
            max_samples,
            min_weight_fraction_leaf,
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RandomForestRegressor:
        """Grow the forest on ``X`` and real targets ``y``."""
        X, y, weight = check_regressor_data(self, X, y, sample_weight)

        def fit_one(tree: Any, X: Any, w: np.ndarray, order: Any, rng: Any, drawn: Any) -> None:
            tree._fit_target(X, y, w, order=order, rng=rng)

        counts = self._fit_trees(X, weight, fit_one)
        if self.oob_score:
            total = np.zeros(X.shape[0])
            seen = np.zeros(X.shape[0])
            for tree, c in zip(self.estimators_, counts):
                out = c == 0
                total[out] += tree.tree_.predict(X[out])[:, 0]
                seen[out] += 1
            has = _check_out_of_bag(seen)
            pred = np.full(X.shape[0], np.nan)
            pred[has] = total[has] / seen[has]
            self.oob_prediction_ = pred
            self.oob_score_ = float(r2_score(y[has], pred[has]))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Mean of the trees' predictions."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        return self._tree_values(X)[:, 0] / len(self.estimators_)
