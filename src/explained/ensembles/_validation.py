"""Input validation shared by the estimators of :mod:`explained.ensembles`.

Data (``X``, ``y``, ``sample_weight``) goes through scikit-learn's own validation
(:func:`sklearn.utils.validation.validate_data` and friends), so shapes, NaNs, sparse or complex
input, pandas frames and feature names are handled, and worded, exactly as in scikit-learn. What
remains here is what scikit-learn does not provide publicly: the checks of our hyper-parameters
(each bad value raises a :class:`ValueError` naming the parameter), ``max_features`` resolution and
the random-number generator.
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__: list[str] = []


def check_classifier_data(
    estimator: Any, X: Any, y: Any, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a classifier's training data; return ``(X, classes, encoded, weight)``.

    ``X`` becomes a C-contiguous float64 array (and ``n_features_in_``, ``feature_names_in_`` are
    set on ``estimator``); a column-vector ``y`` is ravelled with a ``DataConversionWarning``;
    ``classes`` are the sorted labels and ``encoded`` their indices ``0 .. K-1``.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # the finiteness check sums X
        X, y = validate_data(estimator, X, y, dtype=np.float64, order="C")
    try:
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
    except TypeError:  # e.g. an object array mixing str and int
        raise ValueError(
            "y mixes class labels that cannot be sorted (e.g. strings and numbers); use one kind."
        ) from None
    if classes.shape[0] < 2:
        raise ValueError(
            f"y has 1 class ({classes.tolist()[0]!r}); a classifier needs at least two classes."
        )
    return X, classes, encoded.astype(np.intp), check_sample_weight(sample_weight, X)


def check_regressor_data(
    estimator: Any, X: Any, y: Any, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a regressor's training data; return ``(X, y, weight)``, all float64."""
    with np.errstate(over="ignore", invalid="ignore"):  # the finiteness check sums X
        X, y = validate_data(estimator, X, y, dtype=np.float64, order="C", y_numeric=True)
    if y.dtype.kind not in "biuf":  # scikit-learn lets strings such as "1.5" through
        raise ValueError(f"y must be numeric (real) for a regressor, got dtype {y.dtype}.")
    y = y.astype(np.float64, copy=False)
    if y.size and np.abs(y).max() > _Y_LIMIT:
        raise ValueError(
            f"y has values of magnitude up to {np.abs(y).max():.3g}; targets must stay below "
            f"{_Y_LIMIT:.0e} in absolute value so that their squares are finite. Rescale y."
        )
    return X, y, check_sample_weight(sample_weight, X)


_Y_LIMIT = 1e150


# scikit-learn >= 1.9 rejects all-zero weights itself; let ours say it, in every version.
_ZERO_WEIGHTS = (
    {"allow_all_zero_weights": True}
    if "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters
    else {}
)


def check_sample_weight(sample_weight: Any, X: np.ndarray) -> np.ndarray:
    """Return non-negative finite float64 weights (ones when ``sample_weight`` is None).

    Only the ratios of the weights matter, so weights whose largest value is outside
    ``[2**-100, 2**100]`` are multiplied by a power of two (exactly) to bring it to [0.5, 1):
    otherwise sums of squared weights in the split search overflow, or underflow to zero.
    """
    try:
        complex_input = np.iscomplexobj(sample_weight)
    except (TypeError, ValueError):  # not array-like: scikit-learn's check words the error
        complex_input = False
    if complex_input:  # scikit-learn would drop the imaginary part with a ComplexWarning
        raise ValueError("sample_weight must be real; got complex numbers.")
    with np.errstate(over="ignore", invalid="ignore"):
        out = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True, **_ZERO_WEIGHTS
        )
    if not np.isfinite(out).all():  # a scalar NaN or inf is not checked by scikit-learn
        raise ValueError("sample_weight contains NaN or infinity.")
    largest = out.max()
    if largest <= 0:
        raise ValueError("sample_weight is all zero; the weights must have a positive sum.")
    if not 2.0**-100 <= largest <= 2.0**100:
        out = np.ldexp(out, -math.frexp(largest)[1])
    return out


def check_predict_data(estimator: Any, X: Any) -> np.ndarray:
    """Validate ``X`` at predict time against what ``fit`` saw (feature count and names)."""
    with np.errstate(over="ignore", invalid="ignore"):  # the finiteness check sums X
        return validate_data(estimator, X, dtype=np.float64, order="C", reset=False)


_INT_LIMIT = 2**31 - 1


def check_int(value: Any, name: str, minimum: int, allow_none: bool = False) -> int | None:
    """Check an integer hyper-parameter ``minimum <= value <= 2**31 - 1`` (or None when allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
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


def check_bool(value: Any, name: str) -> bool:
    """Check a True/False hyper-parameter (numpy bools too; not 0/1 or strings)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}.")  # noqa: TRY004
    return bool(value)


def check_verbose(value: Any) -> int:
    """``verbose`` as in scikit-learn: False/True or a non-negative int (more output when larger)."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return check_int(value, "verbose", 0)  # type: ignore[return-value]


def check_n_jobs(value: Any) -> int | None:
    """``n_jobs`` as in scikit-learn: None (one job), a positive count, or -1, -2, ... (all CPUs,
    all but one, ...)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value == 0:
        raise ValueError(f"n_jobs must be None or a non-zero int, got {value!r}.")
    return int(value)


def check_class_weight(value: Any, choices: tuple[str, ...]) -> None:
    """``class_weight`` must be None, one of ``choices`` (e.g. "balanced") or a dict."""
    if value is None or isinstance(value, dict):
        return
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"class_weight must be None, a dict or one of {list(choices)}, got {value!r}."
        )


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
    if isinstance(max_features, (bool, np.bool_)):
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
    """Return a numpy Generator from None, an int, a Generator or a legacy ``RandomState``.

    A ``RandomState`` (what scikit-learn passes around) seeds a new Generator with one draw.
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.RandomState):
        return np.random.default_rng(int(seed.randint(_INT_LIMIT)))
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"random_state must be None, a non-negative int or a numpy Generator, got {seed!r}."
        )
    return np.random.default_rng(int(seed))
