"""Figures of the multimodal articles. They only draw: every function takes the data an article
computed (and checked) with the package, and returns the matplotlib figure.

Each function checks its data before it creates a figure: arrays must be finite, non-empty and
of the expected shape, mappings must hold the keys the figure reads, and lengths must agree.
Anything else is a TypeError or ValueError that says what was expected.

Text in the figures is English or math only (the build machine has no CJK font).
"""

from __future__ import annotations

import math
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

# -- checks of the data a figure is given ---------------------------------------------------------


def _array(
    values: object, name: str, ndim: int, *, low: float = -math.inf, high: float = math.inf
) -> np.ndarray:
    """``values`` as a finite, non-empty float array with ``ndim`` dimensions in [low, high]."""
    expected = f"a non-empty {ndim}-D array of real numbers"
    if values is None or isinstance(values, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be {expected}, got {type(values).__name__}")
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):
        raise TypeError(f"{name} must be {expected}, got a ragged or mixed sequence") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be {expected}, got dtype {arr.dtype}")
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be {expected}, got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found nan or inf)")
    if np.any(arr < low) or np.any(arr > high):
        raise ValueError(
            f"{name} must lie in [{low:g}, {high:g}], got values in [{arr.min():g}, {arr.max():g}]"
        )
    return arr


def _real(
    value: object,
    name: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    positive: bool = False,
) -> float:
    """``value`` as a finite float in [low, high] (and > 0 if ``positive``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite real number, got {value:.3g}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite real number, got {x}")
    if positive and x <= 0:
        raise ValueError(f"{name} must be > 0, got {x:g}")
    if not low <= x <= high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}], got {x:g}")
    return x


def _int(value: object, name: str, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in [low, high] (bools are not ints here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        top = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be an int >= {low}{top}, got {value}")
    return int(value)


def _sequence(values: object, name: str, what: str) -> list:
    """``values`` (a list, tuple or 1-D array) as a non-empty list."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list or tuple of {what}, got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name} must be a non-empty list or tuple of {what}")
    return list(values)


def _strings(values: object, name: str) -> list[str]:
    out = _sequence(values, name, "strings")
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{name} must hold strings, got {type(v).__name__}")
    return out


def _ints(values: object, name: str, low: int) -> list[int]:
    return [_int(v, f"each of {name}", low) for v in _sequence(values, name, "ints")]


def _mapping(value: object, name: str, keys: Sequence[str], source: str = "") -> Mapping:
    """``value`` as a mapping holding every one of ``keys``."""
    expected = f"a mapping with keys {list(keys)}" + (
        f" (as returned by {source})" if source else ""
    )
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise ValueError(f"{name} must be {expected}; missing {missing}")
    return value


def _curves(
    curves: object, name: str, length: int | None = None, *, low: float = -math.inf
) -> dict[str, np.ndarray]:
    """A non-empty ``{label: 1-D array}`` mapping; every array of ``length`` if it is given."""
    if not isinstance(curves, Mapping):
        raise TypeError(
            f"{name} must be a mapping of label to 1-D array, got {type(curves).__name__}"
        )
    if not curves:
        raise ValueError(f"{name} must be a non-empty mapping of label to 1-D array")
    out = {}
    for label, values in curves.items():
        arr = _array(values, f"{name}[{label!r}]", 1, low=low)
        if length is not None and len(arr) != length:
            raise ValueError(f"{name}[{label!r}] must have {length} values, got {len(arr)}")
        out[str(label)] = arr
    return out


# Logit scales a log axis can draw, and the loss axis of plot_loss_vs_scale.
_LOG_RANGE = (1e-100, 1e100)
_LOSS_RANGE = (1e-3, 200.0)

# -- the figures -----------------------------------------------------------------------------------


