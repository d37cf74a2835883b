"""Relative position schemes: Shaw et al. (2018), Transformer-XL (2019), T5 (2020),
DeBERTa (2021) and ALiBi (2022).

Each function follows its paper's (or reference code's) convention for the sign of the
relative position; the docstrings say which one.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_float_array, check_base, check_even_dim, check_positive_int

__all__ = [
    "alibi_bias",
    "alibi_slopes",
    "deberta_relative_index",
    "deberta_score_terms",
    "shaw_attention_logits",
    "shaw_relative_indices",
    "t5_bias_matrix",
    "t5_relative_position_bucket",
    "transformer_xl_score_terms",
]


def _as_int_array(values: object, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


# -- Shaw et al. (2018) ---------------------------------------------------------------------------


def shaw_relative_indices(query_len: int, key_len: int, max_relative_position: int) -> np.ndarray:
    """Index ``clip(j - i, -k, k) + k`` of the relative embedding for query ``i``, key ``j``.

    Shaw et al. (2018), section 3.2: ``2k + 1`` learned vectors, distances beyond ``k`` clipped.

    Examples
    --------
    >>> shaw_relative_indices(3, 5, 2).tolist()
    [[2, 3, 4, 4, 4], [1, 2, 3, 4, 4], [0, 1, 2, 3, 4]]
    """
    query_len = check_positive_int(query_len, "query_len")
    key_len = check_positive_int(key_len, "key_len")
    k = check_positive_int(max_relative_position, "max_relative_position")
    distance = np.arange(key_len)[None, :] - np.arange(query_len)[:, None]
    return np.clip(distance, -k, k) + k


def shaw_attention_logits(
    q: object, k: object, rel_k: object, max_relative_position: int
) -> np.ndarray:
    """``e_ij = q_i . (k_j + a^K_{ij}) / sqrt(d)`` with ``a^K`` from :func:`shaw_relative_indices`.

    ``rel_k`` holds the ``2 * max_relative_position + 1`` learned key-side vectors.

    Examples
    --------
    >>> q = k = np.zeros((3, 2))
    >>> rel = np.arange(10.0).reshape(5, 2)
    >>> shaw_attention_logits(q, k, rel, 2).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> shaw_attention_logits(q, np.zeros((3, 3)), rel, 2)
    Traceback (most recent call last):
    ...
    ValueError: q and k must be (len, d) with equal d, got (3, 2) and (3, 3)
    >>> shaw_attention_logits(q, k, rel, 1)
    Traceback (most recent call last):
    ...
    ValueError: rel_k must have shape (3, 2), got (5, 2)
    """
    qa, ka, ra = as_float_array(q, "q"), as_float_array(k, "k"), as_float_array(rel_k, "rel_k")
    kmax = check_positive_int(max_relative_position, "max_relative_position")
    if qa.ndim != 2 or ka.ndim != 2 or qa.shape[1] != ka.shape[1]:
        raise ValueError(f"q and k must be (len, d) with equal d, got {qa.shape} and {ka.shape}")
    if ra.shape != (2 * kmax + 1, qa.shape[1]):
        raise ValueError(f"rel_k must have shape ({2 * kmax + 1}, {qa.shape[1]}), got {ra.shape}")
    idx = shaw_relative_indices(qa.shape[0], ka.shape[0], kmax)
    content = qa @ ka.T
    position = np.einsum("id,ijd->ij", qa, ra[idx])
    return (content + position) / np.sqrt(qa.shape[1])


# -- Transformer-XL (Dai et al., 2019) ------------------------------------------------------------


def _sinusoid(positions: np.ndarray, dim: int, base: float) -> np.ndarray:
    freq = base ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)
    angles = positions[..., None] * freq
    out = np.empty(positions.shape + (dim,))
    out[..., 0::2] = np.sin(angles)
    out[..., 1::2] = np.cos(angles)
    return out


def transformer_xl_score_terms(
    x: object,
    w_q: object,
    w_ke: object,
    w_kr: object,
    u: object,
    v: object,
    *,
    base: float = 10000.0,
) -> dict[str, np.ndarray]:
    """The four terms of Transformer-XL's relative attention score (Dai et al., 2019, sec. 3.3).

    ``(a) q_i.k_j``, ``(b) q_i.(R_{i-j} W_kR)``, ``(c) u.k_j``, ``(d) v.(R_{i-j} W_kR)``, with
    ``q = x W_q``, ``k = x W_kE`` and ``R`` the sinusoid of the distance ``i - j``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4, 8))
    >>> w_q, w_ke, w_kr = rng.normal(size=(3, 8, 8))
    >>> u, v = rng.normal(size=(2, 8))
    >>> terms = transformer_xl_score_terms(x, w_q, w_ke, w_kr, u, v)
    >>> sorted(terms)
    ['a', 'b', 'c', 'd']

    ``R_{i-j}`` is a row of the original Transformer's sinusoidal table (base 10000): query 3
    and key 1 use ``R_2``.

    >>> from explained.position import sinusoidal_encoding
    >>> r2 = sinusoidal_encoding(3, 8)[2] @ w_kr
    >>> bool(np.isclose(terms["b"][3, 1], (x[3] @ w_q) @ r2, rtol=1e-12))
    True
    >>> bool(np.isclose(terms["d"][3, 1], v @ r2, rtol=1e-12))
    True
    >>> transformer_xl_score_terms(x[0], w_q, w_ke, w_kr, u, v)
    Traceback (most recent call last):
    ...
    ValueError: x must be (seq, d_model), got shape (8,)
    >>> transformer_xl_score_terms(x, w_q[:4], w_ke, w_kr, u, v)
    Traceback (most recent call last):
    ...
    ValueError: w_q must have shape (8, h), got (4, 8)
    >>> transformer_xl_score_terms(x, w_q, w_ke, w_kr, u[:4], v)
    Traceback (most recent call last):
    ...
    ValueError: projections and u, v must share the head size 8
    """
    xa = as_float_array(x, "x")
    if xa.ndim != 2:
        raise ValueError(f"x must be (seq, d_model), got shape {xa.shape}")
    dim = check_even_dim(xa.shape[1], "d_model")
    base = check_base(base)
    mats = [as_float_array(w, n) for w, n in ((w_q, "w_q"), (w_ke, "w_ke"), (w_kr, "w_kr"))]
    for m, n in zip(mats, ("w_q", "w_ke", "w_kr")):
        if m.ndim != 2 or m.shape[0] != dim:
            raise ValueError(f"{n} must have shape ({dim}, h), got {m.shape}")
    wq, wke, wkr = mats
    h = wq.shape[1]
    ua, va = as_float_array(u, "u"), as_float_array(v, "v")
    if wke.shape[1] != h or wkr.shape[1] != h or ua.shape != (h,) or va.shape != (h,):
        raise ValueError(f"projections and u, v must share the head size {h}")
    n = xa.shape[0]
    distance = (np.arange(n)[:, None] - np.arange(n)[None, :]).astype(np.float64)
    r = _sinusoid(distance, dim, base) @ wkr  # (n, n, h)
    q, k = xa @ wq, xa @ wke
    return {
        "a": q @ k.T,
        "b": np.einsum("ih,ijh->ij", q, r),
        "c": np.broadcast_to(k @ ua, (n, n)).copy(),
        "d": r @ va,
    }


# -- T5 (Raffel et al., 2020) ---------------------------------------------------------------------


def t5_relative_position_bucket(
    relative_position: object,
    *,
    bidirectional: bool = True,
    num_buckets: int = 32,
    max_distance: int = 128,
) -> np.ndarray:
    """T5's relative-position bucket, exactly as ``_relative_position_bucket`` computes it.

    ``relative_position`` is ``key_position - query_position``. Bidirectionally, half of the
    buckets serve keys after the query; within each half, the first ``num_buckets // 4``
    distances get a bucket each, larger ones share logarithmically wider buckets up to
    ``max_distance``, beyond which all fall in the last bucket. The logarithm is evaluated in
    float32 like the reference code, so the boundaries agree with it.

    Examples
    --------
    >>> t5_relative_position_bucket([-3, -1, 0, 1, 3, 20, 200]).tolist()
    [3, 1, 0, 17, 19, 26, 31]
    >>> t5_relative_position_bucket([-200, -20, 0, 5], bidirectional=False).tolist()
    [31, 17, 0, 0]
    >>> t5_relative_position_bucket([0.5])
    Traceback (most recent call last):
    ...
    TypeError: relative_position must hold integers, got dtype float64
    >>> t5_relative_position_bucket([-5, -1, 0, 1, 5], num_buckets=4).tolist()  # the fewest
    [1, 1, 0, 3, 3]
    >>> t5_relative_position_bucket([0], num_buckets=2)
    Traceback (most recent call last):
    ...
    ValueError: num_buckets is too small: need at least 4, got 2
    >>> t5_relative_position_bucket([0], max_distance=8)
    Traceback (most recent call last):
    ...
    ValueError: max_distance must exceed the 8 exactly-bucketed distances, got 8
    """
    rp = _as_int_array(relative_position, "relative_position")
    num_buckets = check_positive_int(num_buckets, "num_buckets")
    max_distance = check_positive_int(max_distance, "max_distance")
    ret = np.zeros(rp.shape, dtype=np.int64)
    n = -rp
    if bidirectional:
        num_buckets //= 2
        ret += (n < 0).astype(np.int64) * num_buckets
        n = np.abs(n)
    else:
        n = np.maximum(n, 0)
    max_exact = num_buckets // 2
    if max_exact < 1:
        raise ValueError(
            f"num_buckets is too small: need at least {4 if bidirectional else 2}, "
            f"got {num_buckets * (2 if bidirectional else 1)}"
        )
    if max_distance <= max_exact:
        raise ValueError(
            f"max_distance must exceed the {max_exact} exactly-bucketed distances, "
            f"got {max_distance}"
        )
    is_small = n < max_exact
    safe = np.maximum(n, max_exact).astype(np.float32)
    scaled = (
        np.log(safe / np.float32(max_exact))
        / np.float32(math.log(max_distance / max_exact))
        * np.float32(num_buckets - max_exact)
    )
    val_if_large = max_exact + scaled.astype(np.int64)
    val_if_large = np.minimum(val_if_large, num_buckets - 1)
    return ret + np.where(is_small, n, val_if_large)


def t5_bias_matrix(
    query_len: int,
    key_len: int,
    bucket_bias: object,
    *,
    bidirectional: bool = True,
    max_distance: int = 128,
) -> np.ndarray:
    """The (query_len, key_len) additive logit bias of one head: ``bucket_bias[bucket(j - i)]``.

    Examples
    --------
    >>> t5_bias_matrix(2, 3, np.arange(32.0)).tolist()
    [[0.0, 17.0, 18.0], [1.0, 0.0, 17.0]]

    With ``bucket_bias = 0, 1, 2, ...`` a row shows the buckets themselves, with the same
    defaults (``max_distance=128``) as :func:`t5_relative_position_bucket`:

    >>> row = t5_bias_matrix(1, 200, np.arange(32.0))[0]
    >>> bool(np.array_equal(row, t5_relative_position_bucket(np.arange(200))))
    True
    >>> t5_bias_matrix(2, 3, np.zeros((32, 1)))
    Traceback (most recent call last):
    ...
    ValueError: bucket_bias must be 1-D (one value per bucket), got (32, 1)
    """
    query_len = check_positive_int(query_len, "query_len")
    key_len = check_positive_int(key_len, "key_len")
    bias = as_float_array(bucket_bias, "bucket_bias")
    if bias.ndim != 1:
        raise ValueError(f"bucket_bias must be 1-D (one value per bucket), got {bias.shape}")
    rel = np.arange(key_len)[None, :] - np.arange(query_len)[:, None]
    buckets = t5_relative_position_bucket(
        rel, bidirectional=bidirectional, num_buckets=bias.shape[0], max_distance=max_distance
    )
    return bias[buckets]


# -- DeBERTa (He et al., 2021) --------------------------------------------------------------------


def deberta_relative_index(query_len: int, key_len: int, span: int) -> np.ndarray:
    """DeBERTa's ``delta(i, j)``: 0 if ``i - j <= -k``, ``2k - 1`` if ``i - j >= k``,
    else ``i - j + k`` (He et al., 2021, section 3.1).

    Examples
    --------
    >>> deberta_relative_index(3, 3, 2).tolist()
    [[2, 1, 0], [3, 2, 1], [3, 3, 2]]
    """
    query_len = check_positive_int(query_len, "query_len")
    key_len = check_positive_int(key_len, "key_len")
    k = check_positive_int(span, "span")
    d = np.arange(query_len)[:, None] - np.arange(key_len)[None, :]
    return np.clip(d + k, 0, 2 * k - 1)


def deberta_score_terms(
    q_c: object, k_c: object, q_r: object, k_r: object, span: int
) -> dict[str, np.ndarray]:
    """DeBERTa's disentangled attention terms, before the ``1/sqrt(3d)`` scale.

    ``c2c[i, j] = Qc_i . Kc_j``, ``c2p[i, j] = Qc_i . Kr_{delta(i,j)}`` and
    ``p2c[i, j] = Kc_j . Qr_{delta(j,i)}``; ``q_r``, ``k_r`` have ``2 * span`` rows.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> qc, kc = rng.normal(size=(2, 4, 6))
    >>> qr, kr = rng.normal(size=(2, 4, 6))
    >>> {name: m.shape for name, m in deberta_score_terms(qc, kc, qr, kr, 2).items()}
    {'c2c': (4, 4), 'c2p': (4, 4), 'p2c': (4, 4)}
    >>> deberta_score_terms(qc, kc[:, :3], qr, kr, 2)
    Traceback (most recent call last):
    ...
    ValueError: q_c and k_c must be (len, d) with equal d, got (4, 6), (4, 3)
    >>> deberta_score_terms(qc, kc, qr, kr, 3)
    Traceback (most recent call last):
    ...
    ValueError: q_r and k_r must have shape (6, 6), got (4, 6), (4, 6)
    """
    qc, kc = as_float_array(q_c, "q_c"), as_float_array(k_c, "k_c")
    qr, kr = as_float_array(q_r, "q_r"), as_float_array(k_r, "k_r")
    k = check_positive_int(span, "span")
    if qc.ndim != 2 or kc.ndim != 2 or qc.shape[1] != kc.shape[1]:
        raise ValueError(f"q_c and k_c must be (len, d) with equal d, got {qc.shape}, {kc.shape}")
    if qr.shape != (2 * k, qc.shape[1]) or kr.shape != qr.shape:
        raise ValueError(
            f"q_r and k_r must have shape ({2 * k}, {qc.shape[1]}), got {qr.shape}, {kr.shape}"
        )
    nq, nk = qc.shape[0], kc.shape[0]
    delta_ij = deberta_relative_index(nq, nk, k)  # (nq, nk)
    delta_ji = deberta_relative_index(nk, nq, k).T  # delta(j, i) laid out as [i, j]
    return {
        "c2c": qc @ kc.T,
        "c2p": np.einsum("id,ijd->ij", qc, kr[delta_ij]),
        "p2c": np.einsum("jd,ijd->ij", kc, qr[delta_ji]),
    }


# -- ALiBi (Press et al., 2022) -------------------------------------------------------------------


def _slopes_power_of_2(n: int) -> list[float]:
    start = 2 ** (-(2 ** -(math.log2(n) - 3)))
    ratio = start
    return [start * ratio**i for i in range(n)]


def _slopes(n: int) -> list[float]:
    if math.log2(n).is_integer():
        return _slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        _slopes_power_of_2(closest_power_of_2)
        + _slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


#: More heads than this are not a model but a typo; the slopes list would not fit in memory.
MAX_HEADS = 2**16


def alibi_slopes(num_heads: int) -> np.ndarray:
    """ALiBi's per-head slopes, as the paper's ``get_slopes`` computes them.

    For ``n`` a power of two: the geometric sequence starting at ``2 ** (-8 / n)`` with that
    same ratio, so 8 heads get ``1/2, 1/4, ..., 1/256``. Otherwise: the slopes of the closest
    smaller power of two, followed by every other slope of the next larger power of two.

    Examples
    --------
    >>> alibi_slopes(8).tolist()
    [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]
    >>> np.round(alibi_slopes(6), 4).tolist()
    [0.25, 0.0625, 0.0156, 0.0039, 0.5, 0.125]
    >>> round(float(alibi_slopes(2**16)[-1]), 6)  # the largest head count; still ends at 2**-8
    0.003906
    >>> alibi_slopes(10**6)
    Traceback (most recent call last):
    ...
    ValueError: num_heads must be at most 65536, got 1000000
    """
    num_heads = check_positive_int(num_heads, "num_heads")
    if num_heads > MAX_HEADS:
        raise ValueError(f"num_heads must be at most {MAX_HEADS}, got {num_heads}")
    return np.array(_slopes(num_heads), dtype=np.float64)


def alibi_bias(num_heads: int, seq_len: int) -> np.ndarray:
    """ALiBi's additive bias ``-m_h * (i - j)`` for query ``i`` and key ``j <= i``.

    Shape ``(num_heads, seq_len, seq_len)``; entries above the diagonal (future keys, which a
    causal mask removes anyway) are 0.

    Examples
    --------
    >>> alibi_bias(8, 3)[0].tolist()
    [[0.0, 0.0, 0.0], [-0.5, 0.0, 0.0], [-1.0, -0.5, 0.0]]
    """
    slopes = alibi_slopes(num_heads)
    seq_len = check_positive_int(seq_len, "seq_len")
    offset = np.arange(seq_len)[None, :] - np.arange(seq_len)[:, None]  # j - i
    offset = np.minimum(offset, 0).astype(np.float64)
    return slopes[:, None, None] * offset[None, :, :]
