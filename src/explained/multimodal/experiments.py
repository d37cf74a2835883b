"""The toy experiments of the articles, deterministic and small enough for the docs build.

Results are memoised in memory (never on disk) so an article's examples and its figures can
share one run; every call returns a fresh copy.
"""

from __future__ import annotations

import numpy as np

from .._cache import remember
from .blip import Captioner, MatchingHead, capfilt
from .data import make_dataset
from .evaluation import zero_shot_accuracy
from .model import DualEncoder, train

__all__ = ["batch_size_study", "capfilt_experiment", "capfilt_study"]


def _check_int(value: object, name: str, low: int = 1, high: int = 10**6) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an int in {low}..{high}, got {value}")
    return int(value)


def _check_steps(steps: object) -> None:
    _check_int(steps, "steps")


def _mean(mask: np.ndarray) -> float | None:
    """Share of True in ``mask``; None when it is empty (e.g. no noisy pair to filter)."""
    return float(np.mean(mask)) if mask.size else None


def _summary(runs: list[list[float]]) -> tuple[list[float], list[float]]:
    """Mean and sample standard deviation (ddof=1; 0 for one seed) of each row of ``runs``."""
    a = np.asarray(runs, dtype=float)
    sd = a.std(axis=1, ddof=1) if a.shape[1] > 1 else np.zeros(len(a))
    return a.mean(axis=1).tolist(), sd.tolist()


