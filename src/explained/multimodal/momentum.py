"""BLIP's (and ALBEF's) momentum encoder, feature queue and soft ITC targets, in numpy.

* :func:`ema_update` — one step of the momentum (exponential moving average) encoder:
  ``target <- m * target + (1 - m) * online``, applied to every parameter after each step.
* :class:`FeatureQueue` — a first-in-first-out store of the last ``size`` L2-normalised features
  from the momentum encoder; the newest batch overwrites the oldest, as in BLIP's
  ``_dequeue_and_enqueue``.
* :func:`momentum_itc_loss` — the image–text contrastive loss against the current momentum
  features plus the queue, with targets ``alpha * softmax(momentum similarities) + (1 - alpha) *
  one-hot``: the momentum distillation soft labels.
"""

from __future__ import annotations

import numpy as np

from .data import real_array

__all__ = ["FeatureQueue", "ema_update", "momentum_itc_loss", "momentum_targets"]


def _fraction(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return float(value)


def _unit_rows(value: object, name: str, dim: int | None = None) -> np.ndarray:
    array = real_array(value, name)
    if array.ndim != 2 or (dim is not None and array.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, D)"
        raise ValueError(f"{name} must have shape {want}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    if len(array) and not np.allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-6):
        raise ValueError(f"{name} must be L2-normalised row by row")
    return array


def ema_update(target: object, online: object, momentum: float) -> np.ndarray:
    """The momentum encoder's new parameters: ``momentum * target + (1 - momentum) * online``.

    ``momentum = 0`` copies the online parameters; ``momentum = 1`` freezes the target. After
    ``k`` steps towards a fixed ``online``, the target has covered ``1 - momentum**k`` of the
    distance; its memory is about ``1 / (1 - momentum)`` steps.

    Examples
    --------
    >>> np.round(ema_update(np.zeros(2), np.ones(2), 0.9), 3).tolist()
    [0.1, 0.1]
    >>> ema_update([1.0, 2.0], [3.0, 4.0], 0.0).tolist(), ema_update([1.0], [3.0], 1.0).tolist()
    ([3.0, 4.0], [1.0])
    >>> ema_update(np.zeros(2), np.ones(3), 0.5)
    Traceback (most recent call last):
    ...
    ValueError: target and online must have the same shape, got (2,) and (3,)
    >>> ema_update(np.zeros(2), np.ones(2), 1.5)
    Traceback (most recent call last):
    ...
    ValueError: momentum must lie in [0, 1], got 1.5
    >>> ema_update(np.zeros(2), np.ones(2), "0.9")
    Traceback (most recent call last):
    ...
    TypeError: momentum must be a real number, got str
    """
    target, online = real_array(target, "target"), real_array(online, "online")
    if target.shape != online.shape:
        raise ValueError(
            f"target and online must have the same shape, got {target.shape} and {online.shape}"
        )
    m = _fraction(momentum, "momentum")
    return m * target + (1.0 - m) * online


class FeatureQueue:
    """The last ``size`` L2-normalised features, oldest overwritten first.

    It starts, like BLIP's, filled with random unit vectors. :meth:`enqueue` writes a batch at
    the pointer and moves the pointer on; the batch size must divide ``size`` (BLIP asserts the
    same), so a batch never wraps around the end.

    Examples
    --------
    >>> q = FeatureQueue(size=4, dim=2, seed=0)
    >>> q.features.shape, bool(np.allclose(np.linalg.norm(q.features, axis=1), 1.0))
    ((4, 2), True)
    >>> q.enqueue(np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> q.enqueue(np.array([[-1.0, 0.0], [0.0, -1.0]]))
    >>> q.features.tolist(), q.pointer
    ([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]], 0)
    >>> q.enqueue(np.array([[0.6, 0.8], [0.8, 0.6]]))
    >>> q.features.tolist()[:2], q.pointer
    ([[0.6, 0.8], [0.8, 0.6]], 2)
    >>> q.enqueue(np.ones((3, 2)) / np.sqrt(2))
    Traceback (most recent call last):
    ...
    ValueError: the batch size (3) must divide the queue size (4)
    >>> q.enqueue(np.ones((2, 2)))
    Traceback (most recent call last):
    ...
    ValueError: features must be L2-normalised row by row
    >>> q.enqueue(np.ones((2, 3)) / np.sqrt(3))
    Traceback (most recent call last):
    ...
    ValueError: features must have shape (n, 2), got (2, 3)
    >>> q.enqueue(np.full((2, 2), np.nan))
    Traceback (most recent call last):
    ...
    ValueError: features must be finite
    >>> FeatureQueue(size=0, dim=2)
    Traceback (most recent call last):
    ...
    ValueError: size and dim must be positive integers, got 0 and 2
    """

    def __init__(self, size: int, dim: int, seed: int = 0) -> None:
        if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in (size, dim)):
            raise ValueError(f"size and dim must be positive integers, got {size} and {dim}")
        start = np.random.default_rng(seed).normal(size=(size, dim))
        self._features = start / np.linalg.norm(start, axis=1, keepdims=True)
        self.pointer = 0

    @property
    def features(self) -> np.ndarray:
        """A copy of the stored features, shape ``(size, dim)``, in storage order."""
        return self._features.copy()

    def enqueue(self, features: object) -> None:
        """Overwrite the oldest ``len(features)`` entries with ``features`` (unit rows)."""
        size, dim = self._features.shape
        batch = _unit_rows(features, "features", dim)
        if size % len(batch):
            raise ValueError(f"the batch size ({len(batch)}) must divide the queue size ({size})")
        self._features[self.pointer : self.pointer + len(batch)] = batch
        self.pointer = (self.pointer + len(batch)) % size


def momentum_targets(similarity: object, alpha: float) -> np.ndarray:
    """Soft ITC targets: ``alpha * softmax(similarity) + (1 - alpha) * one-hot``, row by row.

    ``similarity`` is the momentum encoder's ``(N, N + M)`` logit matrix of N queries against
    the batch's N keys (column ``i`` is row ``i``'s positive) followed by M queued keys. Each row
    sums to 1; ``alpha = 0`` gives the one-hot targets of CLIP.

    Examples
    --------
    >>> s = np.array([[2.0, 2.0, 0.0], [0.0, 2.0, 0.0]])
    >>> np.round(momentum_targets(s, 0.5), 3).tolist()
    [[0.734, 0.234, 0.032], [0.053, 0.893, 0.053]]
    >>> momentum_targets(s, 0.0).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    >>> momentum_targets(s[:, :1], 0.5)
    Traceback (most recent call last):
    ...
    ValueError: similarity must have shape (N, N + M) with M >= 0, got (2, 1)
    """
    sim = real_array(similarity, "similarity")
    if sim.ndim != 2 or sim.shape[1] < sim.shape[0] or not np.all(np.isfinite(sim)):
        raise ValueError(
            f"similarity must have shape (N, N + M) with M >= 0, got {sim.shape}"
            if sim.ndim != 2 or sim.shape[1] < sim.shape[0]
            else "similarity must be finite"
        )
    a = _fraction(alpha, "alpha")
    soft = np.exp(sim - sim.max(axis=1, keepdims=True))
    soft /= soft.sum(axis=1, keepdims=True)
    return a * soft + (1.0 - a) * np.eye(*sim.shape)


def _soft_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(np.sum(targets * log_softmax, axis=1)))


