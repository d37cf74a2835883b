"""CART decision trees: :class:`DecisionTreeClassifier` and :class:`DecisionTreeRegressor`.

The split search is exact (every midpoint between consecutive distinct values is a candidate) and
vectorised: see :mod:`explained.ensembles._builder`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from ._builder import Presorted, Tree, grow_tree, presort
from ._validation import (
    check_choice,
    check_class_weight,
    check_classifier_data,
    check_float,
    check_int,
    check_predict_data,
    check_random_state,
    check_regressor_data,
    resolve_max_features,
)

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree"]


class _BaseTree(BaseEstimator):
    _criteria: tuple[str, ...] = ()

    def __init__(
        self,
        criterion: str,
        max_depth: int | None,
        min_samples_split: int,
        min_samples_leaf: int,
        max_features: Any,
        random_state: Any,
        min_weight_fraction_leaf: float,
    ) -> None:
        # The subclasses pass every parameter: their signatures hold the public defaults.
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.min_weight_fraction_leaf = min_weight_fraction_leaf

    def _check_params(self, n_features: int) -> int:
        check_choice(self.criterion, "criterion", self._criteria)
        check_int(self.max_depth, "max_depth", 1, allow_none=True)
        check_int(self.min_samples_split, "min_samples_split", 2)
        check_int(self.min_samples_leaf, "min_samples_leaf", 1)
        check_float(
            self.min_weight_fraction_leaf, "min_weight_fraction_leaf", 0.0, 0.5, low_open=False
        )
        return resolve_max_features(self.max_features, n_features)

    def _grow(
        self,
        X: np.ndarray,
        stats: np.ndarray,
        weight: np.ndarray,
        order: Presorted | None,
        rng: np.random.Generator | None,
        criterion: str | None = None,
    ) -> None:
        n_features = X.shape[1]
        max_features = self._check_params(n_features)
        if rng is None:
            rng = check_random_state(self.random_state)
        if order is None:
            order = presort(X)
        members = order.order[0]
        positive = weight > 0
        if not positive.all():
            members = np.compress(positive.take(members), members)
        self.tree_ = grow_tree(
            X,
            stats,
            order,
            members,
            self.criterion if criterion is None else criterion,
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            max_features,
            rng,
            self.min_weight_fraction_leaf * float(weight.sum()),
        )
        self.n_features_in_ = n_features
        self.max_features_ = max_features

    @property
    def feature_importances_(self) -> np.ndarray:
        """Normalised total weighted impurity decrease per feature (sums to 1 unless no split)."""
        check_is_fitted(self)
        return self.tree_.compute_feature_importances(self.n_features_in_)

    def apply(self, X: Any) -> np.ndarray:
        """Index (in ``tree_``) of the leaf each sample ends in."""
        check_is_fitted(self)
        return self.tree_.apply(check_predict_data(self, X))

    def get_depth(self) -> int:
        """Depth of the tree (a single leaf has depth 0)."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self)
        return self.tree_.n_leaves