def plot_similarity_matrices(
    matrices: Mapping[str, np.ndarray], caption_names: Sequence[str]
) -> object:
    """Heat maps of image (rows) x caption (columns) cosine similarities, one panel per entry.

    Every matrix is ``n x n`` for the ``n`` captions (image ``i`` belongs with caption ``i``).

    Examples
    --------
    >>> plot_similarity_matrices({"a": np.eye(2)}, ["x", "y", "z"])
    Traceback (most recent call last):
    ...
    ValueError: matrices['a'] must be 3 x 3 (images x the 3 captions), got shape (2, 2)
    """
    import matplotlib.pyplot as plt

    names = _strings(caption_names, "caption_names")
    n = len(names)
    if not isinstance(matrices, Mapping):
        raise TypeError(
            f"matrices must be a mapping of panel title to n x n array, got "
            f"{type(matrices).__name__}"
        )
    if not matrices:
        raise ValueError("matrices must be a non-empty mapping of panel title to n x n array")
    panels = {}
    for title, sim in matrices.items():
        arr = _array(sim, f"matrices[{title!r}]", 2)
        if arr.shape != (n, n):
            raise ValueError(
                f"matrices[{title!r}] must be {n} x {n} (images x the {n} captions), "
                f"got shape {arr.shape}"
            )
        panels[str(title)] = arr
    fig, axes = plt.subplots(1, len(panels), figsize=(7.2, 3.6), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, (title, sim) in zip(axes, panels.items()):
        im = ax.imshow(sim, vmin=-1, vmax=1, cmap="RdBu_r")
        ax.set_title(title)
        ax.set_xticks(range(n), names, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(n), [f"img {i}" for i in range(n)], fontsize=7)
        ax.set_xlabel("caption")
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="cosine similarity")
    return fig


def plot_training_curve(
    losses: Sequence[float], logit_scales: Sequence[float], chance: float, batch_size: int
) -> object:
    """Loss (left axis) with the chance level, and the learnt logit scale (right axis).

    ``losses`` and ``logit_scales`` hold one value per training step (as in
    :class:`~explained.multimodal.model.TrainingHistory`).

    Examples
    --------
    >>> plot_training_curve([3.0, 2.0], [14.0], 2.08, 8)
    Traceback (most recent call last):
    ...
    ValueError: losses and logit_scales must have one value per step each, got 2 and 1
    """
    import matplotlib.pyplot as plt

    losses = _array(losses, "losses", 1)
    logit_scales = _array(logit_scales, "logit_scales", 1, low=0.0)
    if len(losses) != len(logit_scales):
        raise ValueError(
            "losses and logit_scales must have one value per step each, got "
            f"{len(losses)} and {len(logit_scales)}"
        )
    chance = _real(chance, "chance")
    batch_size = _int(batch_size, "batch_size", 1)
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
    """Loss curves against the logit scale (log-log), the chance level and the initial scale.

    ``scales`` lie in [1e-100, 1e100] (a log axis) and ``start`` among them; every curve holds one
    loss (>= 0) per scale; ``chance`` lies in the loss axis' range [0.001, 200].

    Examples
    --------
    >>> plot_loss_vs_scale([0.1, 1.0], {"c": [2.0, 1.0]}, 2.08, 14.3)
    Traceback (most recent call last):
    ...
    ValueError: start must lie in [0.1, 1], got 14.3
    """
    import matplotlib.pyplot as plt

    scales = _array(scales, "scales", 1, low=_LOG_RANGE[0], high=_LOG_RANGE[1])
    curves = _curves(curves, "curves", len(scales), low=0.0)
    chance = _real(chance, "chance", low=_LOSS_RANGE[0], high=_LOSS_RANGE[1])
    start = _real(start, "start", low=float(scales.min()), high=float(scales.max()))
    fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
    for label, values in curves.items():
        ax.plot(scales, values, label=label)
    ax.axhline(chance, color="gray", ls=":", label=f"ln N = {chance:.2f}")
    ax.axvline(start, color="gray", lw=0.8, ls="--")
    ax.text(start * 1.08, 2e-3, f"{start:.3g}", color="gray")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(*_LOSS_RANGE)
    ax.set_xlabel("logit scale")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return fig


def plot_loss_curves(curves: Mapping[str, Sequence[float]], xlabel: str, ylabel: str) -> object:
    """One training-loss curve per entry of ``curves`` (label -> losses per step, each >= 0).

    Examples
    --------
    >>> plot_loss_curves({"b = 0": [3.0, float("nan")]}, "step", "loss")
    Traceback (most recent call last):
    ...
    ValueError: curves['b = 0'] must be finite (found nan or inf)
    """
    import matplotlib.pyplot as plt

    curves = _curves(curves, "curves", low=0.0)  # the y axis starts at 0
    for value, name in ((xlabel, "xlabel"), (ylabel, "ylabel")):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    for label, losses in curves.items():
        ax.plot(losses, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, None)
    ax.legend()
    return fig


