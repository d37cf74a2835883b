"""Absolute position encodings: the sinusoidal table of Vaswani et al. (2017) and its algebra."""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_float_array, check_base, check_even_dim, check_positive_int

__all__ = [
    "absolute_score_terms",
    "hierarchical_extension",
    "sinusoidal_encoding",
    "sinusoidal_shift_matrix",
]


def sinusoidal_encoding(num_positions: int, dim: int, base: float = 10000.0) -> np.ndarray:
    """Sinusoidal table ``PE[p, 2i] = sin(p / base**(2i/dim))``, ``PE[p, 2i+1] = cos(...)``.

    Attention Is All You Need (Vaswani et al., 2017), section 3.5.

    Parameters
    ----------
    num_positions : int
        Number of rows (positions ``0 .. num_positions - 1``).
    dim : int
        Even model dimension.
    base : float, default 10000.0

    Returns
    -------
    numpy.ndarray
        Shape ``(num_positions, dim)``, float64, values in ``[-1, 1]``.

    Examples
    --------
    >>> pe = sinusoidal_encoding(3, 4)
    >>> np.round(pe, 4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0], [0.9093, -0.4161, 0.02, 0.9998]]
    """
    num_positions = check_positive_int(num_positions, "num_positions")
    dim = check_even_dim(dim)
    base = check_base(base)
    freq = base ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)
    angles = np.arange(num_positions, dtype=np.float64)[:, None] * freq
    pe = np.empty((num_positions, dim))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def sinusoidal_shift_matrix(offset: float, dim: int, base: float = 10000.0) -> np.ndarray:
    """Matrix ``M_k`` with ``PE[p + k] = M_k @ PE[p]`` for every position ``p``.

    Each (sin, cos) pair is turned by the angle ``k * omega_i``:
    ``sin(a + b) = sin a cos b + cos a sin b`` and ``cos(a + b) = cos a cos b - sin a sin b``.
    ``M_k`` depends on the offset ``k`` only, not on ``p``.

    Examples
    --------
    >>> pe = sinusoidal_encoding(50, 8)
    >>> M = sinusoidal_shift_matrix(7, 8)
    >>> bool(np.allclose(pe[7:] , pe[:-7] @ M.T))
    True
    """
    dim = check_even_dim(dim)
    base = check_base(base)
    k = float(as_float_array(offset, "offset"))
    freq = base ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)
    cos, sin = np.cos(k * freq), np.sin(k * freq)
    m = np.zeros((dim, dim))
    idx = np.arange(0, dim, 2)
    m[idx, idx] = cos
    m[idx, idx + 1] = sin
    m[idx + 1, idx] = -sin
    m[idx + 1, idx + 1] = cos
    return m


def absolute_score_terms(x: object, p: object, w_q: object, w_k: object) -> dict[str, np.ndarray]:
    """Expand ``((x + p) W_q)((x + p) W_k)^T`` into its four matrices.

    Returns ``{"content-content", "content-position", "position-content",
    "position-position"}``; they sum to the full logit matrix. This is the expansion that
    Transformer-XL starts from (Dai et al., 2019, section 3.3).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, p = rng.normal(size=(2, 5, 4))
    >>> w_q, w_k = rng.normal(size=(2, 4, 4))
    >>> terms = absolute_score_terms(x, p, w_q, w_k)
    >>> sorted(terms)
    ['content-content', 'content-position', 'position-content', 'position-position']
    >>> bool(np.allclose(sum(terms.values()), ((x + p) @ w_q) @ ((x + p) @ w_k).T))
    True

    The head may be narrower than the model: ``W`` is ``(d_model, h)``, here ``h = 2``.

    >>> absolute_score_terms(x, p, w_q[:, :2], w_k[:, :2])["content-content"].shape
    (5, 5)
    >>> absolute_score_terms(x, p[:3], w_q, w_k)
    Traceback (most recent call last):
    ...
    ValueError: x and p must be 2-D arrays of equal shape, got (5, 4), (3, 4)
    >>> absolute_score_terms(x, p, w_q, w_k[:2])
    Traceback (most recent call last):
    ...
    ValueError: w_q and w_k must both have shape (4, h), got (4, 4), (2, 4)
    """
    xa, pa = as_float_array(x, "x"), as_float_array(p, "p")
    wq, wk = as_float_array(w_q, "w_q"), as_float_array(w_k, "w_k")
    if xa.ndim != 2 or xa.shape != pa.shape:
        raise ValueError(f"x and p must be 2-D arrays of equal shape, got {xa.shape}, {pa.shape}")
    if wq.shape != wk.shape or wq.ndim != 2 or wq.shape[0] != xa.shape[1]:
        raise ValueError(
            f"w_q and w_k must both have shape ({xa.shape[1]}, h), got {wq.shape}, {wk.shape}"
        )
    return {
        "content-content": (xa @ wq) @ (xa @ wk).T,
        "content-position": (xa @ wq) @ (pa @ wk).T,
        "position-content": (pa @ wq) @ (xa @ wk).T,
        "position-position": (pa @ wq) @ (pa @ wk).T,
    }


def hierarchical_extension(table: object, alpha: float = 0.4) -> np.ndarray:
    """Su's hierarchical decomposition: stretch a trained ``n``-row position table to ``n**2`` rows.

    Position ``(i - 1) * n + j`` (1-based ``i, j``) gets ``alpha * u_i + (1 - alpha) * u_j`` with
    ``u_i = (p_i - alpha * p_1) / (1 - alpha)``, chosen so that the first ``n`` rows are the
    trained table unchanged (Su, 2020, kexue.fm/archives/7947, which recommends
    ``alpha = 0.4``). Row ``i`` of the old table becomes the coarse "digit" of the new position,
    row ``j`` the fine one.

    Examples
    --------
    >>> p = np.random.default_rng(0).normal(size=(4, 3))
    >>> q = hierarchical_extension(p)
    >>> q.shape
    (16, 3)
    >>> bool(np.allclose(q[:4], p))  # the trained positions keep their vectors
    True
    >>> hierarchical_extension(p, alpha=1.0)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be in (0, 1) and not 0.5, got 1.0
    >>> hierarchical_extension(p, alpha="0.4")
    Traceback (most recent call last):
    ...
    TypeError: alpha must be a real number, got str
    >>> hierarchical_extension(p[0])
    Traceback (most recent call last):
    ...
    ValueError: table must be a non-empty 2-D array (positions, dim), got (3,)
    """
    p = as_float_array(table, "table")
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 1:
        raise ValueError(f"table must be a non-empty 2-D array (positions, dim), got {p.shape}")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}")
    alpha = float(alpha)
    if not (0.0 < alpha < 1.0) or alpha == 0.5:  # 0.5 makes positions (i, j) and (j, i) equal
        raise ValueError(f"alpha must be in (0, 1) and not 0.5, got {alpha}")
    n = p.shape[0]
    check_positive_int(n * n, "table rows squared")
    u = (p - alpha * p[0]) / (1.0 - alpha)
    return (alpha * u[:, None, :] + (1.0 - alpha) * u[None, :, :]).reshape(n * n, p.shape[1])
