"""Input validation shared by the estimators of :mod:`explained.ensembles`.

Every public ``fit``/``predict`` goes through these helpers, so a wrong shape, a NaN, a single class
or a bad hyper-parameter fails early with a :class:`ValueError` that says what was expected.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = ["NotFittedError"]


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` (or a fitted attribute) is used before ``fit``.

    Like scikit-learn's exception of the same name it is both a :class:`ValueError` and an
    :class:`AttributeError`, so ``except ValueError`` and ``hasattr`` both behave as expected.

    Examples
    --------
    >>> from explained.ensembles import DecisionTreeClassifier
    >>> try:
    ...     DecisionTreeClassifier().predict([[0.0]])
    ... except NotFittedError as exc:
    ...     print(exc)
    This DecisionTreeClassifier is not fitted yet: call fit(X, y) before predict.
    """


def check_is_fitted(estimator: Any, attribute: str, method: str) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has ``attribute``."""
    if attribute not in vars(estimator):
        name = type(estimator).__name__
        raise NotFittedError(f"This {name} is not fitted yet: call fit(X, y) before {method}.")


def check_X(X: Any, n_features: int | None = None, name: str = "X") -> np.ndarray:
    """Return ``X`` as a new C-contiguous float64 array of shape (n_samples, n_features)."""
    try:
        complex_input = np.iscomplexobj(X)
        arr = None if complex_input else np.array(X, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a 2-D array of numbers (n_samples, n_features); "
            f"could not convert it to float: {exc}"
        ) from None
    if arr is None:
        raise ValueError(f"{name} must be real; got complex numbers.")
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features), got an array with {arr.ndim} "
            f"dimension(s) and shape {arr.shape}; reshape a single feature with "
            "x.reshape(-1, 1) or a single sample with x.reshape(1, -1)."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one sample and one feature, got {arr.shape}.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; every value must be finite.")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"{name} has {arr.shape[1]} features, but the estimator was fitted with "
            f"{n_features} features."
        )
    return np.ascontiguousarray(arr)


def check_1d(y: Any, n_samples: int, name: str) -> np.ndarray:
    """Return ``y`` as an array of shape (n_samples,), or raise a ValueError saying why not."""
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a 1-D array (n_samples,); could not convert it: {exc}"
        ) from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {arr.shape}; use y.ravel().")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {arr.shape}.")
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} have inconsistent numbers of samples: {n_samples} and {arr.shape[0]}."
        )
    return arr


def check_classification_target(y: Any, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(classes, encoded)`` for class labels ``y``; at least two classes are required."""
    arr = check_1d(y, n_samples, "y")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError("y contains NaN or infinity; class labels must be finite.")
        if not np.array_equal(arr, np.round(arr)):
            raise ValueError(
                "y looks continuous (it has non-integer floats); a classifier needs discrete "
                "class labels (ints, strings or bools). Use a regressor for continuous targets."
            )
    elif arr.dtype.kind not in "biuUS":
        raise ValueError(
            f"y must hold class labels of one kind (ints, strings or bools), got dtype {arr.dtype}."
        )
    classes, encoded = np.unique(arr, return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}); a classifier needs at least two classes."
        )
    return classes, encoded.astype(np.intp)


def check_regression_target(y: Any, n_samples: int) -> np.ndarray:
    """Return ``y`` as a new finite float64 vector."""
    arr = check_1d(y, n_samples, "y")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"y must be numeric (real) for a regressor, got dtype {arr.dtype}.")
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError("y contains NaN or infinity; every target must be finite.")
    if out.size and np.abs(out).max() > _Y_LIMIT:
        raise ValueError(
            f"y has values of magnitude up to {np.abs(out).max():.3g}; targets must stay below "
            f"{_Y_LIMIT:.0e} in absolute value so that their squares are finite. Rescale y."
        )
    return out


_Y_LIMIT = 1e150


