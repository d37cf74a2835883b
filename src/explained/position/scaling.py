"""Context extension for RoPE: position interpolation, NTK-aware (static and dynamic), YaRN and
the ``llama3`` rope type.

Each method keeps ``apply_rope`` unchanged and only changes the angle ``m * theta_i``: position
interpolation divides every position (equivalently every frequency) by the scale ``s``;
NTK-aware scaling enlarges the base so that high frequencies barely move while the lowest one is
divided by ``s`` (dynamic NTK recomputes that base for the current length); YaRN and ``llama3``
interpolate each frequency by an amount that depends on how many full turns it makes over the
original context (Peng et al., 2023, arXiv:2309.00071), YaRN with a ramp linear in the pair
index, ``llama3`` with one linear in the number of turns. tests/position/test_transformers_parity.py
compares each with the rope initialisation functions of Hugging Face transformers.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import as_float_array, check_base, check_even_dim, check_positive_int, check_scale
from .rope import rope_frequencies

__all__ = [
    "dynamic_ntk_frequencies",
    "interpolate_positions",
    "llama3_frequencies",
    "ntk_aware_base",
    "ntk_aware_frequencies",
    "position_interpolation_frequencies",
    "wavelengths",
    "yarn_attention_factor",
    "yarn_correction_range",
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
    """The ramp ``gamma(r)`` as the YaRN paper writes it: 0 below ``alpha``, 1 above ``beta``,
    linear in ``r`` in between.

    ``r = L / lambda_i`` is the number of full turns pair ``i`` makes over the original context
    length ``L``. A ramp linear in ``r`` is what the ``llama3`` rope type uses
    (:func:`llama3_frequencies`); YaRN's reference code ramps linearly in the pair index instead
    (:func:`yarn_frequencies`).

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
    alpha, beta = _real(alpha, "alpha"), _real(beta, "beta")
    if not (0 <= alpha < beta):
        raise ValueError(f"need 0 <= alpha < beta, got alpha={alpha}, beta={beta}")
    r = as_float_array(ratio, "ratio")
    return np.clip((r - alpha) / (beta - alpha), 0.0, 1.0)


def _real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def llama3_frequencies(
    dim: int,
    base: float = 10000.0,
    scale: float = 1.0,
    original_length: int = 8192,
    *,
    low_freq_factor: float = 1.0,
    high_freq_factor: float = 4.0,
) -> np.ndarray:
    """Frequencies of the ``llama3`` rope type: ``(1 - g) * theta / scale + g * theta`` with a
    ramp ``g`` linear in the number of turns ``r = L / lambda_i``.

    Pairs with ``r > high_freq_factor`` keep their frequency, pairs with ``r < low_freq_factor``
    are divided by ``scale`` (position interpolation), the pairs in between are blended with
    ``g = (r - low) / (high - low)`` (:func:`yarn_ramp`). This is the ramp the YaRN paper writes
    down; Meta's LLaMA 3.1 uses it with ``scale=8``, ``low_freq_factor=1``,
    ``high_freq_factor=4`` and ``original_length=8192`` (the defaults here but ``scale``).

    Examples
    --------
    >>> f0 = rope_frequencies(128)
    >>> f = llama3_frequencies(128, scale=8.0, original_length=2048, high_freq_factor=32.0)
    >>> ratio = f / f0
    >>> round(float(ratio[0]), 4), round(float(ratio[-1]), 4)
    (1.0, 0.125)
    >>> np.round(ratio[17:20], 4).tolist()  # the first blended pairs
    [0.8935, 0.7867, 0.6942]
    >>> bool(np.allclose(llama3_frequencies(128), f0))  # scale=1 changes nothing
    True
    """
    scale = check_scale(scale)
    original_length = check_positive_int(original_length, "original_length")
    theta = rope_frequencies(dim, base)
    gamma = yarn_ramp(original_length / wavelengths(theta), low_freq_factor, high_freq_factor)
    return (1.0 - gamma) * theta / scale + gamma * theta


def yarn_correction_range(
    dim: int,
    base: float = 10000.0,
    original_length: int = 2048,
    *,
    beta_fast: float = 32.0,
    beta_slow: float = 1.0,
    truncate: bool = True,
) -> tuple[float, float]:
    """The pair indices where YaRN's reference ramp starts and ends.

    Pair ``i`` turns ``r`` times over ``original_length`` at the (fractional) index
    ``d * ln(L / (2 pi r)) / (2 ln base)``; the ramp runs from the index of ``beta_fast`` turns
    to that of ``beta_slow`` turns, rounded outwards to whole indices when ``truncate`` (as the
    reference code and transformers do) and clipped to ``[0, d - 1]``.

    Examples
    --------
    >>> yarn_correction_range(128, original_length=2048)
    (16, 41)
    >>> low, high = yarn_correction_range(128, original_length=2048, truncate=False)
    >>> round(low, 2), round(high, 2)
    (16.13, 40.21)
    >>> yarn_correction_range(128, beta_fast=1.0, beta_slow=32.0)
    Traceback (most recent call last):
    ...
    ValueError: need 0 < beta_slow < beta_fast, got beta_slow=32.0, beta_fast=1.0
    >>> yarn_correction_range(128, beta_fast="32")
    Traceback (most recent call last):
    ...
    TypeError: beta_fast must be a real number, got str
    >>> yarn_correction_range(128, beta_fast=float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: beta_fast must be finite, got inf
    >>> yarn_correction_range(128, truncate="yes")
    Traceback (most recent call last):
    ...
    TypeError: truncate must be a bool, got str
    """
    dim = check_even_dim(dim)
    base = check_base(base)
    length = check_positive_int(original_length, "original_length")
    fast, slow = _real(beta_fast, "beta_fast"), _real(beta_slow, "beta_slow")
    if not (0 < slow < fast):
        raise ValueError(f"need 0 < beta_slow < beta_fast, got beta_slow={slow}, beta_fast={fast}")
    if not isinstance(truncate, bool):
        raise TypeError(f"truncate must be a bool, got {type(truncate).__name__}")

    def index(turns: float) -> float:
        return dim * math.log(length / (turns * 2 * math.pi)) / (2 * math.log(base))

    low, high = index(fast), index(slow)
    if truncate:
        return max(math.floor(low), 0), min(math.ceil(high), dim - 1)
    return max(low, 0.0), min(high, float(dim - 1))