class DecisionTreeClassifier(ClassifierMixin, _BaseTree):
    """CART classification tree.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss", "error"}
        Impurity to minimise. ``"log_loss"`` is a synonym of ``"entropy"``. ``"error"`` is the
        weighted misclassification rate; with ``max_depth=1`` it gives the decision stump of
        minimum weighted error used by textbook AdaBoost (not in scikit-learn).
    max_depth : int or None
        Maximum depth; None grows until leaves are pure or too small.
    min_samples_split, min_samples_leaf : int
        Minimum samples to split a node / in each child.
    min_weight_fraction_leaf : float in [0, 0.5]
        Minimum fraction of the total ``sample_weight`` in each child.
    max_features : "sqrt", "log2", int, float or None
        Number of features drawn (without replacement) at each node; None means all.
    random_state : int, numpy Generator or None
        Seed for the feature draws.
    class_weight : dict, "balanced" or None
        Multiplies each sample's weight by the weight of its class, as in scikit-learn;
        "balanced" uses ``n_samples / (n_classes * count(class))``.

    Attributes
    ----------
    classes_ : ndarray
        Sorted class labels.
    tree_ : Tree
        Node arrays (``feature``, ``threshold``, ``children_left``, ...).
    feature_importances_ : ndarray
        Normalised impurity decrease per feature.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> tree = DecisionTreeClassifier(max_depth=1).fit(X, ["a", "a", "b", "b"])
    >>> tree.predict([[0.4], [2.6]]).tolist(), tree.predict_proba([[0.4]]).tolist()
    (['a', 'b'], [[1.0, 0.0]])

    Every default is scikit-learn's (an unpruned tree on the Gini impurity):

    >>> from sklearn.tree import DecisionTreeClassifier as SkTree
    >>> sk_defaults = SkTree().get_params()
    >>> all(sk_defaults[name] == value for name, value in DecisionTreeClassifier().get_params().items())
    True

    Nodes are numbered breadth first; as in scikit-learn, a leaf has ``feature`` -2, ``threshold``
    -2.0 and children -1:

    >>> tree.tree_.feature.tolist(), tree.tree_.threshold.tolist(), tree.tree_.children_left.tolist()
    ([0, -2, -2], [1.5, -2.0, -2.0], [1, -1, -1])

    A threshold is the midpoint of two neighbouring values. For two adjacent floats the midpoint
    rounds to one of them; when it rounds up, the lower value is used, so that ``x <= threshold``
    still separates the two:

    >>> lo = 1.0 + 2**-52
    >>> hi = lo + 2**-52
    >>> lo / 2 + hi / 2 == hi
    True
    >>> adjacent = DecisionTreeClassifier().fit([[lo], [hi]], [0, 1])
    >>> bool(adjacent.tree_.threshold[0] == lo), adjacent.predict([[lo], [hi]]).tolist()
    (True, [0, 1])

    The impurity of every node, here for three classes: the root holds 2/4, 1/4, 1/4; the split
    at 1.5 leaves a pure left child and a 50/50 right child (entropy in bits):

    >>> [
    ...     DecisionTreeClassifier(criterion=c, max_depth=1).fit(X, [0, 0, 1, 2]).tree_.impurity.tolist()
    ...     for c in ("gini", "entropy", "error")
    ... ]
    [[0.625, 0.0, 0.5], [1.5, 0.0, 1.0], [0.5, 0.0, 0.5]]

    An unlimited tree is grown until no drawn feature can split a node, drawing again where the
    drawn ones are constant there. On iris rounded to whole centimetres, with one feature drawn
    per node, many rows coincide: the tree then fits the training data exactly as well as any
    function of ``X`` can, the majority label of each group of identical rows:

    >>> from sklearn.datasets import load_iris
    >>> X_iris, y_iris = load_iris(return_X_y=True)
    >>> X_round = np.round(X_iris)
    >>> rounded = DecisionTreeClassifier(max_features=1, random_state=0).fit(X_round, y_iris)
    >>> _, group = np.unique(X_round, axis=0, return_inverse=True)
    >>> group = group.ravel()
    >>> best = sum(np.bincount(y_iris[group == g]).max() for g in np.unique(group)) / len(y_iris)
    >>> bool(rounded.score(X_round, y_iris) == best), round(float(best), 3)
    (True, 0.947)

    ``max_features`` is resolved in ``fit``: with 3 features "sqrt" and "log2" both give 1, an int is
    a count (at most n_features) and a float a fraction of n_features (at least 1 feature):

    >>> X3 = np.column_stack([X, X**2, -X])
    >>> y3 = [0, 0, 1, 1]
    >>> [
    ...     DecisionTreeClassifier(max_features=m).fit(X3, y3).max_features_
    ...     for m in ("sqrt", "log2", 3, 0.5, 0.2)
    ... ]
    [1, 1, 3, 1, 1]
    >>> DecisionTreeClassifier(max_features=0.0).fit(X3, y3)
    Traceback (most recent call last):
      ...
    ValueError: a float max_features must be in (0, 1], got 0.0.

    Integer hyper-parameters must fit in a C int, as in scikit-learn (use None for "no limit"):

    >>> DecisionTreeClassifier(max_depth=2**31 - 1).fit(X3, y3).get_depth()
    1
    >>> DecisionTreeClassifier(max_depth=2**31).fit(X3, y3)
    Traceback (most recent call last):
      ...
    ValueError: max_depth must be <= 2147483647, got 2147483648.

    Only the ratios of ``sample_weight`` matter. Weights are used as given while the largest one is
    in ``[2**-100, 2**100]``; beyond that they are rescaled exactly, by a power of two, to [0.5, 1),
    so that sums of squared weights neither overflow nor underflow. The root's weighted count
    shows it (log2 of the weight per sample):

    >>> [
    ...     int(np.log2(DecisionTreeClassifier(max_depth=1).fit(X, y3, sample_weight=[c] * 4)
    ...                 .tree_.weighted_n_node_samples[0] / 4))
    ...     for c in (1.0, 2.0**-100, 2.0**100, 2.0**-101, 2.0**101)
    ... ]
    [0, -100, 100, -1, -1]
    """

    _criteria = ("gini", "entropy", "log_loss", "error")

    def __init__(
        self,
        criterion: str = "gini",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: Any = None,
        random_state: Any = None,
        class_weight: Any = None,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        super().__init__(
            criterion,
            max_depth,
            min_samples_split,
            min_samples_leaf,
            max_features,
            random_state,
            min_weight_fraction_leaf,
        )
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> DecisionTreeClassifier:
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``."""
        X, classes, encoded, weight = check_classifier_data(self, X, y, sample_weight)
        check_class_weight(self.class_weight, ("balanced",))
        if self.class_weight is not None:
            weight = weight * compute_sample_weight(self.class_weight, classes[encoded])
        self._fit_encoded(X, encoded, classes, weight)
        return self

    def _fit_encoded(
        self,
        X: np.ndarray,
        encoded: np.ndarray,
        classes: np.ndarray,
        weight: np.ndarray,
        order: Presorted | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        stats = np.zeros((X.shape[0], classes.shape[0]))
        stats[np.arange(X.shape[0]), encoded] = weight
        self.classes_ = classes
        self.n_classes_ = int(classes.shape[0])
        criterion = self.criterion
        if isinstance(criterion, str) and criterion == "log_loss":
            criterion = "entropy"
        self._grow(X, stats, weight, order, rng, criterion)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: the weighted class fractions of the leaf, columns as ``classes_``."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        return self.tree_.predict(X)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample (the first class on a tie)."""
        check_is_fitted(self)
        leaves = self.tree_.apply(check_predict_data(self, X))
        # The most probable class of each node, then of each sample's leaf: fewer rows to
        # compare than the samples' probabilities.
        return self.classes_.take(np.argmax(self.tree_.value, axis=1).take(leaves))


class DecisionTreeRegressor(RegressorMixin, _BaseTree):
    """CART regression tree with the squared-error criterion.

    Parameters are those of :class:`DecisionTreeClassifier`, with ``criterion="squared_error"``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(1, 11, dtype=float).reshape(-1, 1)
    >>> y = [5.56, 5.70, 5.91, 6.40, 6.80, 7.05, 8.90, 8.70, 9.00, 9.05]
    >>> stump = DecisionTreeRegressor(max_depth=1).fit(X, y)
    >>> float(stump.tree_.threshold[0])
    6.5
    >>> np.round(stump.predict([[1.0], [10.0]]), 2).tolist()
    [6.24, 8.91]
    >>> from sklearn.tree import DecisionTreeRegressor as SkTree
    >>> sk_defaults = SkTree().get_params()  # the defaults are scikit-learn's
    >>> all(sk_defaults[name] == value for name, value in DecisionTreeRegressor().get_params().items())
    True

    A tree that cannot split (all rows share one x) is a single leaf and has no importances.
    ``score`` is R², which for a constant ``y`` is 1.0 for a perfect prediction and 0.0 otherwise:

    >>> leaf = DecisionTreeRegressor().fit([[0.0], [0.0]], [1.0, 3.0])
    >>> leaf.get_n_leaves(), leaf.feature_importances_.tolist()
    (1, [0.0])
    >>> leaf.score([[0.0], [0.0]], [2.0, 2.0]), leaf.score([[0.0], [0.0]], [1.0, 1.0])
    (1.0, 0.0)

    ``min_weight_fraction_leaf`` keeps every leaf's share of the total sample weight at or above
    it, and grows the same leaves as scikit-learn's tree:

    >>> rng = np.random.default_rng(0)
    >>> Xw, yw, w = rng.normal(size=(60, 3)), rng.normal(size=60), rng.uniform(0.1, 2.0, size=60)
    >>> def leaf_weights(tree):
    ...     return np.sort(tree.tree_.weighted_n_node_samples[tree.tree_.children_left == -1])
    ...
    >>> heavy = DecisionTreeRegressor(min_weight_fraction_leaf=0.1).fit(Xw, yw, sample_weight=w)
    >>> sk_heavy = SkTree(min_weight_fraction_leaf=0.1).fit(Xw, yw, sample_weight=w)
    >>> heavy.get_n_leaves(), bool(np.allclose(leaf_weights(heavy), leaf_weights(sk_heavy)))
    (8, True)
    >>> bool(leaf_weights(heavy)[0] >= 0.1 * w.sum())
    True

    Targets may reach 1e150 in absolute value (their squares must stay finite):

    >>> DecisionTreeRegressor().fit([[0.0], [1.0]], [0.0, 1e150]).predict([[1.0]]).tolist()
    [1e+150]
    >>> DecisionTreeRegressor().fit([[0.0], [1.0]], [0.0, -1e151])
    Traceback (most recent call last):
      ...
    ValueError: y has values of magnitude up to 1e+151; targets must stay below 1e+150 in absolute value so that their squares are finite. Rescale y.
    """

    _criteria = ("squared_error",)

    def __init__(
        self,
        criterion: str = "squared_error",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: Any = None,
        random_state: Any = None,
        min_weight_fraction_leaf: float = 0.0,
    ) -> None:
        super().__init__(
            criterion,
            max_depth,
            min_samples_split,
            min_samples_leaf,
            max_features,
            random_state,
            min_weight_fraction_leaf,
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> DecisionTreeRegressor:
        """Grow the tree on ``X`` (n_samples, n_features) and real targets ``y``."""
        X, y, weight = check_regressor_data(self, X, y, sample_weight)
        self._fit_target(X, y, weight)
        return self

    def _fit_target(
        self,
        X: np.ndarray,
        y: np.ndarray,
        weight: np.ndarray,
        order: Presorted | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        # Centre y so that the sums of squares in the split search do not lose precision.
        offset = float(np.average(y, weights=weight))
        centred = y - offset
        stats = np.column_stack([weight, weight * centred, weight * centred**2])
        self._grow(X, stats, weight, order, rng)
        self.tree_.value[:, 0] += offset

    def predict(self, X: Any) -> np.ndarray:
        """Mean target of the leaf each sample falls into."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        return self.tree_.predict(X)[:, 0]
