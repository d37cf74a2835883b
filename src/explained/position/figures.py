"""Figures for the position-encoding articles, computed with the package and drawn with matplotlib.

Every function returns a :class:`matplotlib.figure.Figure`. Text in the figures is English or
math only (the build machine has no CJK font); the pages carry the Chinese captions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._checks import check_even_dim, check_positive_int
from .absolute import sinusoidal_encoding
from .relative import alibi_bias, alibi_slopes, t5_relative_position_bucket
from .rope import apply_rope, relative_decay_bound, rope_frequencies
from .scaling import ntk_aware_frequencies, position_interpolation_frequencies, yarn_frequencies

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_alibi_bias",
    "plot_context_extension",
    "plot_long_term_decay",
    "plot_relative_scores",
    "plot_sinusoidal_heatmap",
    "plot_t5_buckets",
]


def plot_relative_scores(seq_len: int = 64, dim: int = 32, seed: int = 0) -> Figure:
    """Heatmap of ``<R_m q, R_n k>`` for one query and one key placed at every (m, n).

    The stripes parallel to the diagonal show that the score depends on ``m - n`` only.
    """
    import matplotlib.pyplot as plt

    check_positive_int(seq_len, "seq_len")
    check_even_dim(dim)
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(2, dim))
    rq = apply_rope(np.tile(q, (seq_len, 1)))
    rk = apply_rope(np.tile(k, (seq_len, 1)))
    scores = rq @ rk.T
    fig, ax = plt.subplots(figsize=(4.8, 4.0))
    limit = float(np.abs(scores).max())
    im = ax.imshow(scores, cmap="RdBu_r", origin="upper", vmin=-limit, vmax=limit)
    ax.set_xlabel("key position $n$")
    ax.set_ylabel("query position $m$")
    ax.set_title(r"RoPE score $\langle R_m q, R_n k\rangle$, same $q$, $k$ everywhere")
    fig.colorbar(im, ax=ax, shrink=0.85)
    fig.tight_layout()
    return fig


def plot_long_term_decay(dim: int = 128, max_distance: int = 256, base: float = 10000.0) -> Figure:
    """RoFormer's relative upper bound ``mean_j |S_j|`` against the relative distance.

    The right panel zooms into the first distances, where the curve is visibly not monotone.
    """
    import matplotlib.pyplot as plt

    r = np.arange(max_distance + 1)
    bound = relative_decay_bound(r, dim, base)
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(7.6, 3.4))
    ax.plot(r, bound, color="tab:blue")
    ax.set_xlabel("relative distance $m - n$")
    ax.set_ylabel(r"$(2/d)\,\sum_j |S_j|$")
    ax.set_title(f"long-term decay, d = {dim}, base = {base:g}")
    near = r <= 40
    zoom.plot(r[near], bound[near], marker=".", color="tab:blue")
    bumps = np.flatnonzero(np.diff(bound[near]) > 0) + 1
    zoom.plot(
        r[near][bumps],
        bound[near][bumps],
        "o",
        mfc="none",
        color="tab:red",
        label="increase over previous",
    )
    zoom.set_xlabel("relative distance $m - n$")
    zoom.set_title("zoom: not monotone")
    zoom.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_context_extension(
    dim: int = 128, scale: float = 8.0, original_length: int = 2048, base: float = 10000.0
) -> Figure:
    """How position interpolation, NTK-aware scaling and YaRN change each frequency ``theta_i``.

    Plotted: new ``theta_i`` divided by the original ``theta_i``, per pair index ``i``.
    """
    import matplotlib.pyplot as plt

    theta = rope_frequencies(dim, base)
    i = np.arange(dim // 2)
    fig, ax = plt.subplots()
    curves = {
        "position interpolation": position_interpolation_frequencies(dim, base, scale),
        "NTK-aware base": ntk_aware_frequencies(dim, base, scale),
        "YaRN (NTK-by-parts)": yarn_frequencies(dim, base, scale, original_length),
    }
    for (label, freq), style in zip(curves.items(), ("-", "--", "-.")):
        ax.plot(i, freq / theta, style, label=label)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(1.0 / scale, color="grey", lw=0.8, ls=":")
    ax.set_yscale("log", base=2)
    ax.set_xlabel(r"pair index $i$ (higher $i$ = lower frequency)")
    ax.set_ylabel(r"new $\theta_i$ / original $\theta_i$")
    ax.set_title(f"context extension x{scale:g}, d = {dim}, L = {original_length}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_sinusoidal_heatmap(num_positions: int = 128, dim: int = 128) -> Figure:
    """Heatmap of the sinusoidal table plus the dot products ``PE[p] . PE[q]``."""
    import matplotlib.pyplot as plt

    pe = sinusoidal_encoding(num_positions, dim)
    fig, (ax, dots) = plt.subplots(1, 2, figsize=(8.0, 3.6))
    im = ax.imshow(pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xlabel("dimension")
    ax.set_ylabel("position $p$")
    ax.set_title("sinusoidal PE[p, :]")
    fig.colorbar(im, ax=ax)
    im2 = dots.imshow(pe @ pe.T, cmap="viridis")
    dots.set_xlabel("position $q$")
    dots.set_ylabel("position $p$")
    dots.set_title(r"$PE_p \cdot PE_q$")
    fig.colorbar(im2, ax=dots)
    fig.tight_layout()
    return fig


def plot_t5_buckets(num_buckets: int = 32, max_distance: int = 128) -> Figure:
    """T5 bucket index against the relative position, bidirectional and causal."""
    import matplotlib.pyplot as plt

    rel = np.arange(-160, 161)
    fig, ax = plt.subplots()
    for bidirectional, style in ((True, "-"), (False, "--")):
        buckets = t5_relative_position_bucket(
            rel, bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
        )
        ax.step(rel, buckets, style, where="mid", label=f"bidirectional={bidirectional}")
    for x in (-max_distance, max_distance):
        ax.axvline(x, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("relative position (key - query)")
    ax.set_ylabel("bucket")
    ax.set_title(f"T5 buckets: {num_buckets} buckets, max_distance = {max_distance}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_alibi_bias(num_heads: int = 8, seq_len: int = 16) -> Figure:
    """ALiBi: bias against distance per head (left) and one head's bias matrix (right)."""
    import matplotlib.pyplot as plt

    slopes = alibi_slopes(num_heads)
    bias = alibi_bias(num_heads, seq_len)
    fig, (ax, mat) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    dist = np.arange(seq_len)
    for h in range(num_heads):
        ax.plot(dist, -slopes[h] * dist, label=f"m = {slopes[h]:.4g}")
    ax.set_xlabel("distance $i - j$")
    ax.set_ylabel("bias")
    ax.set_title(f"ALiBi, {num_heads} heads")
    ax.legend(fontsize=6, ncol=2)
    masked = np.where(np.tril(np.ones((seq_len, seq_len), dtype=bool)), bias[0], np.nan)
    im = mat.imshow(masked, cmap="magma")
    mat.set_xlabel("key $j$")
    mat.set_ylabel("query $i$")
    mat.set_title(f"head 0 (m = {slopes[0]:g}), causal")
    fig.colorbar(im, ax=mat)
    fig.tight_layout()
    return fig
