"""Context extension for RoPE: position interpolation, NTK-aware base scaling and YaRN.

Each method keeps ``apply_rope`` unchanged and only changes the angle ``m * theta_i``: position
interpolation divides every position (equivalently every frequency) by the scale ``s``;
NTK-aware scaling enlarges the base so that high frequencies barely move while the lowest one is
divided by ``s``; YaRN interpolates each frequency by an amount that depends on how many full
turns it makes over the original context (Peng et al., 2023, arXiv:2309.00071).
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_float_array, check_base, check_even_dim, check_positive_int, check_scale
from .rope import rope_frequencies

__all__ = [
    "interpolate_positions",
    "ntk_aware_base",
    "ntk_aware_frequencies",
    "position_interpolation_frequencies",
    "wavelengths",
    "yarn_attention_factor",
    "yarn_frequencies",
    "yarn_ramp",
]


def interpolate_positions(positions: object, scale: float) -> np.ndarray:
    """Position interpolation (Chen et al., 2023): map position ``m`` to ``m / scale``.

    A model trained on ``L`` positions reads a sequence of ``scale * L`` positions squeezed
    back into ``[0, L)``.

    Examples
    --------
    >>> interpolate_positions([0, 1, 2, 4096], 2.0).tolist()
    [0.0, 0.5, 1.0, 2048.0]
    """
    scale = check_scale(scale)
    return as_float_array(positions, "positions").astype(np.float64) / scale


def position_interpolation_frequencies(
    dim: int, base: float = 10000.0, scale: float = 1.0
) -> np.ndarray:
    """Frequencies equivalent to position interpolation: every ``theta_i`` divided by ``scale``.

    Examples
    --------
    >>> np.round(position_interpolation_frequencies(4, scale=4.0), 4).tolist()
    [0.25, 0.0025]
    >>> bool(np.allclose(position_interpolation_frequencies(8), rope_frequencies(8)))  # scale=1
    True
    """
    scale = check_scale(scale)
    return rope_frequencies(dim, base) / scale


def ntk_aware_base(base: float, dim: int, scale: float) -> float:
    """NTK-aware scaled base ``base * scale ** (dim / (dim - 2))``.

    With this base the lowest frequency ``theta_{d/2-1}`` is exactly divided by ``scale`` (like
    position interpolation) while ``theta_0 = 1`` is unchanged (like no interpolation).

    Examples
    --------
    >>> round(ntk_aware_base(10000.0, 128, 4.0))
    40890
    >>> ntk_aware_base(10000.0, 2, 4.0)
    Traceback (most recent call last):
    ...
    ValueError: dim must be at least 4 for NTK-aware scaling, got 2
    >>> ntk_aware_base(10000.0, 4, 1e300)
    Traceback (most recent call last):
    ...
    ValueError: base * scale ** (dim / (dim - 2)) overflows for base=10000.0, scale=1e+300
    >>> ntk_aware_base(10000.0, 128, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: scale must be a finite number >= 1 (a context extension), got 0.5
    >>> ntk_aware_base(10000.0, 128, "4")
    Traceback (most recent call last):
    ...
    TypeError: scale must be a real number, got str
    """
    base = check_base(base)
    dim = check_even_dim(dim)
    scale = check_scale(scale)
    if dim < 4:
        raise ValueError(f"dim must be at least 4 for NTK-aware scaling, got {dim}")
    try:
        scaled = base * scale ** (dim / (dim - 2))
    except OverflowError:
        scaled = math.inf
    if not math.isfinite(scaled):
        raise ValueError(
            f"base * scale ** (dim / (dim - 2)) overflows for base={base}, scale={scale}"
        )
    return scaled


def ntk_aware_frequencies(dim: int, base: float = 10000.0, scale: float = 1.0) -> np.ndarray:
    """RoPE frequencies with the NTK-aware scaled base.

    Examples
    --------
    >>> f0, f1 = rope_frequencies(128), ntk_aware_frequencies(128, scale=4.0)
    >>> round(float(f1[0] / f0[0]), 4), round(float(f1[-1] / f0[-1]), 4)
    (1.0, 0.25)
    >>> bool(np.allclose(ntk_aware_frequencies(128), f0))  # the defaults: plain RoPE
    True
    """
    return rope_frequencies(dim, ntk_aware_base(base, dim, scale))


def wavelengths(inv_freq: object) -> np.ndarray:
    """Wavelength ``2 * pi / theta`` of each frequency: positions per full turn.

    Examples
    --------
    >>> np.round(wavelengths([1.0, 0.5]), 3).tolist()
    [6.283, 12.566]
    >>> wavelengths([1.0, 0.0])
    Traceback (most recent call last):
    ...
    ValueError: inv_freq must be positive
    """
    freq = as_float_array(inv_freq, "inv_freq")
    if np.any(freq <= 0):
        raise ValueError("inv_freq must be positive")
    return 2 * np.pi / freq


def yarn_ramp(ratio: object, alpha: float = 1.0, beta: float = 32.0) -> np.ndarray:
    """YaRN's ramp ``gamma(r)``: 0 below ``alpha``, 1 above ``beta``, linear in between.

    ``r = L / lambda_i`` is the number of full turns pair ``i`` makes over the original context
    length ``L``.

    Examples
    --------
    >>> yarn_ramp([0.5, 1.0, 16.5, 32.0, 100.0]).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]
    >>> yarn_ramp([0.0, 0.5, 1.0], alpha=0.0, beta=1.0).tolist()
    [0.0, 0.5, 1.0]
    >>> yarn_ramp([1.0], alpha=1.0, beta=1.0)  # an empty ramp would divide by zero
    Traceback (most recent call last):
    ...
    ValueError: need 0 <= alpha < beta, got alpha=1.0, beta=1.0
    >>> yarn_ramp([1.0], alpha=32.0, beta=1.0)
    Traceback (most recent call last):
    ...
    ValueError: need 0 <= alpha < beta, got alpha=32.0, beta=1.0
    """
    if not (0 <= alpha < beta):
        raise ValueError(f"need 0 <= alpha < beta, got alpha={alpha}, beta={beta}")
    r = as_float_array(ratio, "ratio")
    return np.clip((r - alpha) / (beta - alpha), 0.0, 1.0)


def yarn_frequencies(
    dim: int,
    base: float = 10000.0,
    scale: float = 1.0,
    original_length: int = 2048,
    *,
    alpha: float = 1.0,
    beta: float = 32.0,
) -> np.ndarray:
    """YaRN ("NTK-by-parts") frequencies ``(1 - gamma) * theta / scale + gamma * theta``.

    Pairs that turn more than ``beta`` times over ``original_length`` keep their frequency;
    pairs that turn less than ``alpha`` times are interpolated like position interpolation;
    the pairs in between are blended linearly in ``r``. This follows the formulas of the YaRN
    paper; reference code rounds the ramp ends to whole dimensions, so its values can differ
    slightly in the blended pairs.

    Examples
    --------
    >>> f = yarn_frequencies(128, scale=4.0)  # original_length=2048, alpha=1, beta=32
    >>> f0 = rope_frequencies(128)
    >>> ratio = f / f0
    >>> round(float(ratio[0]), 4), round(float(ratio[-1]), 4)
    (1.0, 0.25)
    >>> np.round(ratio[17:21], 4).tolist()  # the first blended pairs
    [0.9087, 0.8172, 0.7379, 0.6693]
    >>> bool(np.allclose(yarn_frequencies(128), f0))  # scale=1 changes nothing
    True
    """
    scale = check_scale(scale)
    original_length = check_positive_int(original_length, "original_length")
    theta = rope_frequencies(dim, base)
    gamma = yarn_ramp(original_length / wavelengths(theta), alpha, beta)
    return (1.0 - gamma) * theta / scale + gamma * theta


def yarn_attention_factor(scale: float) -> float:
    """YaRN's logit scale ``sqrt(1/t) = 0.1 * ln(scale) + 1``, applied to queries and keys.

    Examples
    --------
    >>> round(yarn_attention_factor(1.0), 4), round(yarn_attention_factor(16.0), 4)
    (1.0, 1.2773)
    """
    scale = check_scale(scale)
    return 0.1 * math.log(scale) + 1.0