def momentum_itc_loss(
    image: object,
    text: object,
    image_m: object,
    text_m: object,
    image_queue: object,
    text_queue: object,
    alpha: float,
    temperature: float,
) -> float:
    """BLIP's ITC loss: online features against momentum features and the queue, soft targets.

    Image ``i`` is scored against ``[text_m; text_queue]`` (its positive is column ``i``), text
    ``i`` against ``[image_m; image_queue]``; the targets are :func:`momentum_targets` of the
    momentum encoder's own similarities; the loss is the mean of the two cross-entropies. With
    ``alpha = 0``, empty queues and momentum features equal to the online ones it is
    :func:`~explained.multimodal.losses.clip_loss` with ``logit_scale = 1 / temperature``.

    Examples
    --------
    >>> from explained.multimodal import clip_loss
    >>> x = np.eye(3)
    >>> empty = np.zeros((0, 3))
    >>> round(momentum_itc_loss(x, x, x, x, empty, empty, 0.0, 1.0), 4)
    0.5514
    >>> round(clip_loss(x, x, 1.0), 4)
    0.5514

    With ``alpha = 0.4`` the targets are no longer one-hot, and the loss changes:

    >>> round(momentum_itc_loss(x, x, x, x, empty, empty, 0.4, 1.0), 4)
    0.721
    >>> momentum_itc_loss(x, x, x, x, empty, empty, 0.4, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: temperature must be positive, got 0.0
    >>> momentum_itc_loss(x, x, x, x, empty, empty, 0.4, "1")
    Traceback (most recent call last):
    ...
    TypeError: temperature must be a real number, got str
    >>> momentum_itc_loss(x, x[:2], x, x, empty, empty, 0.4, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: image, text, image_m and text_m must all have shape (N, D), got (3, 3), (2, 3), (3, 3), (3, 3)
    """
    img, txt = _unit_rows(image, "image"), _unit_rows(text, "text")
    img_m, txt_m = _unit_rows(image_m, "image_m"), _unit_rows(text_m, "text_m")
    shapes = [a.shape for a in (img, txt, img_m, txt_m)]
    if len(set(shapes)) != 1:
        raise ValueError(
            "image, text, image_m and text_m must all have shape (N, D), got "
            + ", ".join(str(s) for s in shapes)
        )
    dim = img.shape[1]
    img_q = _unit_rows(image_queue, "image_queue", dim)
    txt_q = _unit_rows(text_queue, "text_queue", dim)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a real number, got {type(temperature).__name__}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    all_text, all_image = np.vstack([txt_m, txt_q]), np.vstack([img_m, img_q])
    i2t_targets = momentum_targets(img_m @ all_text.T / temperature, alpha)
    t2i_targets = momentum_targets(txt_m @ all_image.T / temperature, alpha)
    i2t = _soft_cross_entropy(img @ all_text.T / temperature, i2t_targets)
    t2i = _soft_cross_entropy(txt @ all_image.T / temperature, t2i_targets)
    return (i2t + t2i) / 2
