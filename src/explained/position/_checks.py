"""Input validation shared by the position-encoding modules."""

from __future__ import annotations

import numbers

import numpy as np

#: Largest size or count accepted: beyond it arrays could not be indexed, or allocated at all.
MAX_SIZE = 2**31 - 1


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an int after checking that it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if value > MAX_SIZE:
        raise ValueError(f"{name} must be at most {MAX_SIZE} (a 32-bit size), got {value}")
    return int(value)


def check_even_dim(dim: object, name: str = "dim") -> int:
    """Return ``dim`` after checking that it is a positive even integer."""
    dim = check_positive_int(dim, name)
    if dim % 2:
        raise ValueError(f"{name} must be even (rotations act on pairs of coordinates), got {dim}")
    return dim


def check_base(base: object) -> float:
    """Return ``base`` as a float after checking that it is a finite number > 1."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number, got {type(base).__name__}")
    base = float(base)
    if not np.isfinite(base) or base <= 1.0:
        raise ValueError(f"base must be a finite number greater than 1, got {base}")
    return base


def check_scale(scale: object, name: str = "scale") -> float:
    """Return a context-extension factor after checking that it is a finite number >= 1."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(scale).__name__}")
    scale = float(scale)
    if not np.isfinite(scale) or scale < 1.0:
        raise ValueError(f"{name} must be a finite number >= 1 (a context extension), got {scale}")
    return scale


def as_float_array(x: object, name: str) -> np.ndarray:
    """Return a floating-point array view of ``x`` (ints become float64), rejecting complex."""
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found nan or inf)")
    return arr