def _batch_size_study(batch_sizes: tuple[int, ...], examples: int, seeds: tuple[int, ...]) -> dict:
    data = make_dataset(2048, seed=100)
    test = make_dataset(500, seed=101)
    steps = [max(1, examples // b) for b in batch_sizes]
    result: dict = {
        "batch_sizes": list(batch_sizes),
        "examples": examples,
        "steps": steps,
        "seeds": list(seeds),
        "accuracy": {},
        "mean": {},
        "sd": {},
    }
    for loss in ("clip", "siglip"):
        runs = []
        for b, n_steps in zip(batch_sizes, steps):
            row = []
            for seed in seeds:
                model = DualEncoder(loss=loss, seed=seed)
                train(model, data, batch_size=b, steps=n_steps, seed=seed)
                row.append(zero_shot_accuracy(model, test))
            runs.append(row)
        result["accuracy"][loss] = runs
        result["mean"][loss], result["sd"][loss] = _summary(runs)
    return result


def batch_size_study(
    batch_sizes: tuple[int, ...] = (4, 8, 16, 32, 64),
    *,
    examples: int = 9600,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> dict:
    """Zero-shot accuracy of CLIP- and SigLIP-trained toy encoders per batch size and seed.

    Every run sees the same number of training ``examples`` (pairs), as in the SigLIP paper's
    batch-size study: batch size ``b`` trains ``examples // b`` steps, so a larger batch takes
    fewer, larger steps. The pool is 2048 clean pairs; accuracy is measured on 500 fresh images
    against the 24 class prompts, once per seed (the seed sets the initialisation and the order
    of the batches).

    Returns
    -------
    dict
        ``"batch_sizes"``, ``"examples"``, ``"steps"`` (per batch size), ``"seeds"``;
        ``"accuracy"[loss][i][k]`` for batch size ``i`` and seed ``k``, and its ``"mean"`` and
        ``"sd"`` (sample standard deviation over seeds) per batch size, for ``loss`` in
        ``"clip"`` (softmax) and ``"siglip"`` (sigmoid).

    Examples
    --------
    >>> r = batch_size_study((8, 32), examples=320, seeds=(0,))
    >>> sorted(r), r["steps"], len(r["accuracy"]["clip"][0])
    (['accuracy', 'batch_sizes', 'examples', 'mean', 'sd', 'seeds', 'steps'], [40, 10], 1)

    Seeds are 32-bit, examples at most a million:

    >>> batch_size_study((8,), examples=8, seeds=(2**32 - 1,))["steps"]
    [1]
    >>> batch_size_study((8,), seeds=(2**32,))
    Traceback (most recent call last):
    ...
    ValueError: seed must be an int in 0..4294967295, got 4294967296
    >>> batch_size_study((8,), examples=0)
    Traceback (most recent call last):
    ...
    ValueError: examples must be an int in 1..1000000, got 0
    >>> batch_size_study((1, 8))
    Traceback (most recent call last):
    ...
    ValueError: each of batch_sizes must be an int in 2..2048, got 1
    >>> batch_size_study(())
    Traceback (most recent call last):
    ...
    ValueError: batch_sizes must be a non-empty tuple of ints >= 2, got ()
    >>> batch_size_study(8)
    Traceback (most recent call last):
    ...
    TypeError: batch_sizes must be a tuple of ints, got int
    >>> batch_size_study((8,), seeds=())
    Traceback (most recent call last):
    ...
    TypeError: seeds must be a non-empty tuple of ints, got ()
    >>> batch_size_study((8,), examples=0.5)
    Traceback (most recent call last):
    ...
    TypeError: examples must be an int, got float
    """
    _check_int(examples, "examples")
    if isinstance(batch_sizes, (str, bytes)) or not isinstance(batch_sizes, (tuple, list)):
        raise TypeError(f"batch_sizes must be a tuple of ints, got {type(batch_sizes).__name__}")
    seeds = _check_seeds(seeds, 2**32 - 1)
    batch_sizes = tuple(_check_int(b, "each of batch_sizes", 2, 2048) for b in batch_sizes)
    if not batch_sizes:
        raise ValueError(f"batch_sizes must be a non-empty tuple of ints >= 2, got {batch_sizes}")
    # One computation per arguments, kept across docs builds (explained._cache); a fresh copy.
    args = (batch_sizes, int(examples), seeds)
    return remember("multimodal.batch_size_study", args, lambda: _batch_size_study(*args))


def _check_seeds(seeds: object, high: int) -> tuple[int, ...]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (tuple, list)) or not seeds:
        raise TypeError(f"seeds must be a non-empty tuple of ints, got {seeds!r:.60}")
    return tuple(_check_int(s, "seed", 0, high) for s in seeds)


def _capfilt_experiment(noise: float, n_web: int, n_human: int, steps: int, seed: int) -> dict:
    human = make_dataset(n_human, seed=seed + 1)
    web = make_dataset(n_web, noise=noise, seed=seed + 2)
    test = make_dataset(500, seed=seed + 3)

    def fresh_model(data):
        model = DualEncoder(seed=seed)
        # A small experiment may filter its data below one default batch of 64 pairs.
        train(model, data, steps=steps, batch_size=min(64, len(data)), seed=seed)
        return model

    # 1. pre-train on human + noisy web pairs; 2. fine-tune a copy on the human pairs only and
    # build the filter (ITM) and the captioner (LM) on it, as BLIP does with COCO.
    base = fresh_model(human.concat(web))
    tuned = base.copy()
    train(tuned, human, epochs=10, batch_size=32, lr=0.003, seed=seed)
    head = MatchingHead(tuned).fit(human, seed=seed)
    captioner = Captioner(tuned).fit(human)
    out: dict = {
        "web_noise": float(np.mean(~web.is_clean)),
        "accuracy": {"noisy web": zero_shot_accuracy(base, test)},
    }
    for method in ("nucleus", "beam"):
        r = capfilt(web, captioner, head, method=method, seed=seed)
        out[method] = {
            "synthetic_correct": float(np.mean(r.synthetic.is_clean)),
            "distinct_captions": len(set(r.synthetic.captions)),
            "synthetic_kept": float(np.mean(r.synthetic_kept)),
            "dataset_size": len(human) + len(r.dataset),
            "dataset_noise": float(np.mean(~human.concat(r.dataset).is_clean)),
        }
        out["accuracy"][f"CapFilt ({method})"] = zero_shot_accuracy(
            fresh_model(human.concat(r.dataset)), test
        )
        if method == "nucleus":
            out["web_kept"] = float(np.mean(r.web_kept))
            out["kept_web_noise"] = _mean(~web.is_clean[r.web_kept])
            out["filter_recall_noisy"] = _mean(~r.web_kept[~web.is_clean])
            out["accuracy"]["filter only"] = zero_shot_accuracy(
                fresh_model(human.concat(web.subset(r.web_kept))), test
            )
            out["accuracy"]["captioner only"] = zero_shot_accuracy(
                fresh_model(human.concat(web).concat(r.synthetic)), test
            )
    return out


def capfilt_experiment(
    noise: float = 0.5, *, n_web: int = 1000, n_human: int = 200, steps: int = 200, seed: int = 0
) -> dict:
    """BLIP's bootstrapping at toy scale: does CapFilt help a model trained on noisy captions?

    A small clean "human-annotated" set and a larger web set whose captions are wrong with
    probability ``noise``. Baseline: train on both as they are. CapFilt: fine-tune a copy of the
    baseline on the clean set, fit a :class:`~explained.multimodal.blip.MatchingHead` and a
    :class:`~explained.multimodal.blip.Captioner` on it, caption every web image, keep the pairs
    the filter accepts, and train a fresh model on clean + kept pairs. Every model is trained for
    the same number of ``steps``; the score is zero-shot accuracy on 500 clean test images.

    Returns
    -------
    dict
        Noise shares, filter statistics, per-decoding statistics under ``"nucleus"`` and
        ``"beam"``, and ``"accuracy"`` for each training set.

    Examples
    --------
    >>> r = capfilt_experiment()
    >>> {name: round(acc, 3) for name, acc in sorted(r["accuracy"].items())}
    {'CapFilt (beam)': 0.776, 'CapFilt (nucleus)': 0.738, 'captioner only': 0.752, 'filter only': 0.7, 'noisy web': 0.586}
    >>> round(r["web_noise"], 3), r["nucleus"]["dataset_size"], r["beam"]["dataset_size"]
    (0.482, 1305, 1362)

    The smallest experiment, with clean web captions, 32 pairs of each kind and one step:

    >>> small = capfilt_experiment(0.0, n_web=32, n_human=32, steps=1)
    >>> small["web_noise"], small["kept_web_noise"]
    (0.0, 0.0)
    >>> capfilt_experiment(n_human=10**5 + 1)
    Traceback (most recent call last):
    ...
    ValueError: n_human must be an int in 32..100000, got 100001
    >>> capfilt_experiment(seed=2**31 + 1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an int in 0..2147483648, got 2147483649
    >>> capfilt_experiment(noise=1.0)
    Traceback (most recent call last):
    ...
    ValueError: noise must lie in [0, 1), got 1.0
    """
    _check_steps(steps)
    for value, name in ((n_web, "n_web"), (n_human, "n_human")):
        _check_int(value, name, 32, 10**5)
    _check_int(seed, "seed", 0, 2**31)
    if not 0 <= noise < 1:
        raise ValueError(f"noise must lie in [0, 1), got {noise}")
    args = (float(noise), int(n_web), int(n_human), int(steps), int(seed))
    return remember("multimodal.capfilt_experiment", args, lambda: _capfilt_experiment(*args))


def capfilt_study(
    noise: float = 0.5,
    *,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    n_web: int = 1000,
    n_human: int = 200,
    steps: int = 200,
) -> dict:
    """:func:`capfilt_experiment` once per seed, with the spread over seeds.

    Each seed draws its own human, web and test sets, initialisation and sampling, so the spread
    is that of the whole procedure, not of one step of it.

    Returns
    -------
    dict
        ``"seeds"``; ``"runs"``, the per-seed results of :func:`capfilt_experiment`;
        ``"accuracy"[name]``, the per-seed zero-shot accuracies of each training set, and their
        ``"mean"`` and ``"sd"`` (sample standard deviation, ddof=1; 0 for one seed);
        ``"gain"[name]``, per-seed accuracy minus that of ``"noisy web"`` in the same seed.

    Examples
    --------
    >>> r = capfilt_study(seeds=(0, 1))
    >>> r["seeds"], [round(a, 3) for a in r["accuracy"]["noisy web"]]
    ([0, 1], [0.586, 0.504])
    >>> round(r["gain"]["CapFilt (nucleus)"][0], 3)
    0.152
    >>> capfilt_study(seeds=[])
    Traceback (most recent call last):
    ...
    TypeError: seeds must be a non-empty tuple of ints, got []
    """
    seeds = _check_seeds(seeds, 2**31)
    runs = [
        capfilt_experiment(noise, n_web=n_web, n_human=n_human, steps=steps, seed=s) for s in seeds
    ]
    names = list(runs[0]["accuracy"])
    accuracy = {n: [run["accuracy"][n] for run in runs] for n in names}
    mean, sd = _summary([accuracy[n] for n in names])
    base = np.asarray(accuracy["noisy web"])
    return {
        "seeds": list(seeds),
        "runs": runs,
        "accuracy": accuracy,
        "mean": dict(zip(names, mean)),
        "sd": dict(zip(names, sd)),
        "gain": {n: (np.asarray(accuracy[n]) - base).tolist() for n in names},
    }
