"""Small synthetic data sets used by the articles and figures (numpy only).

All three are standard in the literature, so a reader can compare with published curves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_float, check_int, check_random_state

__all__ = ["make_circle", "make_friedman1", "make_hastie_10_2"]

# Median of the chi-squared distribution with 10 degrees of freedom, to two decimals as in ESL (10.2).
_CHI2_10_MEDIAN = 9.34


def make_hastie_10_2(
    n_samples: int = 12000, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Ten standard normal features; ``y = +1`` when the sum of squares exceeds 9.34, else ``-1``.

    This is the simulated problem of Hastie, Tibshirani & Friedman, *The Elements of Statistical
    Learning* (2nd ed., 2009), eq. (10.2), where 9.34 is the median of χ²₁₀, so the classes are
    about balanced.

    Examples
    --------
    >>> X, y = make_hastie_10_2(2000, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((2000, 10), [-1, 1])
    >>> bool(abs((y == 1).mean() - 0.5) < 0.05)
    True
    >>> make_hastie_10_2()[0].shape, make_hastie_10_2(1)[0].shape  # ESL's 2000 + 10000 by default
    ((12000, 10), (1, 10))
    """
    n = check_int(n_samples, "n_samples", 1)
    rng = check_random_state(random_state)
    X = rng.standard_normal((n, 10))
    y = np.where((X**2).sum(axis=1) > _CHI2_10_MEDIAN, 1, -1)
    return X, y


def make_circle(
    n_samples: int = 400, noise: float = 0.0, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two standard normal features; class 1 outside the circle of median radius ``sqrt(2 ln 2)``.

    ``noise`` is the probability of flipping each label.

    Examples
    --------
    >>> X, y = make_circle(1000, random_state=0)
    >>> X.shape, bool(abs(y.mean() - 0.5) < 0.05)
    ((1000, 2), True)

    By default (400 samples) no label is flipped; ``noise=1.0`` flips every label:

    >>> X, y = make_circle(random_state=0)
    >>> outside = ((X**2).sum(axis=1) > 2 * np.log(2)).astype(int)
    >>> X.shape, bool((y == outside).all())
    ((400, 2), True)
    >>> bool((make_circle(random_state=0, noise=1.0)[1] == 1 - outside).all())
    True
    >>> make_circle(1, random_state=0)[0].shape
    (1, 2)
    >>> make_circle(noise=1.5)
    Traceback (most recent call last):
      ...
    ValueError: noise must be in [0.0, 1.0], got 1.5.
    """
    n = check_int(n_samples, "n_samples", 1)
    p = check_float(noise, "noise", 0.0, 1.0, low_open=False)
    rng = check_random_state(random_state)
    X = rng.standard_normal((n, 2))
    y = ((X**2).sum(axis=1) > 2 * np.log(2)).astype(int)
    flip = rng.random(n) < p
    return X, np.where(flip, 1 - y, y)


def make_friedman1(
    n_samples: int = 200, n_features: int = 10, noise: float = 1.0, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Friedman's (1991) regression problem: uniform features on [0, 1], of which only five matter.

    ``y = 10 sin(π x0 x1) + 20 (x2 - 0.5)² + 10 x3 + 5 x4 + noise * N(0, 1)``.

    Examples
    --------
    >>> X, y = make_friedman1(100, random_state=0)
    >>> X.shape, bool(X.min() >= 0 and X.max() <= 1)
    ((100, 10), True)

    Without noise ``y`` is exactly the formula; the default noise has standard deviation 1:

    >>> X, y = make_friedman1(2000, noise=0.0, random_state=0)
    >>> f = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4]
    >>> bool(np.allclose(y, f))
    True
    >>> _, y_noisy = make_friedman1(2000, random_state=0)
    >>> round(float(np.std(y_noisy - f)), 1)
    1.0
    >>> make_friedman1()[0].shape, make_friedman1(1, n_features=5)[0].shape
    ((200, 10), (1, 5))
    >>> make_friedman1(n_features=4)
    Traceback (most recent call last):
      ...
    ValueError: n_features must be >= 5, got 4.
    """
    n = check_int(n_samples, "n_samples", 1)
    d = check_int(n_features, "n_features", 5)
    sd = check_float(noise, "noise", 0.0, np.inf, low_open=False, high_open=True)
    rng = check_random_state(random_state)
    X = rng.random((n, d))
    y = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
        + sd * rng.standard_normal(n)
    )
    return X, y
