"""A tiny dual encoder in numpy, trained with analytic gradients and Adam.

Image tower: flattened pixels -> ``tanh`` hidden layer -> linear projection -> L2 normalisation.
Text tower: bag of words -> linear projection -> L2 normalisation. Both meet in a shared
``embed_dim``-dimensional space where the dot product is the cosine similarity. The learnable
temperature is stored as its logarithm, ``t``, with ``logit_scale = exp(t)``; SigLIP adds a bias.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from .data import IMAGE_SIZE, VOCABULARY, ImageTextData, bag_of_words, check_rate, real_array
from .losses import clip_loss_grad, siglip_loss_grad

__all__ = ["MAX_LOGIT_SCALE", "DualEncoder", "TrainingHistory", "train"]

#: CLIP clips the logit scale at 100 (Radford et al. 2021, section 2.5).
MAX_LOGIT_SCALE = 100.0
_PIXELS = 3 * IMAGE_SIZE * IMAGE_SIZE


def _normalise_forward(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    return v / norm, norm


def _normalise_backward(u: np.ndarray, norm: np.ndarray, du: np.ndarray) -> np.ndarray:
    # u = v / |v|  =>  dv = (du - u (u . du)) / |v|
    return (du - u * np.sum(u * du, axis=1, keepdims=True)) / norm


class DualEncoder:
    """Image and text towers mapping into one normalised embedding space.

    Parameters
    ----------
    embed_dim : int
        Dimension of the shared space.
    hidden : int
        Width of the image tower's hidden layer.
    loss : {"clip", "siglip"}
        Which objective :meth:`loss_and_grads` uses; it also sets the initial temperature
        (CLIP: ``1/0.07``; SigLIP: ``t' = log 10``, ``b = -10``).
    seed : int
        Seed of the random initialisation.

    Examples
    --------
    >>> from explained.multimodal.data import make_dataset
    >>> model = DualEncoder(seed=0)
    >>> data = make_dataset(3, seed=0)
    >>> u, v = model.encode_images(data.images), model.encode_texts(data.captions)
    >>> u.shape, bool(np.allclose(np.linalg.norm(v, axis=1), 1.0))
    ((3, 16), True)
    >>> round(model.logit_scale, 2), model.logit_bias, round(DualEncoder(loss="siglip").logit_bias, 1)
    (14.29, 0.0, -10.0)

    The default seed is 0, so two encoders built with the same arguments are identical:

    >>> all(np.array_equal(DualEncoder().params[k], model.params[k]) for k in model.params)
    True

    With ``embed_dim=1`` every normalised embedding is +1 or -1 (a space too small to separate
    24 classes):

    >>> np.abs(DualEncoder(embed_dim=1).encode_texts(["a red ring", "a blue cross"])).ravel().tolist()
    [1.0, 1.0]
    >>> DualEncoder(loss="infonce")
    Traceback (most recent call last):
    ...
    ValueError: loss must be 'clip' or 'siglip', got 'infonce'
    >>> DualEncoder(embed_dim=0)
    Traceback (most recent call last):
    ...
    ValueError: embed_dim must be a positive int, got 0
    >>> model.encode_images(data.images[0])
    Traceback (most recent call last):
    ...
    ValueError: images must have shape (n, 3, 8, 8), got (3, 8, 8)
    >>> model.encode_images(np.zeros((2, 3, 4, 4)))
    Traceback (most recent call last):
    ...
    ValueError: images must have shape (n, 3, 8, 8), got (2, 3, 4, 4)
    """

    def __init__(self, embed_dim: int = 16, hidden: int = 64, *, loss: str = "clip", seed: int = 0):
        if loss not in ("clip", "siglip"):
            raise ValueError(f"loss must be 'clip' or 'siglip', got {loss!r}")
        for name, value in (("embed_dim", embed_dim), ("hidden", hidden)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        rng = np.random.default_rng(seed)
        self.loss = loss
        self.params: dict[str, np.ndarray] = {
            "W1": rng.normal(0, 1 / math.sqrt(_PIXELS), size=(hidden, _PIXELS)),
            "b1": np.zeros(hidden),
            "W2": rng.normal(0, 1 / math.sqrt(hidden), size=(embed_dim, hidden)),
            "Wt": rng.normal(0, 1.0, size=(embed_dim, len(VOCABULARY))),
            "t": np.array(math.log(1 / 0.07) if loss == "clip" else math.log(10.0)),
            "b": np.array(0.0 if loss == "clip" else -10.0),
        }

    # -- forward ---------------------------------------------------------------------------
    @property
    def logit_scale(self) -> float:
        """``exp(t)``, the multiplier of cosine similarities (1 / temperature)."""
        return float(np.exp(self.params["t"]))

    @property
    def logit_bias(self) -> float:
        """SigLIP's bias ``b`` (0 and unused for CLIP)."""
        return float(self.params["b"])

    def _image_forward(self, images: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        images = real_array(images, "images")
        if images.ndim != 4 or images.shape[1:] != (3, IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(
                f"images must have shape (n, 3, {IMAGE_SIZE}, {IMAGE_SIZE}), got {images.shape}"
            )
        x = images.reshape(len(images), -1)
        h = np.tanh(x @ self.params["W1"].T + self.params["b1"])
        u, norm = _normalise_forward(h @ self.params["W2"].T)
        return u, {"x": x, "h": h, "norm": norm}

    def _text_forward(self, bow: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        v, norm = _normalise_forward(bow @ self.params["Wt"].T)
        return v, {"bow": bow, "norm": norm}

    def image_hidden(self, images: np.ndarray) -> np.ndarray:
        """The image tower's hidden activations (used by BLIP's toy captioner)."""
        return self._image_forward(images)[1]["h"]

    def encode_images(self, images: np.ndarray) -> np.ndarray:
        """L2-normalised image embeddings, shape ``(n, embed_dim)``."""
        return self._image_forward(images)[0]

    def encode_texts(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        """L2-normalised text embeddings of captions, shape ``(n, embed_dim)``."""
        return self._text_forward(bag_of_words(texts))[0]

    # -- loss and gradients ------------------------------------------------------------------
    def loss_and_grads(
        self, images: np.ndarray, texts: list[str] | tuple[str, ...] | np.ndarray
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Loss of the batch (row ``i`` of images matches caption ``i``) and its exact gradients.

        ``texts`` may be captions or an already computed bag-of-words matrix.
        """
        bow = texts if isinstance(texts, np.ndarray) else bag_of_words(texts)
        u, img = self._image_forward(images)
        v, txt = self._text_forward(bow)
        grads: dict[str, np.ndarray] = {}
        if self.loss == "clip":
            loss, du, dv, dscale = clip_loss_grad(u, v, self.logit_scale)
            grads["b"] = np.array(0.0)
        else:
            loss, du, dv, dscale, dbias = siglip_loss_grad(u, v, self.logit_scale, self.logit_bias)
            grads["b"] = np.array(dbias)
        grads["t"] = np.array(dscale * self.logit_scale)
        de = _normalise_backward(u, img["norm"], du)
        grads["W2"] = de.T @ img["h"]
        dz = (de @ self.params["W2"]) * (1 - img["h"] ** 2)
        grads["W1"] = dz.T @ img["x"]
        grads["b1"] = dz.sum(axis=0)
        df = _normalise_backward(v, txt["norm"], dv)
        grads["Wt"] = df.T @ txt["bow"]
        return loss, grads

    def copy(self) -> DualEncoder:
        """An independent copy (parameters included)."""
        return copy.deepcopy(self)


@dataclass
class TrainingHistory:
    """Per-step loss and logit scale recorded by :func:`train`."""

    losses: list[float] = field(default_factory=list)
    logit_scales: list[float] = field(default_factory=list)


def train(
    model: DualEncoder,
    data: ImageTextData,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    lr: float = 0.01,
    seed: int = 0,
    learn_temperature: bool = True,
    steps: int | None = None,
) -> TrainingHistory:
    """Train ``model`` in place with Adam on shuffled mini-batches of ``data``.

    Mini-batches are disjoint slices of a fresh permutation per epoch; a final partial batch is
    dropped. After each step the logit scale is clipped at :data:`MAX_LOGIT_SCALE`. With
    ``steps`` given, training runs exactly that many steps (as many epochs as needed) and
    ``epochs`` is ignored.

    Examples
    --------
    >>> from explained.multimodal.data import make_dataset
    >>> model = DualEncoder(seed=0)
    >>> history = train(model, make_dataset(512, seed=0), epochs=3, batch_size=64)
    >>> len(history.losses), history.losses[-1] < history.losses[0]
    (24, True)
    >>> model.logit_bias   # CLIP has no bias: its gradient is 0 and it stays 0
    0.0

    By default training runs 10 epochs of ``len(data) // batch_size`` steps; any batch size from
    2 to ``len(data)`` is allowed, and one epoch (or one step) is enough:

    >>> tiny = make_dataset(8, seed=2)
    >>> [len(train(model, tiny, batch_size=b).losses) for b in (2, 3, 8)]
    [40, 20, 10]
    >>> len(train(model, tiny, batch_size=4, epochs=1).losses), len(train(model, tiny, batch_size=4, steps=1).losses)
    (2, 1)
    >>> len(train(model, make_dataset(64, seed=1), steps=3, batch_size=32, learn_temperature=False).losses)
    3

    Settings that could not train are refused before the first step:

    >>> train(model, make_dataset(8), batch_size=16)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be an int in 2..len(data) = 8, got 16
    >>> train(model, make_dataset(8), batch_size=1)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be an int in 2..len(data) = 8, got 1
    >>> train(model, make_dataset(8), batch_size=4, epochs=0)
    Traceback (most recent call last):
    ...
    ValueError: epochs must be a positive int, got 0
    >>> train(model, make_dataset(8), batch_size=4, steps=2.5)
    Traceback (most recent call last):
    ...
    ValueError: steps must be a positive int or None, got 2.5
    >>> train(model, make_dataset(8), batch_size=4, lr=-0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr must lie in (0.0, 10.0], got -0.1
    >>> train(model.params, make_dataset(8))
    Traceback (most recent call last):
    ...
    TypeError: model must be a DualEncoder, got dict
    >>> train(model, [])
    Traceback (most recent call last):
    ...
    TypeError: data must be an ImageTextData, got list
    """
    # Duck-typed on purpose: the same class may be imported under two module names in doctests.
    if not hasattr(model, "loss_and_grads") or not hasattr(model, "params"):
        raise TypeError(f"model must be a DualEncoder, got {type(model).__name__}")
    if not hasattr(data, "images") or not hasattr(data, "captions"):
        raise TypeError(f"data must be an ImageTextData, got {type(data).__name__}")
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or not 2 <= batch_size <= len(data)
    ):
        raise ValueError(
            f"batch_size must be an int in 2..len(data) = {len(data)}, got {batch_size!r}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"steps must be a positive int or None, got {steps!r}")
    lr = check_rate(lr, "lr")
    rng = np.random.default_rng(seed)
    bow = bag_of_words(data.captions)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = {k: np.zeros_like(p) for k, p in model.params.items()}
    s = {k: np.zeros_like(p) for k, p in model.params.items()}
    frozen = set() if learn_temperature else {"t", "b"}
    history = TrainingHistory()
    step = 0
    per_epoch = len(data) // batch_size
    total = epochs * per_epoch if steps is None else steps
    while step < total:
        order = rng.permutation(len(data))
        for start in range(0, min(per_epoch, total - step) * batch_size, batch_size):
            idx = order[start : start + batch_size]
            loss, grads = model.loss_and_grads(data.images[idx], bow[idx])
            step += 1
            for k, g in grads.items():
                if k in frozen:
                    continue
                m[k] = beta1 * m[k] + (1 - beta1) * g
                s[k] = beta2 * s[k] + (1 - beta2) * g * g
                m_hat = m[k] / (1 - beta1**step)
                s_hat = s[k] / (1 - beta2**step)
                model.params[k] = model.params[k] - lr * m_hat / (np.sqrt(s_hat) + eps)
            model.params["t"] = np.minimum(model.params["t"], math.log(MAX_LOGIT_SCALE))
            history.losses.append(loss)
            history.logit_scales.append(model.logit_scale)
    return history