def check_sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    """Return non-negative finite float64 weights (ones when ``sample_weight`` is None).

    Only the ratios of the weights matter, so weights whose largest value is outside
    ``[2**-100, 2**100]`` are multiplied by a power of two (exactly) to bring it to [0.5, 1):
    otherwise sums of squared weights in the split search overflow, or underflow to zero.
    """
    if sample_weight is None:
        return np.ones(n_samples)
    arr = check_1d(sample_weight, n_samples, "sample_weight")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must be numeric, got dtype {arr.dtype}.")
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError("sample_weight contains NaN or infinity.")
    if (out < 0).any():
        raise ValueError("sample_weight must be non-negative.")
    largest = out.max()
    if largest <= 0:
        raise ValueError("sample_weight must have a positive sum.")
    if not 2.0**-100 <= largest <= 2.0**100:
        out = np.ldexp(out, -math.frexp(largest)[1])
    return out


_INT_LIMIT = 2**31 - 1


def check_int(value: Any, name: str, minimum: int, allow_none: bool = False) -> int | None:
    """Check an integer hyper-parameter ``minimum <= value <= 2**31 - 1`` (or None when allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = "an int or None" if allow_none else "an int"
        # ValueError, not TypeError: every bad hyper-parameter raises ValueError (issue 6).
        raise ValueError(f"{name} must be {kind} >= {minimum}, got {value!r}.")  # noqa: TRY004
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")
    if value > _INT_LIMIT:
        raise ValueError(f"{name} must be <= {_INT_LIMIT}, got {value!r}.")
    return int(value)


def check_float(
    value: Any, name: str, low: float, high: float, low_open: bool = True, high_open: bool = False
) -> float:
    """Check a real hyper-parameter inside an interval."""
    # math.isfinite, not np.isfinite: a Python int beyond 64 bits is a real number too.
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not _finite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}.")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low}, {high}{right}, got {value!r}.")
    return float(value)


def _finite(value: numbers.Real) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Check a string hyper-parameter against its allowed values."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}.")
    return value


def accuracy(y: Any, predicted: np.ndarray) -> float:
    """Fraction of ``predicted`` labels equal to the labels ``y`` (the ``score`` of classifiers)."""
    arr = check_1d(y, predicted.shape[0], "y")
    if arr.dtype.kind not in "biufUSO":
        raise ValueError(f"y must hold class labels, got dtype {arr.dtype}.")
    return float(np.mean(predicted == arr))


def r2(y: Any, predicted: np.ndarray) -> float:
    """Coefficient of determination R² of ``predicted`` for targets ``y`` (``score`` of regressors).

    As in scikit-learn's ``r2_score``, a constant ``y`` gives 1.0 for a perfect prediction and 0.0
    otherwise, instead of a division by zero.
    """
    y = check_regression_target(y, predicted.shape[0])
    residual = ((y - predicted) ** 2).sum()
    total = ((y - y.mean()) ** 2).sum()
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return float(1.0 - residual / total)


def resolve_max_features(max_features: Any, n_features: int) -> int:
    """Number of features to draw at each split, following scikit-learn's conventions."""
    if max_features is None:
        return n_features
    if isinstance(max_features, str):
        if max_features == "sqrt":
            return max(1, int(np.sqrt(n_features)))
        if max_features == "log2":
            return max(1, int(np.log2(n_features)))
        raise ValueError(
            f"max_features must be 'sqrt', 'log2', an int, a float in (0, 1] or None, "
            f"got {max_features!r}."
        )
    if isinstance(max_features, bool):
        raise ValueError(f"max_features must not be a bool, got {max_features!r}.")  # noqa: TRY004
    if isinstance(max_features, numbers.Integral):
        if not 1 <= max_features <= n_features:
            raise ValueError(
                f"max_features={max_features} must be between 1 and n_features={n_features}."
            )
        return int(max_features)
    if isinstance(max_features, numbers.Real):
        if not 0.0 < max_features <= 1.0:
            raise ValueError(f"a float max_features must be in (0, 1], got {max_features!r}.")
        return max(1, int(max_features * n_features))
    raise ValueError(
        f"max_features must be 'sqrt', 'log2', an int, a float in (0, 1] or None, "
        f"got {max_features!r}."
    )


def check_random_state(seed: Any) -> np.random.Generator:
    """Return a numpy Generator from None, an int or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"random_state must be None, a non-negative int or a numpy Generator, got {seed!r}."
        )
    return np.random.default_rng(int(seed))
