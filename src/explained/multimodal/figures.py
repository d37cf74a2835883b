"""Figures of the multimodal articles, computed with the package at build time.

Text in the figures is English or math only (the build machine has no CJK font).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .data import CLASS_NAMES, make_dataset
from .experiments import batch_size_study, capfilt_experiment
from .losses import clip_loss, siglip_chunk_schedule
from .model import DualEncoder, train

__all__ = [
    "plot_blip_capfilt",
    "plot_blip_itm_scores",
    "plot_clip_loss_vs_scale",
    "plot_clip_similarity",
    "plot_clip_training",
    "plot_siglip_batch_size",
    "plot_siglip_bias_start",
    "plot_siglip_chunks",
]


@lru_cache(maxsize=2)
def _trained(loss: str = "clip"):
    model = DualEncoder(loss=loss, seed=0)
    history = train(model, make_dataset(1000, seed=0), epochs=6)
    return model, history


def _one_per_class(classes, seed: int = 7):
    data = make_dataset(400, seed=seed)
    index = [int(np.flatnonzero(data.labels == c)[0]) for c in classes]
    return data.subset(np.array(index))


def plot_clip_similarity():
    """Cosine similarity of 8 image–caption pairs before and after training."""
    import matplotlib.pyplot as plt

    classes = [0, 5, 10, 15, 16, 21, 3, 14]
    batch = _one_per_class(classes)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), constrained_layout=True)
    for ax, (title, model) in zip(
        axes, [("random init", DualEncoder(seed=0)), ("after training", _trained("clip")[0])]
    ):
        sim = model.encode_images(batch.images) @ model.encode_texts(batch.captions).T
        im = ax.imshow(sim, vmin=-1, vmax=1, cmap="RdBu_r")
        ax.set_title(title)
        ax.set_xticks(
            range(8), [CLASS_NAMES[c] for c in classes], rotation=60, ha="right", fontsize=7
        )
        ax.set_yticks(range(8), [f"img {i}" for i in range(8)], fontsize=7)
        ax.set_xlabel("caption")
    fig.colorbar(im, ax=axes, shrink=0.8, label="cosine similarity")
    return fig


def plot_clip_training():
    """Loss and learnt logit scale over the training steps of the toy CLIP run."""
    import matplotlib.pyplot as plt

    history = _trained("clip")[1]
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    ax.plot(history.losses, color="C0", lw=1)
    ax.axhline(np.log(64), color="C0", ls=":", lw=1)
    ax.text(len(history.losses) * 0.6, np.log(64) + 0.15, "ln 64 (chance)", color="C0")
    ax.set_xlabel("training step (batch size 64)")
    ax.set_ylabel("CLIP loss", color="C0")
    twin = ax.twinx()
    twin.plot(history.logit_scales, color="C3", lw=1.5)
    twin.set_ylabel("logit scale exp(t)", color="C3")
    return fig


def plot_clip_loss_vs_scale():
    """CLIP loss of one batch of 8 pairs as the logit scale grows, for three embeddings."""
    import matplotlib.pyplot as plt

    classes = [0, 5, 10, 15, 16, 21, 3, 14]
    batch = _one_per_class(classes)
    model = _trained("clip")[0]
    u, v = model.encode_images(batch.images), model.encode_texts(batch.captions)
    rng = np.random.default_rng(0)
    r = rng.normal(size=(8, 16))
    r /= np.linalg.norm(r, axis=1, keepdims=True)
    scales = np.geomspace(0.1, 100, 60)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
    ax.plot(scales, [clip_loss(u, v, s) for s in scales], label="trained pairs")
    ax.plot(
        scales,
        [clip_loss(u, v[np.roll(np.arange(8), 1)], s) for s in scales],
        label="trained, captions shifted by one",
    )
    ax.plot(
        scales, [clip_loss(r, np.roll(r, 1, axis=0), s) for s in scales], label="random embeddings"
    )
    ax.axhline(np.log(8), color="gray", ls=":", label="ln 8")
    ax.axvline(1 / 0.07, color="gray", lw=0.8, ls="--")
    ax.text(1 / 0.07 * 1.08, 2e-3, "1/0.07", color="gray")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 200)
    ax.set_xlabel("logit scale")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return fig


def plot_siglip_bias_start():
    """First steps of SigLIP training with the paper's bias b = -10 and with b = 0."""
    import matplotlib.pyplot as plt

    data = make_dataset(1000, seed=0)
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    for bias in (-10.0, 0.0):
        model = DualEncoder(loss="siglip", seed=0)
        model.params["b"] = np.array(bias)
        history = train(model, data, steps=60, batch_size=64)
        ax.plot(history.losses, label=f"b init = {bias:g}")
    ax.set_xlabel("training step (batch size 64)")
    ax.set_ylabel("SigLIP loss (sum over pairs / N)")
    ax.set_ylim(0, None)
    ax.legend()
    return fig


def plot_siglip_chunks(n_devices: int = 4):
    """Which step of the chunked scheme computes each block of the N x N logit matrix."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    schedule = siglip_chunk_schedule(n_devices)
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


def plot_siglip_batch_size():
    """Toy zero-shot accuracy against batch size for the softmax (CLIP) and sigmoid losses."""
    import matplotlib.pyplot as plt

    r = batch_size_study()
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    ax.plot(r["batch_sizes"], r["clip"], "o-", label="softmax (CLIP)")
    ax.plot(r["batch_sizes"], r["siglip"], "s-", label="sigmoid (SigLIP)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel(f"batch size ({r['steps']} steps each)")
    ax.set_ylabel("zero-shot accuracy (24 classes)")
    ax.set_ylim(0, 1)
    ax.legend()
    return fig


@lru_cache(maxsize=1)
def _itm_scores():
    from .blip import MatchingHead

    model = _trained("clip")[0]
    human = make_dataset(200, seed=1)
    web = make_dataset(600, noise=0.5, seed=2)
    out = {}
    for hard in (True, False):
        head = MatchingHead(model).fit(human, hard_negatives=hard)
        out[hard] = head.predict_proba(web.images, web.captions)
    return out, web.is_clean


def plot_blip_itm_scores():
    """Distribution of ITM match probabilities on noisy web pairs, clean versus mismatched."""
    import matplotlib.pyplot as plt

    scores, clean = _itm_scores()
    p = scores[True]
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    bins = np.linspace(0, 1, 26)
    ax.hist(p[clean], bins=bins, alpha=0.7, label="caption matches image")
    ax.hist(p[~clean], bins=bins, alpha=0.7, label="caption of another class")
    ax.axvline(0.5, color="k", ls="--", lw=1)
    ax.set_xlabel("ITM probability of a match")
    ax.set_ylabel("web pairs")
    ax.legend()
    return fig


def plot_blip_capfilt():
    """Zero-shot accuracy of models trained on the noisy web data and on its CapFilt versions."""
    import matplotlib.pyplot as plt

    r = capfilt_experiment()
    names = ["noisy web", "filter only", "captioner only", "CapFilt (nucleus)", "CapFilt (beam)"]
    values = [r["accuracy"][n] for n in names]
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    bars = ax.bar(range(len(names)), values, color=["C7", "C0", "C1", "C2", "C2"])
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.01, f"{v:.2f}", ha="center")
    ax.set_xticks(range(len(names)), names, rotation=15)
    ax.set_ylabel("zero-shot accuracy")
    ax.set_ylim(0, 1)
    return fig
