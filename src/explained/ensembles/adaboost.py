"""AdaBoost (Freund & Schapire 1997) with the textbook two-class weight and SAMME for K > 2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from ._builder import presort
from ._validation import (
    check_classifier_data,
    check_float,
    check_int,
    check_predict_data,
    check_random_state,
)
from .tree import DecisionTreeClassifier

__all__ = ["AdaBoostClassifier"]


def _reweight(weight: np.ndarray, exponent: np.ndarray) -> tuple[np.ndarray, float]:
    """Return ``weight * exp(exponent)`` normalised to sum 1, and the normaliser Z, without overflow.

    Z is ``inf`` only when it really exceeds the float range (a huge learning rate).
    """
    top = float(exponent.max())
    scaled = weight * np.exp(exponent - top)
    total = float(scaled.sum())
    with np.errstate(over="ignore"):
        z = float(total * np.exp(top))
    return scaled / total, z


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    """AdaBoost by sample re-weighting.

    With two classes, coded -1 / +1 as ``classes_[0]`` / ``classes_[1]``, round m fits the weak
    learner to the weights ``D_m``, measures its weighted error ``e_m`` and uses

    ``alpha_m = learning_rate * 0.5 * ln((1 - e_m) / e_m)``,
    ``D_{m+1,i} = D_{m,i} * exp(-alpha_m * y_i * G_m(x_i)) / Z_m``.

    This ``alpha_m`` is the textbook weight (李航《统计学习方法》 Algorithm 8.1), half of
    scikit-learn's SAMME weight for two classes; predictions are the same. With K > 2 classes it
    is SAMME (Zhu et al. 2009): ``alpha_m = learning_rate * (ln((1 - e_m) / e_m) + ln(K - 1))``
    and misclassified weights are multiplied by ``exp(alpha_m)``.

    Parameters
    ----------
    estimator : classifier or None
        The weak learner, cloned every round; it must accept ``sample_weight``. None means a
        decision stump of minimum weighted error,
        ``DecisionTreeClassifier(max_depth=1, criterion="error")``; among stumps with the same
        error the lowest feature, then the lowest threshold, wins.
    n_estimators : int
        Maximum number of rounds (fewer if a learner is perfect or no better than chance).
    learning_rate : float
        Shrinks every ``alpha_m``.
    random_state : int, numpy Generator or None
        Seeds the weak learners.

    Attributes
    ----------
    estimators_ : list
    estimator_weights_ : ndarray
        ``alpha_m`` of each fitted round.
    estimator_errors_ : ndarray
        Weighted error ``e_m`` of each fitted round.
    normalizers_ : ndarray
        ``Z_m``, the sum of the updated weights before normalisation (not in scikit-learn); for two
        classes their product bounds the training error.
    classes_ : ndarray

    Examples
    --------
    李航《统计学习方法》 Example 8.1:

    >>> import numpy as np
    >>> X = np.arange(10, dtype=float).reshape(-1, 1)
    >>> y = np.array([1, 1, 1, -1, -1, -1, 1, 1, 1, -1])
    >>> ada = AdaBoostClassifier(n_estimators=3).fit(X, y)
    >>> [float(t.tree_.threshold[0]) for t in ada.estimators_]
    [2.5, 8.5, 5.5]
    >>> np.round(ada.estimator_weights_, 4).tolist()
    [0.4236, 0.6496, 0.752]
    >>> ada.score(X, y)
    1.0
    >>> AdaBoostClassifier(n_estimators=1).fit(X, y).predict(X).tolist()  # one stump, x < 2.5
    [1, 1, 1, -1, -1, -1, -1, -1, -1, -1]
    >>> from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
    >>> sk_defaults = SkAdaBoost().get_params()  # the defaults are scikit-learn's
    >>> all(sk_defaults[k] == v for k, v in AdaBoostClassifier().get_params().items())
    True
    """

    def __init__(
        self,
        estimator: Any = None,
        n_estimators: int = 50,
        learning_rate: float = 1.0,
        random_state: Any = None,
    ) -> None:
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _base(self) -> Any:
        if self.estimator is None:
            return DecisionTreeClassifier(max_depth=1, criterion="error")
        if isinstance(self.estimator, type) or not (
            hasattr(self.estimator, "fit") and hasattr(self.estimator, "predict")
        ):
            raise ValueError(
                "estimator must be an instance with fit(X, y, sample_weight) and predict(X), "
                f"got {self.estimator!r}."
            )
        if not has_fit_parameter(self.estimator, "sample_weight"):
            raise ValueError(
                f"estimator {type(self.estimator).__name__} does not support sample_weight: "
                "its fit has no sample_weight parameter, and AdaBoost re-weights the samples."
            )
        return self.estimator

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> AdaBoostClassifier:
        """Run up to ``n_estimators`` boosting rounds on ``X`` and class labels ``y``."""
        X, classes, encoded, weight = check_classifier_data(self, X, y, sample_weight)
        check_int(self.n_estimators, "n_estimators", 1)
        rate = check_float(self.learning_rate, "learning_rate", 0.0, np.inf, high_open=True)
        base = self._base()
        rng = check_random_state(self.random_state)
        n_classes = classes.shape[0]
        # Our own tree without class weights: grow it on the encoded labels and presorted X.
        fast = type(base) is DecisionTreeClassifier and base.class_weight is None
        order = presort(X) if fast else None
        sign = np.where(encoded == 1, 1.0, -1.0)

        weight = weight / weight.sum()
        estimators, alphas, errors, normalizers = [], [], [], []
        for _ in range(self.n_estimators):
            learner = clone(base)
            seed = int(rng.integers(2**31 - 1))
            if "random_state" in learner.get_params(deep=False):
                learner.set_params(random_state=seed)
            if fast:
                learner._fit_encoded(X, encoded, classes, weight, order=order)
                pred = np.argmax(learner.tree_.predict(X), axis=1)
            else:
                learner.fit(X, classes[encoded], sample_weight=weight)
                pred = self._encode(np.asarray(learner.predict(X)), classes)
            miss = pred != encoded
            error = float(weight[miss].sum() / weight.sum())
            if error <= 0.0:
                estimators.append(learner)
                alphas.append(1.0)
                errors.append(0.0)
                normalizers.append(1.0)
                break
            if error >= 1.0 - 1.0 / n_classes:
                if not estimators:
                    raise ValueError(
                        f"the first weak learner has weighted error {error:.4f} >= "
                        f"{1 - 1 / n_classes:.4f}, no better than chance; use a stronger estimator."
                    )
                break
            if n_classes == 2:
                alpha = rate * 0.5 * np.log((1.0 - error) / error)
                exponent = -alpha * sign * np.where(pred == 1, 1.0, -1.0)
            else:
                alpha = rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))
                exponent = alpha * miss
            weight, z = _reweight(weight, exponent)
            estimators.append(learner)
            alphas.append(float(alpha))
            errors.append(error)
            normalizers.append(z)
        self.estimators_ = estimators
        self.estimator_weights_ = np.array(alphas)
        self.estimator_errors_ = np.array(errors)
        self.normalizers_ = np.array(normalizers)
        self.classes_ = classes
        self.n_classes_ = int(n_classes)
        self.n_features_in_ = X.shape[1]
        self._fast = fast
        return self

    @staticmethod
    def _encode(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
        index = np.clip(np.searchsorted(classes, labels), 0, classes.shape[0] - 1)
        if not np.array_equal(classes[index], labels):
            raise ValueError("the weak learner predicted a label that is not in classes_.")
        return index

    def _predict_encoded(self, learner: Any, X: np.ndarray) -> np.ndarray:
        if self._fast:
            return np.argmax(learner.tree_.predict(X), axis=1)
        return self._encode(np.asarray(learner.predict(X)), self.classes_)

    def staged_decision_function(self, X: Any) -> Iterator[np.ndarray]:
        """Yield the decision function after each round (see :meth:`decision_function`)."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        if self.n_classes_ == 2:
            total = np.zeros(X.shape[0])
        else:
            total = np.zeros((X.shape[0], self.n_classes_))
        for learner, alpha in zip(self.estimators_, self.estimator_weights_):
            pred = self._predict_encoded(learner, X)
            if self.n_classes_ == 2:
                total = total + alpha * np.where(pred == 1, 1.0, -1.0)
            else:
                total = total.copy()
                total[np.arange(X.shape[0]), pred] += alpha
            yield total

    def decision_function(self, X: Any) -> np.ndarray:
        """``f(x) = sum_m alpha_m G_m(x)`` with G in {-1, +1} for two classes (shape (n,));
        for K > 2 the (n, K) sums of ``alpha_m`` over the rounds voting for each class."""
        result = None
        for result in self.staged_decision_function(X):
            pass
        return result

    def staged_predict(self, X: Any) -> Iterator[np.ndarray]:
        """Yield the predicted labels after each round."""
        for f in self.staged_decision_function(X):
            index = (f > 0).astype(np.intp) if f.ndim == 1 else np.argmax(f, axis=1)
            yield self.classes_[index]

    def predict(self, X: Any) -> np.ndarray:
        """``sign(f(x))`` for two classes (a tie goes to ``classes_[0]``), else the class with most weight."""
        check_is_fitted(self)
        f = self.decision_function(X)
        index = (f > 0).astype(np.intp) if f.ndim == 1 else np.argmax(f, axis=1)
        return self.classes_[index]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the population minimiser of the exponential loss.

        Two classes: ``1 / (1 + exp(-2 f))`` (Friedman, Hastie and Tibshirani 2000). K > 2: the
        softmax of the vote sums ``f``. In the symmetric coding of Zhu et al. (2009) SAMME's model is
        ``F_k = (K - 1) f_k - (K - 1) / K * sum_m alpha_m`` and the minimiser of the multi-class
        exponential loss has ``p_k ∝ exp(F_k / (K - 1)) ∝ exp(f_k)``. With ``learning_rate != 1``
        the same formulas are a convention.
        """
        check_is_fitted(self)
        f = self.decision_function(X)
        if f.ndim == 1:
            p1 = np.exp(-np.logaddexp(0.0, -2.0 * f))  # 1 / (1 + exp(-2 f)) without overflow
            return np.column_stack([1.0 - p1, p1])
        z = np.exp(f - f.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def staged_sample_weight(self, X: Any, y: Any) -> Iterator[np.ndarray]:
        """Yield the weights D_1, D_2, ... each round was trained on (uniform start), recomputed
        from the fitted rounds for training data ``(X, y)`` without sample weights."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        try:
            y = np.asarray(y)
            encoded = np.searchsorted(self.classes_, y)
            known = self.classes_[np.minimum(encoded, self.n_classes_ - 1)]
            seen = y.shape == (X.shape[0],) and np.array_equal(known, y)
        except (AttributeError, TypeError, ValueError):  # no labels, or not comparable to classes_
            seen = False
        if not seen:
            raise ValueError("y must be a 1-D array of the classes seen in fit, one per row of X.")
        weight = np.full(X.shape[0], 1.0 / X.shape[0])
        sign = np.where(encoded == 1, 1.0, -1.0)
        for learner, alpha in zip(self.estimators_, self.estimator_weights_):
            yield weight
            pred = self._predict_encoded(learner, X)
            if self.n_classes_ == 2:
                exponent = -alpha * sign * np.where(pred == 1, 1.0, -1.0)
            else:
                exponent = alpha * (pred != encoded)
            weight, _ = _reweight(weight, exponent)

    @property
    def feature_importances_(self) -> np.ndarray:
        """Importances of the weak learners averaged with weights ``alpha_m``."""
        check_is_fitted(self)
        weights = self.estimator_weights_
        stacked = np.array([e.feature_importances_ for e in self.estimators_])
        return (weights[:, None] * stacked).sum(axis=0) / weights.sum()