def _schedule_steps(schedule: object) -> dict[tuple[int, int], int]:
    """``{(image block, text block): step}`` of a ring schedule that computes every block once."""
    steps = _sequence(schedule, "schedule", "steps (one list of blocks per step)")
    n = len(steps)
    if n > 9:
        raise ValueError(f"schedule can show at most 9 devices (one colour per step), got {n}")
    step_of: dict[tuple[int, int], int] = {}
    for k, step in enumerate(steps):
        for pair in _sequence(step, f"schedule[{k}]", "(image block, text block) pairs"):
            if isinstance(pair, np.ndarray):
                pair = pair.tolist()
            if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
                raise TypeError(
                    f"each block of schedule[{k}] must be an (image block, text block) pair "
                    f"of ints, got {pair!r:.60}"
                )
            i, j = (_int(b, f"a block index in schedule[{k}]", 0, n - 1) for b in pair)
            if (i, j) in step_of:
                raise ValueError(
                    f"block {(i, j)} is computed in step {step_of[i, j]} and again in step {k}; "
                    "a schedule computes every block once"
                )
            step_of[i, j] = k
    if len(step_of) != n * n:
        missing = [(i, j) for i in range(n) for j in range(n) if (i, j) not in step_of]
        raise ValueError(
            f"schedule must compute every one of the {n} x {n} blocks once; "
            f"{len(missing)} missing, e.g. {missing[0]}"
        )
    return step_of


