"""Compute, rather than type, a comparison table of position-encoding schemes.

Every scheme is run as one attention head on the same random content. Properties are then
measured: are the logits unchanged when the whole sequence is shifted (translation
invariance)? Can the scheme produce logits at positions beyond the training length at all?
How many parameters does it add, and how many extra arithmetic operations per head?
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_even_dim, check_positive_int
from .absolute import sinusoidal_encoding
from .relative import alibi_slopes, t5_relative_position_bucket
from .rope import apply_rope

__all__ = ["SCHEMES", "PositionModel", "comparison_table"]

SCHEMES = ("learned", "sinusoidal", "shaw", "t5", "alibi", "rope", "nope")


@dataclass
class PositionModel:
    """One attention head with random weights and every scheme's position parameters.

    Parameters
    ----------
    dim : int
        Model (and head) dimension, even.
    train_length : int
        Number of positions the learned table has rows for.
    num_heads : int
        Heads per layer (T5 and ALiBi parameters are per head; this head is head 0).
    num_layers : int
        Layers of the model whose added parameters :meth:`parameters` counts.
    shaw_clip : int
        Shaw et al.'s clipping distance ``c``.
    num_buckets : int
        T5 buckets.
    seed : int
        Seed of the random weights.

    Examples
    --------
    >>> model = PositionModel(dim=8, train_length=16)
    >>> model.logits("rope", np.ones((3, 8)), [0, 1, 2]).shape
    (3, 3)
    >>> model.logits("learned", np.ones((3, 8)), [0, 1, 16])
    Traceback (most recent call last):
    ...
    ValueError: the learned table has rows for positions 0..15, got position 16
    >>> model.logits("rope", np.ones((3, 8)), [0.0, 1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: need x of shape (seq, 8) and integer positions of shape (seq,), got (3, 8) and (3,)
    >>> model.logits("rope", np.ones((3, 8)), [-1, 0, 1])
    Traceback (most recent call last):
    ...
    ValueError: positions must be non-negative
    >>> model.extra_operations("shaw", 2**31 - 1) > 2**63  # exact ints at the longest length
    True
    >>> model.extra_operations("shaw", 2**31)
    Traceback (most recent call last):
    ...
    ValueError: seq_len must be at most 2147483647 (a 32-bit size), got 2147483648
    >>> model.parameters("xpos")
    Traceback (most recent call last):
    ...
    ValueError: scheme must be one of ('learned', 'sinusoidal', 'shaw', 't5', 'alibi', 'rope', 'nope'), got 'xpos'
    """

    dim: int = 16
    train_length: int = 64
    num_heads: int = 8
    num_layers: int = 12
    shaw_clip: int = 8
    num_buckets: int = 32
    seed: int = 0

    def __post_init__(self) -> None:
        check_even_dim(self.dim)
        check_positive_int(self.train_length, "train_length")
        check_positive_int(self.num_heads, "num_heads")
        check_positive_int(self.num_layers, "num_layers")
        check_positive_int(self.shaw_clip, "shaw_clip")
        check_positive_int(self.num_buckets, "num_buckets")
        rng = np.random.default_rng(self.seed)
        d = self.dim
        self.w_q = rng.normal(size=(d, d)) / np.sqrt(d)
        self.w_k = rng.normal(size=(d, d)) / np.sqrt(d)
        self.table = rng.normal(size=(self.train_length, d))
        self.shaw_k = rng.normal(size=(2 * self.shaw_clip + 1, d))
        self.t5_bias = rng.normal(size=(self.num_buckets,))
        self.slope = float(alibi_slopes(self.num_heads)[0])

    def parameters(self, scheme: str) -> int:
        """Parameters the scheme adds to the whole model of ``num_layers`` layers.

        The learned table, once at the input: ``train_length * dim``. Shaw's key-side vectors,
        ``(2c + 1) * dim`` in every layer (shared by the heads of a layer; the value-side vectors
        are not counted, since the logits do not use them and later work dropped them). T5's
        ``num_buckets`` scalars per head, shared by all layers. Nothing for the others.
        """
        _check_scheme(scheme)
        return {
            "learned": self.train_length * self.dim,
            "shaw": self.num_layers * (2 * self.shaw_clip + 1) * self.dim,
            "t5": self.num_buckets * self.num_heads,
        }.get(scheme, 0)

    def extra_operations(self, scheme: str, seq_len: int) -> int:
        """Extra additions and multiplications for one head over ``seq_len`` tokens.

        Adding an absolute vector: ``seq * dim``. Shaw: ``q_i . a_ij`` for every pair,
        ``2 * seq**2 * dim``. T5 and ALiBi: one addition per logit, ``seq**2``. RoPE on the
        queries and the keys: ``x * cos + rotate(x) * sin`` is 3 operations per coordinate,
        ``2 * 3 * seq * dim``.
        """
        _check_scheme(scheme)
        n = check_positive_int(seq_len, "seq_len")
        return {
            "learned": n * self.dim,
            "sinusoidal": n * self.dim,
            "shaw": 2 * n * n * self.dim,
            "t5": n * n,
            "alibi": n * n,
            "rope": 6 * n * self.dim,
            "nope": 0,
        }[scheme]

    def logits(self, scheme: str, x: object, positions: object) -> np.ndarray:
        """Attention logits of this head for tokens ``x`` (seq, dim) at ``positions``.

        ALiBi is a causal scheme: its bias is ``-slope * (i - j)`` for keys ``j`` at or before
        the query ``i`` and 0 after it (those logits are removed by the causal mask), as in
        :func:`alibi_bias`. Raises ValueError when a learned table has no row for a position.
        """
        _check_scheme(scheme)
        xa = as_float_array(x, "x")
        pos = np.asarray(positions)
        if pos.dtype.kind not in "iu" or pos.ndim != 1 or xa.shape != (pos.shape[0], self.dim):
            raise ValueError(
                f"need x of shape (seq, {self.dim}) and integer positions of shape (seq,), "
                f"got {xa.shape} and {pos.shape}"
            )
        if np.any(pos < 0):
            raise ValueError("positions must be non-negative")
        scale = np.sqrt(self.dim)
        if scheme == "learned":
            if pos.max() >= self.train_length:
                raise ValueError(
                    f"the learned table has rows for positions 0..{self.train_length - 1}, "
                    f"got position {int(pos.max())}"
                )
            xa = xa + self.table[pos]
        elif scheme == "sinusoidal":
            xa = xa + sinusoidal_encoding(int(pos.max()) + 1, self.dim)[pos]
        q, k = xa @ self.w_q, xa @ self.w_k
        if scheme == "shaw":
            rel = pos[None, :] - pos[:, None]
            idx = np.clip(rel, -self.shaw_clip, self.shaw_clip) + self.shaw_clip
            content = q @ k.T
            return (content + np.einsum("id,ijd->ij", q, self.shaw_k[idx])) / scale
        if scheme == "rope":
            q, k = apply_rope(q, pos), apply_rope(k, pos)
        out = q @ k.T / scale
        rel = pos[None, :] - pos[:, None]  # key - query
        if scheme == "t5":
            out = out + self.t5_bias[t5_relative_position_bucket(rel, num_buckets=self.num_buckets)]
        elif scheme == "alibi":
            out = out - self.slope * np.maximum(-rel, 0)
        return out


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")


def comparison_table(
    model: PositionModel | None = None, *, seq_len: int = 12, shift: int = 17
) -> list[dict[str, object]]:
    """Measure each scheme: translation invariance, positions beyond training, cost.

    ``translation_invariant`` -- the logits of ``seq_len`` random tokens at positions
    ``0..seq_len-1`` equal those at ``shift..shift+seq_len-1``.
    ``beyond_training`` -- the scheme returns logits at positions ``train_length ..``
    (whether they are *good* there is an empirical question this cannot answer).
    ``parameters`` and ``operations`` -- from :meth:`PositionModel.parameters` and
    :meth:`PositionModel.extra_operations` at ``train_length`` tokens.

    Examples
    --------
    >>> rows = comparison_table()
    >>> [(r["scheme"], r["translation_invariant"]) for r in rows][:3]
    [('learned', False), ('sinusoidal', False), ('shaw', True)]

    The defaults place 12 tokens at ``0..11`` and at ``17..28``, so the model needs at least
    29 positions:

    >>> len(comparison_table(PositionModel(train_length=29)))
    7
    >>> comparison_table(PositionModel(train_length=28))
    Traceback (most recent call last):
    ...
    ValueError: seq_len + shift must fit in the model's train_length
    """
    model = PositionModel() if model is None else model
    seq_len = check_positive_int(seq_len, "seq_len")
    shift = check_positive_int(shift, "shift")
    if seq_len + shift > model.train_length:
        raise ValueError("seq_len + shift must fit in the model's train_length")
    rng = np.random.default_rng(model.seed + 1)
    x = rng.normal(size=(seq_len, model.dim))
    base = np.arange(seq_len)
    rows = []
    for scheme in SCHEMES:
        shifted = model.logits(scheme, x, base + shift)
        invariant = np.allclose(model.logits(scheme, x, base), shifted)
        try:
            model.logits(scheme, x, base + model.train_length)
            beyond = True
        except ValueError:
            beyond = False
        rows.append(
            {
                "scheme": scheme,
                "translation_invariant": bool(invariant),
                "beyond_training": beyond,
                "parameters": model.parameters(scheme),
                "operations": model.extra_operations(scheme, model.train_length),
            }
        )
    return rows