def yarn_frequencies(
    dim: int,
    base: float = 10000.0,
    scale: float = 1.0,
    original_length: int = 2048,
    *,
    beta_fast: float = 32.0,
    beta_slow: float = 1.0,
    truncate: bool = True,
) -> np.ndarray:
    """YaRN ("NTK-by-parts") frequencies as its reference code computes them.

    The ramp is linear in the pair index ``i`` between the indices of :func:`yarn_correction_range`:
    pairs below ``low`` (more than ``beta_fast`` turns over ``original_length``) keep their
    frequency, pairs above ``high`` (fewer than ``beta_slow`` turns) are divided by ``scale``.
    Because the number of turns falls exponentially with ``i``, this is not the ramp linear in
    turns of the paper's formula (:func:`llama3_frequencies` is that one).

    Examples
    --------
    >>> f0 = rope_frequencies(128)
    >>> ratio = yarn_frequencies(128, scale=8.0, original_length=2048) / f0
    >>> round(float(ratio[0]), 4), round(float(ratio[-1]), 4)
    (1.0, 0.125)
    >>> np.round(ratio[16:20], 4).tolist()  # the ramp starts at index 16
    [1.0, 0.965, 0.93, 0.895]
    >>> bool(np.allclose(yarn_frequencies(128), f0))  # scale=1 changes nothing
    True

    When both ends are clipped to the same index, the ramp is widened by 0.001 (as in the
    reference code) and becomes a step:

    >>> yarn_correction_range(8, 100.0, 64, beta_fast=20.0, beta_slow=11.0)
    (0, 0)
    >>> step = yarn_frequencies(8, 100.0, 4.0, 64, beta_fast=20.0, beta_slow=11.0)
    >>> (step / rope_frequencies(8, 100.0)).tolist()
    [1.0, 0.25, 0.25, 0.25]
    """
    scale = check_scale(scale)
    theta = rope_frequencies(dim, base)
    low, high = yarn_correction_range(
        dim, base, original_length, beta_fast=beta_fast, beta_slow=beta_slow, truncate=truncate
    )
    if low == high:
        high += 0.001  # as the reference code does
    ramp = np.clip((np.arange(dim // 2) - low) / (high - low), 0.0, 1.0)
    return theta / scale * ramp + theta * (1.0 - ramp)


def dynamic_ntk_frequencies(
    dim: int,
    base: float = 10000.0,
    scale: float = 1.0,
    original_length: int = 2048,
    seq_len: int | None = None,
) -> np.ndarray:
    """Dynamic NTK scaling: the NTK-aware base recomputed for the current length ``seq_len``.

    Up to ``original_length`` nothing changes; beyond it the base becomes
    ``base * (scale * seq_len / L - (scale - 1)) ** (d / (d - 2))`` (the ``dynamic`` rope type of
    transformers). With ``scale=1`` that is the NTK-aware base for the factor ``seq_len / L``.

    Examples
    --------
    >>> f0 = rope_frequencies(128)
    >>> bool(np.allclose(dynamic_ntk_frequencies(128, scale=4.0, seq_len=2048), f0))
    True
    >>> f = dynamic_ntk_frequencies(128, scale=1.0, original_length=2048, seq_len=8192)
    >>> bool(np.allclose(f, ntk_aware_frequencies(128, scale=4.0)))
    True
    >>> dynamic_ntk_frequencies(2, scale=2.0)
    Traceback (most recent call last):
    ...
    ValueError: dim must be at least 4 for NTK-aware scaling, got 2
    """
    scale = check_scale(scale)
    length = check_positive_int(original_length, "original_length")
    current = length if seq_len is None else check_positive_int(seq_len, "seq_len")
    current = max(current, length)
    dim = check_even_dim(dim)
    if dim < 4:
        raise ValueError(f"dim must be at least 4 for NTK-aware scaling, got {dim}")
    factor = scale * current / length - (scale - 1.0)
    return rope_frequencies(dim, ntk_aware_base(base, dim, factor))


def yarn_attention_factor(scale: float) -> float:
    """YaRN's ``sqrt(1/t) = 0.1 * ln(scale) + 1``, the factor applied to queries and to keys.

    Implementations multiply the cos and sin tables by it, so each rotated query and key is
    scaled by it and every logit by its square, ``1/t``.

    Examples
    --------
    >>> round(yarn_attention_factor(1.0), 4), round(yarn_attention_factor(16.0), 4)
    (1.0, 1.2773)
    >>> round(yarn_attention_factor(8.0) ** 2, 3)  # what the logits are multiplied by
    1.459
    """
    scale = check_scale(scale)
    return 0.1 * math.log(scale) + 1.0
