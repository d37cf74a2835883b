"""Rotary position embedding (RoPE), as in RoFormer (Su et al., 2021, arXiv:2104.09864).

Two memory layouts are in use and both are implemented:

* ``"interleaved"`` -- coordinates ``(x[2i], x[2i+1])`` form the i-th pair, read as the complex
  number ``x[2i] + 1j * x[2i+1]`` and multiplied by ``exp(1j * m * theta_i)``. This is the form of
  the RoFormer paper and of Meta's LLaMA code (``torch.view_as_complex`` on pairs).
* ``"half"`` -- coordinates ``(x[i], x[i + dim/2])`` form the i-th pair. This is GPT-NeoX's layout
  and Hugging Face's ``x * cos + rotate_half(x) * sin``.

Both rotate pair ``i`` by the angle ``m * theta_i`` with ``theta_i = base ** (-2 i / dim)``; they
differ only in which coordinates are paired, so a fixed permutation of the features maps one onto
the other (:func:`interleaved_to_half_permutation`).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_base, check_even_dim

__all__ = [
    "LAYOUTS",
    "apply_rope",
    "bfloat16_round",
    "interleaved_to_half_permutation",
    "relative_decay_bound",
    "rope_frequencies",
    "rope_rotation_matrix",
    "rope_score",
    "rotate_half",
]

LAYOUTS = ("interleaved", "half")


def rope_frequencies(dim: int, base: float = 10000.0) -> np.ndarray:
    """Rotation frequencies ``theta_i = base ** (-2 i / dim)`` for ``i = 0 .. dim/2 - 1``.

    Parameters
    ----------
    dim : int
        Even feature dimension of one attention head.
    base : float, default 10000.0
        The base of the geometric sequence of wavelengths (RoFormer uses 10000).

    Returns
    -------
    numpy.ndarray
        Shape ``(dim // 2,)``, float64, decreasing from 1 towards ``1 / base``.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(rope_frequencies(8), 4).tolist()
    [1.0, 0.1, 0.01, 0.001]

    Arguments that are not a positive even integer and a finite base above 1 are refused:

    >>> rope_frequencies(7)
    Traceback (most recent call last):
    ...
    ValueError: dim must be even (rotations act on pairs of coordinates), got 7
    >>> rope_frequencies(8.0)
    Traceback (most recent call last):
    ...
    TypeError: dim must be an integer, got float
    >>> rope_frequencies(0)
    Traceback (most recent call last):
    ...
    ValueError: dim must be positive, got 0
    >>> rope_frequencies(2**40)
    Traceback (most recent call last):
    ...
    ValueError: dim must be at most 2147483647 (a 32-bit size), got 1099511627776
    >>> rope_frequencies(8, base="1e4")
    Traceback (most recent call last):
    ...
    TypeError: base must be a real number, got str
    >>> np.round(rope_frequencies(4, base=2.0), 4).tolist()  # any base above 1 works
    [1.0, 0.7071]
    >>> rope_frequencies(8, base=1.0)
    Traceback (most recent call last):
    ...
    ValueError: base must be a finite number greater than 1, got 1.0
    """
    dim = check_even_dim(dim)
    base = check_base(base)
    return base ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)


def _check_inv_freq(inv_freq: object, dim: int) -> np.ndarray:
    freq = as_float_array(inv_freq, "inv_freq")
    if freq.shape != (dim // 2,):
        raise ValueError(
            f"inv_freq must have shape ({dim // 2},) (one frequency per pair of a dim={dim} "
            f"head), got shape {freq.shape}"
        )
    return freq


def _check_positions(positions: object, lead_shape: tuple[int, ...]) -> np.ndarray:
    seq = lead_shape[-1]
    if positions is None:
        return np.arange(seq, dtype=np.float64)
    pos = as_float_array(positions, "positions").astype(np.float64, copy=False)
    if pos.ndim == 0 or pos.shape[-1] != seq:
        raise ValueError(
            f"positions must have one entry per sequence element (last axis {seq}), "
            f"got shape {pos.shape}"
        )
    try:
        shape = np.broadcast_shapes(pos.shape, lead_shape)
    except ValueError:
        shape = None
    if shape != lead_shape:
        raise ValueError(
            f"positions of shape {pos.shape} do not broadcast to the leading shape "
            f"{lead_shape} of x"
        )
    return pos


def rotate_half(x: np.ndarray) -> np.ndarray:
    """Hugging Face's ``rotate_half``: ``concat(-x[..., d/2:], x[..., :d/2])``.

    Examples
    --------
    >>> rotate_half(np.array([1.0, 2.0, 3.0, 4.0])).tolist()
    [-3.0, -4.0, 1.0, 2.0]
    >>> rotate_half(np.float64(1.0))  # a scalar has no last dimension to halve
    Traceback (most recent call last):
    ...
    ValueError: last dimension of x must be positive, got 0
    """
    x = np.asarray(x)
    dim = check_even_dim(x.shape[-1] if x.ndim else 0, "last dimension of x")
    half = dim // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def apply_rope(
    x: object,
    positions: object = None,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    inv_freq: object = None,
) -> np.ndarray:
    """Rotate queries or keys by their positions (rotary position embedding).

    Pair ``i`` of every vector at position ``m`` is rotated by the angle ``m * theta_i``.

    Parameters
    ----------
    x : array_like, shape (..., seq, dim)
        Floating-point queries or keys; ``dim`` must be even.
    positions : array_like, optional
        Position of each sequence element, shape ``(seq,)`` or any shape whose last axis is
        ``seq`` and that broadcasts to ``x.shape[:-1]``. Non-integer positions are allowed
        (position interpolation uses them). Default ``0 .. seq - 1``.
    base : float, default 10000.0
        Frequency base, ``theta_i = base ** (-2 i / dim)``. Ignored when ``inv_freq`` is given.
    layout : {"interleaved", "half"}
        ``"interleaved"`` pairs ``(x[2i], x[2i+1])`` (RoFormer, LLaMA); ``"half"`` pairs
        ``(x[i], x[i + dim/2])`` (GPT-NeoX, Hugging Face ``rotate_half``).
    inv_freq : array_like, optional
        Explicit frequencies, shape ``(dim // 2,)``, e.g. from :func:`yarn_frequencies`.

    Returns
    -------
    numpy.ndarray
        A new array with the shape and dtype of ``x``.

    Raises
    ------
    ValueError
        If ``dim`` is odd, ``positions`` do not match the sequence, or ``layout`` is unknown.
    TypeError
        If ``x`` is not a floating-point array.

    Examples
    --------
    A single pair at position 1 with ``theta_0 = 1`` turns by one radian:

    >>> import numpy as np
    >>> out = apply_rope(np.array([[1.0, 0.0], [1.0, 0.0]]))
    >>> np.round(out, 4).tolist()
    [[1.0, 0.0], [0.5403, 0.8415]]

    Rotations keep lengths:

    >>> x = np.random.default_rng(0).normal(size=(5, 8))
    >>> bool(np.allclose(np.linalg.norm(apply_rope(x), axis=-1), np.linalg.norm(x, axis=-1)))
    True

    Leading axes are batches, and positions may differ per batch row. The two layouts agree
    up to a permutation of the features:

    >>> batch = np.random.default_rng(1).normal(size=(2, 5, 8))
    >>> pos = np.array([np.arange(5), np.arange(10, 15)])
    >>> perm = interleaved_to_half_permutation(8)
    >>> half = apply_rope(batch[..., perm], pos, layout="half")
    >>> bool(np.allclose(half, apply_rope(batch, pos)[..., perm]))
    True

    Mistakes are caught before any arithmetic:

    >>> apply_rope(x, layout="neox")
    Traceback (most recent call last):
    ...
    ValueError: layout must be one of ('interleaved', 'half'), got 'neox'
    >>> apply_rope(np.ones((5, 8), dtype=int))
    Traceback (most recent call last):
    ...
    TypeError: x must be a floating-point array, got dtype int64
    >>> apply_rope(x[0])
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (..., seq, dim), got shape (8,)
    >>> apply_rope(x, positions=[0, 1, 2])
    Traceback (most recent call last):
    ...
    ValueError: positions must have one entry per sequence element (last axis 5), got shape (3,)
    >>> apply_rope(x, positions=np.zeros((2, 5)))
    Traceback (most recent call last):
    ...
    ValueError: positions of shape (2, 5) do not broadcast to the leading shape (5,) of x
    >>> apply_rope(x, positions=[0, 1, 2, 3, np.nan])
    Traceback (most recent call last):
    ...
    ValueError: positions must be finite (found nan or inf)
    >>> apply_rope(x, inv_freq=[1.0, 0.1])
    Traceback (most recent call last):
    ...
    ValueError: inv_freq must have shape (4,) (one frequency per pair of a dim=8 head), got shape (2,)
    >>> apply_rope(x, positions=[0, 1, 2, 3, 1j])
    Traceback (most recent call last):
    ...
    TypeError: positions must hold real numbers, got dtype complex128
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        raise TypeError(f"x must be a floating-point array, got dtype {arr.dtype}")
    if arr.ndim < 2:
        raise ValueError(f"x must have shape (..., seq, dim), got shape {arr.shape}")
    dim = check_even_dim(arr.shape[-1], "last dimension of x (dim)")
    pos = _check_positions(positions, arr.shape[:-1])
    freq = rope_frequencies(dim, base) if inv_freq is None else _check_inv_freq(inv_freq, dim)
    angles = pos[..., None] * freq  # (..., seq, dim/2)
    cos, sin = np.cos(angles), np.sin(angles)
    work = arr.astype(np.float64)
    if layout == "interleaved":
        even, odd = work[..., 0::2], work[..., 1::2]
        out = np.empty_like(work)
        out[..., 0::2] = even * cos - odd * sin
        out[..., 1::2] = even * sin + odd * cos
    else:
        cos2 = np.concatenate([cos, cos], axis=-1)
        sin2 = np.concatenate([sin, sin], axis=-1)
        out = work * cos2 + rotate_half(work) * sin2
    return out.astype(arr.dtype, copy=False)


def interleaved_to_half_permutation(dim: int) -> np.ndarray:
    """Feature permutation ``perm`` with ``x[..., perm]`` moving interleaved pairs to halves.

    ``apply_rope(x[..., perm], layout="half")`` equals
    ``apply_rope(x, layout="interleaved")[..., perm]``: even coordinates go to the first half,
    odd coordinates to the second. ``np.argsort(perm)`` undoes it.

    Examples
    --------
    >>> interleaved_to_half_permutation(8).tolist()
    [0, 2, 4, 6, 1, 3, 5, 7]
    """
    dim = check_even_dim(dim)
    return np.concatenate([np.arange(0, dim, 2), np.arange(1, dim, 2)])


def rope_rotation_matrix(position: float, dim: int, base: float = 10000.0) -> np.ndarray:
    """The ``dim x dim`` block-diagonal rotation matrix ``R_m`` (interleaved layout).

    ``apply_rope`` computes ``R_m @ x`` without building this matrix; the matrix is here to
    check that claim and to measure what the dense product would cost.

    Examples
    --------
    >>> R = rope_rotation_matrix(3, 4)
    >>> bool(np.allclose(R.T @ R, np.eye(4)))
    True
    >>> bool(np.allclose(rope_rotation_matrix(3, 4) @ rope_rotation_matrix(4, 4),
    ...                  rope_rotation_matrix(7, 4)))
    True
    """
    freq = rope_frequencies(dim, base)
    position = float(as_float_array(position, "position"))
    matrix = np.zeros((dim, dim))
    cos, sin = np.cos(position * freq), np.sin(position * freq)
    idx = np.arange(0, dim, 2)
    matrix[idx, idx] = cos
    matrix[idx, idx + 1] = -sin
    matrix[idx + 1, idx] = sin
    matrix[idx + 1, idx + 1] = cos
    return matrix


def rope_score(
    q: object,
    k: object,
    m: float,
    n: float,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
) -> float:
    """Attention logit ``<R_m q, R_n k>`` of query ``q`` at position ``m`` and key ``k`` at ``n``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> q, k = rng.normal(size=(2, 16))
    >>> round(rope_score(q, k, 3, 7), 6) == round(rope_score(q, k, 103, 107), 6)
    True
    >>> rope_score(q, k[:8], 3, 7)
    Traceback (most recent call last):
    ...
    ValueError: q and k must be vectors of equal length, got (16,) and (8,)
    """
    qv = as_float_array(q, "q")
    kv = as_float_array(k, "k")
    if qv.ndim != 1 or qv.shape != kv.shape:
        raise ValueError(f"q and k must be vectors of equal length, got {qv.shape} and {kv.shape}")
    rq = apply_rope(qv[None, :], [m], base=base, layout=layout)[0]
    rk = apply_rope(kv[None, :], [n], base=base, layout=layout)[0]
    return float(rq @ rk)


def relative_decay_bound(distances: object, dim: int, base: float = 10000.0) -> np.ndarray:
    """RoFormer's long-term-decay quantity ``(2/d) * sum_j |S_j|`` at each relative distance.

    With ``S_j = sum_{k<j} exp(1j * r * theta_k)`` (Abel summation, RoFormer section 3),
    ``|<R_m q, R_n k>| <= max_i |h_{i+1} - h_i| * sum_j |S_j|`` for ``r = m - n``. This returns
    the mean of ``|S_j|`` over ``j = 1 .. d/2``, the curve of the paper's Figure 2.

    Examples
    --------
    >>> b = relative_decay_bound([0, 10, 100], dim=128)
    >>> round(float(b[0]), 2)
    32.5
    >>> bool(b[0] > b[1] > b[2])
    True
    >>> round(float(relative_decay_bound(1000, dim=128)), 3)  # a scalar distance, default base
    4.471
    >>> relative_decay_bound([[0, 1]], dim=8)
    Traceback (most recent call last):
    ...
    ValueError: distances must be a scalar or 1-D, got shape (1, 2)
    """
    r = as_float_array(distances, "distances").astype(np.float64, copy=False)
    if r.ndim > 1:
        raise ValueError(f"distances must be a scalar or 1-D, got shape {r.shape}")
    freq = rope_frequencies(dim, base)
    partial = np.cumsum(np.exp(1j * np.multiply.outer(np.atleast_1d(r), freq)), axis=-1)
    result = np.abs(partial).mean(axis=-1)
    return result if r.ndim else result[0]


def bfloat16_round(x: object) -> np.ndarray:
    """Round to the nearest bfloat16 value (8 significant bits), returned as float64.

    numpy has no bfloat16; this rounds the float32 bit pattern to its top 16 bits, to nearest
    with ties to even, which is how a cast to ``torch.bfloat16`` rounds. It shows what happens to
    positions and angles kept in bfloat16: above 256 not every integer is representable.

    Examples
    --------
    >>> bfloat16_round([1.0, 255.0, 257.0, 1001.0, 8200.0]).tolist()
    [1.0, 255.0, 256.0, 1000.0, 8192.0]
    >>> bfloat16_round([1e39])
    Traceback (most recent call last):
    ...
    ValueError: x must be within the bfloat16 range (|x| < 3.39e38), got 1e+39
    """
    arr = as_float_array(x, "x").astype(np.float64)
    if arr.size and float(np.abs(arr).max()) >= 3.39e38:
        raise ValueError(
            f"x must be within the bfloat16 range (|x| < 3.39e38), got {float(np.abs(arr).max()):g}"
        )
    bits = arr.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return bits.astype(np.uint32).view(np.float32).astype(np.float64)