def plot_chunk_schedule(schedule: Sequence[Sequence[tuple[int, int]]]) -> object:
    """Which step (and device) computes each block of the N x N logits in a ring schedule.

    ``schedule[k]`` lists the (image block, text block) pairs of step ``k``, as returned by
    :func:`~explained.multimodal.losses.siglip_chunk_schedule`; with ``D`` steps it must cover
    each of the ``D x D`` blocks exactly once.

    Examples
    --------
    >>> plot_chunk_schedule([[(0, 0), (1, 1)], [(0, 1)]])
    Traceback (most recent call last):
    ...
    ValueError: schedule must compute every one of the 2 x 2 blocks once; 1 missing, e.g. (1, 0)
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    step_of = _schedule_steps(schedule)
    n_devices = len(schedule)
    grid = np.zeros((n_devices, n_devices))
    for (i, j), k in step_of.items():
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


def _seed_count(seeds: object, name: str) -> int:
    return len(_ints(seeds, name, 0))


def plot_batch_size_study(study: Mapping) -> object:
    """Mean zero-shot accuracy ± sd over seeds against batch size, softmax and sigmoid losses
    (``study`` as returned by :func:`~explained.multimodal.experiments.batch_size_study`).

    Examples
    --------
    >>> plot_batch_size_study({"batch_sizes": [4, 8], "examples": 64, "seeds": [0]})
    Traceback (most recent call last):
    ...
    ValueError: study must be a mapping with keys ['batch_sizes', 'examples', 'seeds', 'mean', 'sd'] (as returned by batch_size_study); missing ['mean', 'sd']
    """
    import matplotlib.pyplot as plt

    keys = ("batch_sizes", "examples", "seeds", "mean", "sd")
    study = _mapping(study, "study", keys, "batch_size_study")
    sizes = _ints(study["batch_sizes"], "study['batch_sizes']", 1)
    examples = _int(study["examples"], "study['examples']", 1)
    n_seeds = _seed_count(study["seeds"], "study['seeds']")
    stats: dict[str, dict[str, np.ndarray]] = {}
    for key, (low, high) in (("mean", (0.0, 1.0)), ("sd", (0.0, math.inf))):
        per_loss = _mapping(study[key], f"study[{key!r}]", ("clip", "siglip"))
        stats[key] = {}
        for loss in ("clip", "siglip"):
            name = f"study[{key!r}][{loss!r}]"
            values = _array(per_loss[loss], name, 1, low=low, high=high)
            if len(values) != len(sizes):
                raise ValueError(
                    f"{name} must have one value per batch size ({len(sizes)}), got {len(values)}"
                )
            stats[key][loss] = values
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    for loss, marker, label in (("clip", "o-", "softmax (CLIP)"), ("siglip", "s-", "sigmoid")):
        ax.errorbar(
            sizes, stats["mean"][loss], yerr=stats["sd"][loss], fmt=marker, capsize=3, label=label
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(b) for b in sizes])
    ax.set_xlabel(f"batch size ({examples:,} pairs seen by every run)")
    ax.set_ylabel(f"zero-shot accuracy (mean ± sd, {n_seeds} seeds)")
    ax.legend()
    return fig


def plot_itm_scores(probabilities: np.ndarray, is_clean: np.ndarray, threshold: float) -> object:
    """Histograms of ITM match probabilities, matching pairs versus mismatched pairs.

    ``probabilities`` in [0, 1] and the boolean ``is_clean`` hold one value per pair.

    Examples
    --------
    >>> plot_itm_scores([0.1, 0.9], [True], 0.5)
    Traceback (most recent call last):
    ...
    ValueError: is_clean must have one value per probability (2), got 1
    """
    import matplotlib.pyplot as plt

    p = _array(probabilities, "probabilities", 1, low=0.0, high=1.0)
    if isinstance(is_clean, (str, bytes, Mapping)) or is_clean is None:
        raise TypeError(f"is_clean must be a 1-D array of bools, got {type(is_clean).__name__}")
    try:
        flags = np.asarray(is_clean)
    except (ValueError, TypeError):
        raise TypeError("is_clean must be a 1-D array of bools, got a ragged sequence") from None
    if flags.dtype.kind in "iu" and flags.size and np.isin(flags, (0, 1)).all():
        flags = flags.astype(bool)
    if flags.dtype.kind != "b":
        raise TypeError(f"is_clean must be a 1-D array of bools, got dtype {flags.dtype}")
    if flags.ndim != 1 or len(flags) != len(p):
        raise ValueError(
            f"is_clean must have one value per probability ({len(p)}), "
            f"got {len(flags) if flags.ndim == 1 else f'shape {flags.shape}'}"
        )
    threshold = _real(threshold, "threshold", low=0.0, high=1.0)
    clean = flags
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
    (``study`` as returned by :func:`~explained.multimodal.experiments.capfilt_study`; one bar
    per training set in ``names``).

    Examples
    --------
    >>> study = {"seeds": [0], "mean": {"a": 0.5}, "sd": {"a": 0.0}, "accuracy": {"a": [0.5]}}
    >>> plot_capfilt_study(study, ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: study['mean'] must be a mapping with keys ['a', 'b']; missing ['b']
    """
    import matplotlib.pyplot as plt

    names = _strings(names, "names")
    study = _mapping(study, "study", ("seeds", "mean", "sd", "accuracy"), "capfilt_study")
    n_seeds = _seed_count(study["seeds"], "study['seeds']")
    mean, sd, accuracy = (
        _mapping(study[k], f"study[{k!r}]", names) for k in ("mean", "sd", "accuracy")
    )
    means = [_real(mean[n], f"study['mean'][{n!r}]", low=0.0, high=1.0) for n in names]
    sds = [_real(sd[n], f"study['sd'][{n!r}]", low=0.0) for n in names]
    per_seed = []
    for n in names:
        values = _array(accuracy[n], f"study['accuracy'][{n!r}]", 1, low=0.0, high=1.0)
        if len(values) != n_seeds:
            raise ValueError(
                f"study['accuracy'][{n!r}] must have one value per seed ({n_seeds}), "
                f"got {len(values)}"
            )
        per_seed.append(values)
    fig, ax = plt.subplots(figsize=(6.4, 3.4), constrained_layout=True)
    ax.bar(
        range(len(names)),
        means,
        yerr=sds,
        capsize=4,
        color=["C7", "C0", "C1", "C2", "C2"][: len(names)],
    )
    for k, values in enumerate(per_seed):
        ax.plot(np.full(len(values), k) + np.linspace(-0.2, 0.2, len(values)), values, "k.", ms=4)
        ax.text(k, means[k] / 2, f"{means[k]:.2f}", ha="center", color="white")
    ax.set_xticks(range(len(names)), names, rotation=15)
    ax.set_ylabel(f"zero-shot accuracy ({n_seeds} seeds)")
    ax.set_ylim(0, 1)
    return fig
