"""Figures for the position-encoding articles: drawing only.

Every function takes the data the page computed (and checked) with :mod:`explained.position`
and returns a :class:`matplotlib.figure.Figure`; nothing here computes what a figure shows. Text
in the figures is English or math only (the build machine has no CJK font); the pages carry the
Chinese captions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

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


def _array(values: object, name: str, ndim: int) -> np.ndarray:
    """``values`` as a finite, non-empty float array with ``ndim`` dimensions."""
    arr = np.asarray(values) if not isinstance(values, (str, bytes)) else np.asarray(None)
    if arr.dtype.kind not in "biuf" or arr.dtype == np.float16:
        raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__}")
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found nan or inf)")
    return arr.astype(np.float64)


def _curves(curves: object, name: str, length: int | None = None) -> dict[str, np.ndarray]:
    """A non-empty ``{label: 1-D array}`` mapping whose arrays all have the same length."""
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"{name} must be a non-empty mapping of label to 1-D array")
    out = {str(label): _array(values, f"{name}[{label!r}]", 1) for label, values in curves.items()}
    lengths = {len(v) for v in out.values()} | ({length} if length is not None else set())
    if len(lengths) != 1:
        raise ValueError(f"the curves in {name} must have equal lengths, got {sorted(lengths)}")
    return out


def plot_relative_scores(scores: object) -> Figure:
    """Heatmap of a square matrix of scores ``<R_m q, R_n k>`` (rows: query position ``m``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_relative_scores(np.eye(3))
    >>> fig.axes[0].get_xlabel()
    'key position $n$'
    >>> plt.close(fig)
    >>> plot_relative_scores(np.ones((2, 3)))
    Traceback (most recent call last):
    ...
    ValueError: scores must be square, got shape (2, 3)

    Data that is not a finite real array of the expected dimension is refused by name:

    >>> plot_relative_scores("abc")
    Traceback (most recent call last):
    ...
    TypeError: scores must be an array of real numbers, got str
    >>> plot_relative_scores(np.ones(3))
    Traceback (most recent call last):
    ...
    ValueError: scores must be a non-empty 2-D array, got shape (3,)
    >>> plot_relative_scores(np.full((2, 2), np.nan))
    Traceback (most recent call last):
    ...
    ValueError: scores must be finite (found nan or inf)
    """
    import matplotlib.pyplot as plt

    matrix = _array(scores, "scores", 2)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"scores must be square, got shape {matrix.shape}")
    fig, ax = plt.subplots(figsize=(4.8, 4.0))
    limit = float(np.abs(matrix).max()) or 1.0
    im = ax.imshow(matrix, cmap="RdBu_r", origin="upper", vmin=-limit, vmax=limit)
    ax.set_xlabel("key position $n$")
    ax.set_ylabel("query position $m$")
    ax.set_title(r"RoPE score $\langle R_m q, R_n k\rangle$, same $q$, $k$ everywhere")
    fig.colorbar(im, ax=ax, shrink=0.85)
    fig.tight_layout()
    return fig


def plot_long_term_decay(
    distances: object,
    bound: object,
    rises: object = (),
    *,
    zoom: int = 40,
    trend: object = None,
) -> Figure:
    """RoFormer's relative upper bound against the distance: all of it on a log axis (left), and
    the first ``zoom`` distances with the points in ``rises`` circled (right). ``trend``, if
    given, is a ``(2, k)`` array of window centres and window means drawn over the left panel.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_long_term_decay([0, 1, 2, 3], [4.0, 2.0, 3.0, 1.0], [2])
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    >>> fig = plot_long_term_decay([0, 1, 2], [4.0, 2.0, 3.0], trend=[[1.5], [2.5]])
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'mean over window'
    >>> plt.close(fig)
    >>> plot_long_term_decay([0, 1], [4.0])
    Traceback (most recent call last):
    ...
    ValueError: distances and bound must have equal lengths, got 2 and 1
    >>> plot_long_term_decay([0, 1], [4.0, 2.0], zoom=0)
    Traceback (most recent call last):
    ...
    TypeError: zoom must be a positive int, got 0
    >>> plot_long_term_decay([0, 1], [4.0, 2.0], trend=np.ones((3, 2)))
    Traceback (most recent call last):
    ...
    ValueError: trend must have 2 rows (centres, means), got shape (3, 2)
    """
    import matplotlib.pyplot as plt

    r = _array(distances, "distances", 1)
    b = _array(bound, "bound", 1)
    if len(r) != len(b):
        raise ValueError(f"distances and bound must have equal lengths, got {len(r)} and {len(b)}")
    given = np.asarray(rises, dtype=object) if isinstance(rises, (tuple, list)) else rises
    marked = np.zeros(len(r), dtype=bool)
    if not (isinstance(given, np.ndarray) and given.size == 0):
        marked = np.isin(r, _array(rises, "rises", 1))
    if isinstance(zoom, bool) or not isinstance(zoom, int) or zoom < 1:
        raise TypeError(f"zoom must be a positive int, got {zoom!r}")
    fig, (ax, near_ax) = plt.subplots(1, 2, figsize=(7.6, 3.4))
    positive = r > 0
    ax.plot(r[positive], b[positive], color="tab:blue", lw=0.8)
    if trend is not None:
        window = _array(trend, "trend", 2)
        if window.shape[0] != 2:
            raise ValueError(f"trend must have 2 rows (centres, means), got shape {window.shape}")
        centres, means = window
        ax.plot(centres, means, "o-", color="tab:orange", lw=1.5, label="mean over window")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("relative distance $m - n$ (log scale)")
    ax.set_ylabel(r"$(2/d)\,\sum_j |S_j|$")
    ax.set_title("long-term decay: a trend, not monotone")
    near = r <= zoom
    near_ax.plot(r[near], b[near], marker=".", color="tab:blue")
    near_ax.plot(
        r[near & marked],
        b[near & marked],
        "o",
        mfc="none",
        color="tab:red",
        label="increase over previous",
    )
    near_ax.set_xlabel("relative distance $m - n$")
    near_ax.set_title(f"zoom: first {zoom} distances")
    near_ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_context_extension(ratios: object, scale: float) -> Figure:
    """New frequency over original frequency, per pair index, for each method in ``ratios``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_context_extension({"PI": [0.5, 0.5], "none": [1.0, 1.0]}, 2.0)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['PI', 'none']
    >>> plt.close(fig)
    >>> plot_context_extension({"PI": [0.5, 0.0]}, 2.0)
    Traceback (most recent call last):
    ...
    ValueError: ratios must be positive (they are drawn on a log axis)
    >>> plot_context_extension({"PI": [0.5, 0.5], "none": [1.0]}, 2.0)
    Traceback (most recent call last):
    ...
    ValueError: the curves in ratios must have equal lengths, got [1, 2]
    >>> plot_context_extension([0.5, 0.5], 2.0)
    Traceback (most recent call last):
    ...
    TypeError: ratios must be a non-empty mapping of label to 1-D array
    >>> plot_context_extension({"PI": [0.5, 0.5]}, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: scale must be >= 1, got 0.5
    """
    import matplotlib.pyplot as plt

    curves = _curves(ratios, "ratios")
    if any(np.any(v <= 0) for v in curves.values()):
        raise ValueError("ratios must be positive (they are drawn on a log axis)")
    s = float(_array(scale, "scale", 0))
    if s < 1:
        raise ValueError(f"scale must be >= 1, got {s}")
    fig, ax = plt.subplots()
    styles = ("-", "--", "-.", ":", (0, (5, 1)))
    for n, (label, ratio) in enumerate(curves.items()):
        ax.plot(np.arange(len(ratio)), ratio, linestyle=styles[n % len(styles)], label=label)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(1.0 / s, color="grey", lw=0.8, ls=":")
    ax.set_yscale("log", base=2)
    ax.set_xlabel(r"pair index $i$ (higher $i$ = lower frequency)")
    ax.set_ylabel(r"new $\theta_i$ / original $\theta_i$")
    ax.set_title(f"context extension x{s:g}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_sinusoidal_heatmap(table: object, dots: object) -> Figure:
    """The sinusoidal table ``PE[p, :]`` (left) and the dot products ``PE_p . PE_q`` (right).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_sinusoidal_heatmap(np.ones((3, 4)), np.ones((3, 3)))
    >>> len(fig.axes)  # two panels and their colour bars
    4
    >>> plt.close(fig)
    >>> plot_sinusoidal_heatmap(np.ones((3, 4)), np.ones((4, 4)))
    Traceback (most recent call last):
    ...
    ValueError: dots must have shape (3, 3), got (4, 4)
    """
    import matplotlib.pyplot as plt

    pe = _array(table, "table", 2)
    gram = _array(dots, "dots", 2)
    if gram.shape != (len(pe), len(pe)):
        raise ValueError(f"dots must have shape {(len(pe), len(pe))}, got {gram.shape}")
    fig, (ax, dots_ax) = plt.subplots(1, 2, figsize=(8.0, 3.6))
    im = ax.imshow(pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xlabel("dimension")
    ax.set_ylabel("position $p$")
    ax.set_title("sinusoidal PE[p, :]")
    fig.colorbar(im, ax=ax)
    im2 = dots_ax.imshow(gram, cmap="viridis")
    dots_ax.set_xlabel("position $q$")
    dots_ax.set_ylabel("position $p$")
    dots_ax.set_title(r"$PE_p \cdot PE_q$")
    fig.colorbar(im2, ax=dots_ax)
    fig.tight_layout()
    return fig


def plot_t5_buckets(relative: object, buckets: object, max_distance: int) -> Figure:
    """T5 bucket index against the relative position, one step curve per entry of ``buckets``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_t5_buckets([-1, 0, 1], {"bidirectional": [1, 0, 17]}, 8)
    >>> fig.axes[0].get_ylabel()
    'bucket'
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    rel = _array(relative, "relative", 1)
    curves = _curves(buckets, "buckets", len(rel))
    limit = float(_array(max_distance, "max_distance", 0))
    fig, ax = plt.subplots()
    for n, (label, values) in enumerate(curves.items()):
        ax.step(rel, values, ("-", "--", ":")[n % 3], where="mid", label=label)
    for x in (-limit, limit):
        ax.axvline(x, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("relative position (key - query)")
    ax.set_ylabel("bucket")
    ax.set_title(f"T5 buckets, max_distance = {limit:g}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_alibi_bias(slopes: object, bias: object) -> Figure:
    """ALiBi: each head's bias against the distance (left, read off the last row of ``bias``)
    and head 0's causal bias matrix (right). ``bias`` has shape ``(heads, n, n)``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> bias = np.array([[[0.0, 0.0], [-0.5, 0.0]]])
    >>> fig = plot_alibi_bias([0.5], bias)
    >>> fig.axes[1].get_title()
    'head 0 (m = 0.5), causal'
    >>> plt.close(fig)
    >>> plot_alibi_bias([0.5, 0.25], bias)
    Traceback (most recent call last):
    ...
    ValueError: bias must have shape (2, n, n), got (1, 2, 2)
    """
    import matplotlib.pyplot as plt

    m = _array(slopes, "slopes", 1)
    b = _array(bias, "bias", 3)
    if b.shape[0] != len(m) or b.shape[1] != b.shape[2]:
        raise ValueError(f"bias must have shape ({len(m)}, n, n), got {b.shape}")
    n = b.shape[1]
    fig, (ax, mat) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for h in range(len(m)):
        ax.plot(np.arange(n), b[h, -1, ::-1], label=f"m = {m[h]:.4g}")
    ax.set_xlabel("distance $i - j$")
    ax.set_ylabel("bias")
    ax.set_title(f"ALiBi, {len(m)} heads")
    ax.legend(fontsize=6, ncol=2)
    masked = np.where(np.tril(np.ones((n, n), dtype=bool)), b[0], np.nan)
    im = mat.imshow(masked, cmap="magma")
    mat.set_xlabel("key $j$")
    mat.set_ylabel("query $i$")
    mat.set_title(f"head 0 (m = {m[0]:g}), causal")
    fig.colorbar(im, ax=mat)
    fig.tight_layout()
    return fig
