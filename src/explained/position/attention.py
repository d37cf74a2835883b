"""Small attention kernels used to show what position encodings change.

``softmax_attention`` is ordinary scaled dot-product attention with an optional additive bias
(T5, ALiBi) and causal mask. ``rope_linear_attention`` is RoFormer's linear-attention variant
(section 3): rotate the feature-mapped queries and keys in the numerator, keep the normaliser
unrotated, so the cost stays linear in the sequence length.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .rope import apply_rope

__all__ = [
    "elu_feature_map",
    "rope_linear_attention",
    "rope_linear_attention_naive",
    "softmax_attention",
]


def _check_qkv(q: object, k: object, v: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    qa, ka, va = (as_float_array(a, name) for a, name in ((q, "q"), (k, "k"), (v, "v")))
    if qa.ndim != 2 or ka.ndim != 2 or va.ndim != 2:
        raise ValueError(
            f"q, k, v must be 2-D (seq, dim), got shapes {qa.shape}, {ka.shape}, {va.shape}"
        )
    if qa.shape[1] != ka.shape[1]:
        raise ValueError(f"q and k need the same feature dimension, got {qa.shape} and {ka.shape}")
    if ka.shape[0] != va.shape[0]:
        raise ValueError(f"k and v need the same length, got {ka.shape} and {va.shape}")
    return qa, ka, va


def softmax_attention(
    q: object, k: object, v: object, *, bias: object = None, causal: bool = False
) -> np.ndarray:
    """``softmax(q k^T / sqrt(d) + bias) v``, optionally with a causal mask.

    Examples
    --------
    >>> q = k = np.eye(2)
    >>> v = np.array([[1.0], [3.0]])
    >>> np.round(softmax_attention(q, k, v, causal=True), 4).tolist()
    [[1.0], [2.3395]]

    ``bias`` is added to the logits: with equal scores, a bias of ``log 1`` and ``log 3`` splits
    the weight 1 : 3.

    >>> zeros = np.zeros((2, 2))
    >>> softmax_attention(zeros[:1], zeros, v, bias=np.log([[1.0, 3.0]])).tolist()
    [[2.5]]

    The row maximum is subtracted before ``exp``, so large logits do not overflow:

    >>> softmax_attention([[30.0]], [[30.0], [0.0]], v).tolist()
    [[1.0]]
    >>> softmax_attention(q, k, v, bias=np.zeros(2))
    Traceback (most recent call last):
    ...
    ValueError: bias must have shape (2, 2), got (2,)
    >>> softmax_attention(q[:1], k, v, causal=True)
    Traceback (most recent call last):
    ...
    ValueError: causal attention needs as many queries as keys
    >>> softmax_attention(q, k, v[0])
    Traceback (most recent call last):
    ...
    ValueError: q, k, v must be 2-D (seq, dim), got shapes (2, 2), (2, 2), (1,)
    >>> softmax_attention(q, np.ones((2, 3)), v)
    Traceback (most recent call last):
    ...
    ValueError: q and k need the same feature dimension, got (2, 2) and (2, 3)
    >>> softmax_attention(q, k, np.ones((3, 1)))
    Traceback (most recent call last):
    ...
    ValueError: k and v need the same length, got (2, 2) and (3, 1)
    """
    qa, ka, va = _check_qkv(q, k, v)
    logits = qa @ ka.T / np.sqrt(qa.shape[1])
    if bias is not None:
        b = as_float_array(bias, "bias")
        if b.shape != logits.shape:
            raise ValueError(f"bias must have shape {logits.shape}, got {b.shape}")
        logits = logits + b
    if causal:
        if qa.shape[0] != ka.shape[0]:
            raise ValueError("causal attention needs as many queries as keys")
        logits = np.where(np.tril(np.ones(logits.shape, dtype=bool)), logits, -np.inf)
    logits = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights @ va


def elu_feature_map(x: object) -> np.ndarray:
    """``elu(x) + 1``, the positive feature map of Katharopoulos et al. (2020).

    Examples
    --------
    >>> np.round(elu_feature_map([-1.0, 0.0, 2.0]), 4).tolist()
    [0.3679, 1.0, 3.0]
    """
    a = as_float_array(x, "x")
    return np.where(a > 0, a + 1.0, np.exp(np.minimum(a, 0.0)))


def rope_linear_attention(
    q: object, k: object, v: object, *, causal: bool = False, base: float = 10000.0
) -> np.ndarray:
    """Linear attention with RoPE in O(seq * dim * dim_v).

    ``out_m = sum_n <R_m phi(q_m), R_n phi(k_n)> v_n / sum_n <phi(q_m), phi(k_n)>`` with
    ``phi = elu + 1``. The sums over ``n`` are accumulated once (prefix sums when causal).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> q, k, v = rng.normal(size=(3, 6, 4))
    >>> fast = rope_linear_attention(q, k, v, causal=True)
    >>> bool(np.allclose(fast, rope_linear_attention_naive(q, k, v, causal=True)))
    True

    By default (``causal=False``) every query sees every key; only the last query sees the same
    keys either way:

    >>> full = rope_linear_attention(q, k, v)
    >>> bool(np.allclose(full, rope_linear_attention_naive(q, k, v)))
    True
    >>> bool(np.allclose(full[-1], fast[-1])), bool(np.allclose(full[0], fast[0]))
    (True, False)
    >>> rope_linear_attention(q[:2], k, v, causal=True)
    Traceback (most recent call last):
    ...
    ValueError: causal attention needs as many queries as keys
    >>> rope_linear_attention_naive(q[:2], k, v, causal=True)
    Traceback (most recent call last):
    ...
    ValueError: causal attention needs as many queries as keys
    """
    qa, ka, va = _check_qkv(q, k, v)
    if causal and qa.shape[0] != ka.shape[0]:
        raise ValueError("causal attention needs as many queries as keys")
    fq, fk = elu_feature_map(qa), elu_feature_map(ka)
    rq, rk = apply_rope(fq, base=base), apply_rope(fk, base=base)
    if causal:
        kv = np.cumsum(rk[:, :, None] * va[:, None, :], axis=0)  # (n, d, dv) prefix sums
        ksum = np.cumsum(fk, axis=0)  # (n, d)
        num = np.einsum("nd,nde->ne", rq, kv)
        den = np.einsum("nd,nd->n", fq, ksum)
    else:
        num = rq @ (rk.T @ va)
        den = fq @ fk.sum(axis=0)
    return num / den[:, None]


def rope_linear_attention_naive(
    q: object, k: object, v: object, *, causal: bool = False, base: float = 10000.0
) -> np.ndarray:
    """The same quantity as :func:`rope_linear_attention`, by the explicit O(seq^2) double sum.

    Examples
    --------
    >>> out = rope_linear_attention_naive(np.ones((2, 2)), np.ones((2, 2)), np.eye(2))
    >>> out.shape
    (2, 2)
    """
    qa, ka, va = _check_qkv(q, k, v)
    if causal and qa.shape[0] != ka.shape[0]:
        raise ValueError("causal attention needs as many queries as keys")
    fq, fk = elu_feature_map(qa), elu_feature_map(ka)
    rq, rk = apply_rope(fq, base=base), apply_rope(fk, base=base)
    num_w = rq @ rk.T
    den_w = fq @ fk.T
    if causal:
        mask = np.tril(np.ones(num_w.shape))
        num_w, den_w = num_w * mask, den_w * mask
    return (num_w @ va) / den_w.sum(axis=1, keepdims=True)
