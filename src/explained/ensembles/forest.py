"""Random forests (Breiman 2001): bootstrap samples, feature subsampling at every node, averaging."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import BaseEstimator
from ._builder import presort
from ._validation import (
    accuracy,
    check_classification_target,
    check_int,
    check_is_fitted,
    check_random_state,
    check_regression_target,
    check_sample_weight,
    check_X,
    r2,
    resolve_max_features,
)
from .tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["RandomForestClassifier", "RandomForestRegressor"]


def _check_out_of_bag(seen: np.ndarray) -> np.ndarray:
    """Rows left out of at least one bootstrap sample; oob_score_ needs at least one."""
    has = seen > 0
    if not has.any():
        raise ValueError(
            "oob_score=True but every sample was in every bootstrap sample, so no out-of-bag "
            "estimate exists; use more trees or more samples, or oob_score=False."
        )
    return has


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

    def _check_params(self, n_features: int) -> None:
        check_int(self.n_estimators, "n_estimators", 1)
        if not isinstance(self.bootstrap, (bool, np.bool_)):
            raise ValueError(f"bootstrap must be True or False, got {self.bootstrap!r}.")  # noqa: TRY004
        if not isinstance(self.oob_score, (bool, np.bool_)):
            raise ValueError(f"oob_score must be True or False, got {self.oob_score!r}.")  # noqa: TRY004
        if self.oob_score and not self.bootstrap:
            raise ValueError(
                "oob_score=True needs bootstrap=True: without it no sample is out of bag."
            )
        resolve_max_features(self.max_features, n_features)
        self._make_tree(None)._check_params(n_features)

    def _make_tree(self, seed: Any) -> Any:
        return self._tree_class(
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            random_state=seed,
        )

    def _fit_trees(self, X: np.ndarray, weight: np.ndarray, fit_one: Any) -> list[np.ndarray]:
        """Grow ``n_estimators`` trees; return each tree's in-bag counts."""
        n_samples = X.shape[0]
        rng = check_random_state(self.random_state)
        order = presort(X)
        self.estimators_ = []
        self.estimators_samples_ = []
        counts_list = []
        for _ in range(self.n_estimators):
            seed = int(rng.integers(2**31 - 1))
            tree_rng = np.random.default_rng(seed)
            if self.bootstrap:
                while True:  # draw again while only rows of sample_weight 0 were drawn
                    drawn = tree_rng.integers(0, n_samples, n_samples)
                    counts = np.bincount(drawn, minlength=n_samples)
                    if (weight * counts).any():
                        break
            else:
                drawn = np.arange(n_samples)
                counts = np.ones(n_samples, dtype=np.intp)
            self.estimators_samples_.append(drawn)
            tree = self._make_tree(seed)
            fit_one(tree, X, weight * counts, order, tree_rng)
            self.estimators_.append(tree)
            counts_list.append(counts)
        self.n_features_in_ = X.shape[1]
        return counts_list

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean over trees of each tree's normalised impurity decrease."""
        check_is_fitted(self, "estimators_", "feature_importances_")
        return np.mean([t.feature_importances_ for t in self.estimators_], axis=0)


class RandomForestClassifier(_BaseForest):
    """A forest of CART classification trees averaged by their class probabilities.

    Parameters
    ----------
    n_estimators : int
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}
    max_depth, min_samples_split, min_samples_leaf :
        As in :class:`~explained.ensembles.DecisionTreeClassifier` (trees are unpruned by default).
    max_features : "sqrt", "log2", int, float or None, default "sqrt"
        Features drawn at each node, as in scikit-learn; "sqrt" gives ``floor(sqrt(d))``.
    bootstrap : bool
        Draw each tree's sample with replacement (n draws from n rows).
    oob_score : bool
        Compute ``oob_score_``: the accuracy of each sample predicted only by the trees that did
        not see it.
    random_state : int, numpy Generator or None

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
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RandomForestClassifier:
        """Grow the forest on ``X`` and class labels ``y``."""
        X = check_X(X)
        classes, encoded = check_classification_target(y, X.shape[0])
        weight = check_sample_weight(sample_weight, X.shape[0])
        self._check_params(X.shape[1])

        def fit_one(tree: Any, X: np.ndarray, w: np.ndarray, order: np.ndarray, rng: Any) -> None:
            tree._fit_encoded(X, encoded, classes, w, order=order, rng=rng)

        counts = self._fit_trees(X, weight, fit_one)
        self.classes_ = classes
        self.n_classes_ = int(classes.shape[0])
        if self.oob_score:
            total = np.zeros((X.shape[0], self.n_classes_))
            seen = np.zeros(X.shape[0])
            for tree, c in zip(self.estimators_, counts):
                out = c == 0
                total[out] += tree.tree_.value[tree.tree_.apply(X[out])]
                seen[out] += 1
            has = _check_out_of_bag(seen)
            proba = np.full_like(total, np.nan)
            proba[has] = total[has] / seen[has, None]
            self.oob_decision_function_ = proba
            self.oob_score_ = float(np.mean(np.argmax(proba[has], axis=1) == encoded[has]))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Mean of the trees' class probabilities, columns as ``classes_``."""
        check_is_fitted(self, "estimators_", "predict_proba")
        X = check_X(X, self.n_features_in_)
        total = np.zeros((X.shape[0], self.n_classes_))
        for tree in self.estimators_:
            total += tree.tree_.value[tree.tree_.apply(X)]
        return total / len(self.estimators_)

    def predict(self, X: Any) -> np.ndarray:
        """Class with the highest mean probability."""
        check_is_fitted(self, "estimators_", "predict")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy on ``(X, y)``."""
        return accuracy(y, self.predict(X))


class RandomForestRegressor(_BaseForest):
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
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RandomForestRegressor:
        """Grow the forest on ``X`` and real targets ``y``."""
        X = check_X(X)
        y = check_regression_target(y, X.shape[0])
        weight = check_sample_weight(sample_weight, X.shape[0])
        self._check_params(X.shape[1])

        def fit_one(tree: Any, X: np.ndarray, w: np.ndarray, order: np.ndarray, rng: Any) -> None:
            tree._fit_target(X, y, w, order=order, rng=rng)

        counts = self._fit_trees(X, weight, fit_one)
        if self.oob_score:
            total = np.zeros(X.shape[0])
            seen = np.zeros(X.shape[0])
            for tree, c in zip(self.estimators_, counts):
                out = c == 0
                total[out] += tree.tree_.value[tree.tree_.apply(X[out]), 0]
                seen[out] += 1
            has = _check_out_of_bag(seen)
            pred = np.full(X.shape[0], np.nan)
            pred[has] = total[has] / seen[has]
            self.oob_prediction_ = pred
            self.oob_score_ = r2(y[has], pred[has])
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Mean of the trees' predictions."""
        check_is_fitted(self, "estimators_", "predict")
        X = check_X(X, self.n_features_in_)
        total = np.zeros(X.shape[0])
        for tree in self.estimators_:
            total += tree.tree_.value[tree.tree_.apply(X), 0]
        return total / len(self.estimators_)

    def score(self, X: Any, y: Any) -> float:
        """Coefficient of determination R² on ``(X, y)`` (1.0 or 0.0 for a constant ``y``)."""
        return r2(y, self.predict(X))
