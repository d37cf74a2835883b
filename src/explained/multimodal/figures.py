"""Figures of the multimodal articles. They only draw: every function takes the data an article
computed (and checked) with the package, and returns the matplotlib figure.

Text in the figures is English or math only (the build machine has no CJK font).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "plot_batch_size_study",
    "plot_capfilt_study",
    "plot_chunk_schedule",
    "plot_itm_scores",
    "plot_loss_curves",
    "plot_loss_vs_scale",
    "plot_similarity_matrices",
    "plot_training_curve",
]


def plot_similarity_matrices(
    matrices: Mapping[str, np.ndarray], caption_names: Sequence[str]
) -> object:
    """Heat maps of image (rows) x caption (columns) cosine similarities, one panel per entry."""
    import matplotlib.pyplot as plt

    n = len(caption_names)
    fig, axes = plt.subplots(1, len(matrices), figsize=(7.2, 3.6), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, (title, sim) in zip(axes, matrices.items()):
        im = ax.imshow(sim, vmin=-1, vmax=1, cmap="RdBu_r")
        ax.set_title(title)
        ax.set_xticks(range(n), list(caption_names), rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(n), [f"img {i}" for i in range(n)], fontsize=7)
        ax.set_xlabel("caption")
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="cosine similarity")
    return fig


def plot_training_curve(
    losses: Sequence[float], logit_scales: Sequence[float], chance: float, batch_size: int
) -> object:
    """Loss (left axis) with the chance level, and the learnt logit scale (right axis)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    ax.plot(losses, color="C0", lw=1)
    ax.axhline(chance, color="C0", ls=":", lw=1)
    ax.text(len(losses) * 0.6, chance + 0.15, f"ln {batch_size} (chance)", color="C0")
    ax.set_xlabel(f"training step (batch size {batch_size})")
    ax.set_ylabel("CLIP loss", color="C0")
    twin = ax.twinx()
    twin.plot(logit_scales, color="C3", lw=1.5)
    twin.set_ylabel("logit scale exp(t)", color="C3")
    return fig


def plot_loss_vs_scale(
    scales: Sequence[float], curves: Mapping[str, Sequence[float]], chance: float, start: float
) -> object:
    """Loss curves against the logit scale (log-log), the chance level and the initial scale."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
    for label, values in curves.items():
        ax.plot(scales, values, label=label)
    ax.axhline(chance, color="gray", ls=":", label=f"ln N = {chance:.2f}")
    ax.axvline(start, color="gray", lw=0.8, ls="--")
    ax.text(start * 1.08, 2e-3, f"{start:.3g}", color="gray")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 200)
    ax.set_xlabel("logit scale")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return fig


def plot_loss_curves(curves: Mapping[str, Sequence[float]], xlabel: str, ylabel: str) -> object:
    """One training-loss curve per entry of ``curves`` (label -> losses per step)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    for label, losses in curves.items():
        ax.plot(losses, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, None)
    ax.legend()
    return fig


def plot_chunk_schedule(schedule: Sequence[Sequence[tuple[int, int]]]) -> object:
    """Which step (and device) computes each block of the N x N logits in a ring schedule."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    n_devices = len(schedule)
    grid = np.zeros((n_devices, n_devices))
    for k, step in enumerate(schedule):
        for i, j in step:
            grid[i, j] = k
    fig, ax = plt.subplots(figsize=(4.6, 4.0), constrained_layout=True)
    ax.imshow(grid, cmap=ListedColormap(plt.cm.Pastel1.colors[:n_devices]))
    for i in range(n_devices):
        for j in range(n_devices):
            ax.text(
                j, i, f"step {int(grid[i, j])}\ndevice {i}", ha="center", va="center", fontsize=8
            )
    ax.set_xticks(range(n_devices), [f"texts {j}" for j in range(n_devices)])
    ax.set_yticks(range(n_devices), [f"images {i}" for i in range(n_devices)])
    ax.set_title("blocks of the N x N logits (diagonal blocks hold the positives)", fontsize=9)
    return fig


def plot_batch_size_study(study: Mapping) -> object:
    """Mean zero-shot accuracy ± sd over seeds against batch size, softmax and sigmoid losses
    (``study`` as returned by :func:`~explained.multimodal.experiments.batch_size_study`)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    sizes = study["batch_sizes"]
    for loss, marker, label in (("clip", "o-", "softmax (CLIP)"), ("siglip", "s-", "sigmoid")):
        ax.errorbar(
            sizes, study["mean"][loss], yerr=study["sd"][loss], fmt=marker, capsize=3, label=label
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(b) for b in sizes])
    ax.set_xlabel(f"batch size ({study['examples']:,} pairs seen by every run)")
    ax.set_ylabel(f"zero-shot accuracy (mean ± sd, {len(study['seeds'])} seeds)")
    ax.legend()
    return fig


def plot_itm_scores(probabilities: np.ndarray, is_clean: np.ndarray, threshold: float) -> object:
    """Histograms of ITM match probabilities, matching pairs versus mismatched pairs."""
    import matplotlib.pyplot as plt

    p, clean = np.asarray(probabilities), np.asarray(is_clean, dtype=bool)
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    bins = np.linspace(0, 1, 26)
    ax.hist(p[clean], bins=bins, alpha=0.7, label="caption matches image")
    ax.hist(p[~clean], bins=bins, alpha=0.7, label="caption of another class")
    ax.axvline(threshold, color="k", ls="--", lw=1)
    ax.set_xlabel("ITM probability of a match")
    ax.set_ylabel("web pairs")
    ax.legend()
    return fig


def plot_capfilt_study(study: Mapping, names: Sequence[str]) -> object:
    """Bars of mean zero-shot accuracy with ± sd over seeds and every seed's value as a dot
    (``study`` as returned by :func:`~explained.multimodal.experiments.capfilt_study`)."""
    import matplotlib.pyplot as plt

    means = [study["mean"][n] for n in names]
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    ax.bar(
        range(len(names)),
        means,
        yerr=[study["sd"][n] for n in names],
        capsize=4,
        color=["C7", "C0", "C1", "C2", "C2"][: len(names)],
    )
    for k, n in enumerate(names):
        values = study["accuracy"][n]
        ax.plot(np.full(len(values), k) + np.linspace(-0.2, 0.2, len(values)), values, "k.", ms=4)
        ax.text(k, means[k] / 2, f"{means[k]:.2f}", ha="center", color="white")
    ax.set_xticks(range(len(names)), list(names), rotation=15)
    ax.set_ylabel(f"zero-shot accuracy ({len(study['seeds'])} seeds)")
    ax.set_ylim(0, 1)
    return fig
