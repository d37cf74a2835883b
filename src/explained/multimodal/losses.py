"""Contrastive losses of CLIP and SigLIP, with their analytic gradients.

Both losses take two batches of L2-normalised embeddings of shape ``(N, D)``: row ``i`` of the
image batch and row ``i`` of the text batch form the matching pair, every other combination is a
non-matching pair. The functions follow the pseudo-code of the papers (Radford et al. 2021,
Figure 3; Zhai et al. 2023, Algorithm 1) and never renormalise their inputs.
"""

from __future__ import annotations

import math

import numpy as np

from .data import real_array

__all__ = [
    "clip_loss",
    "clip_loss_grad",
    "siglip_chunk_schedule",
    "siglip_loss",
    "siglip_loss_chunked",
    "siglip_loss_grad",
]


def _as_features(name: str, value: object) -> np.ndarray:
    array = real_array(value, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (N, D), got shape {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one row and one column, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; expected finite embeddings")
    return array


def _as_scalar(name: str, value: object, *, positive: bool) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    if positive and number <= 0:
        raise ValueError(
            f"{name} must be positive (it multiplies cosine similarities), got {number}"
        )
    return number


def _check_pair(
    image_features: object, text_features: object, logit_scale: object
) -> tuple[np.ndarray, np.ndarray, float]:
    """The two batches and the (positive) logit scale, checked once for every loss below."""
    image = _as_features("image_features", image_features)
    text = _as_features("text_features", text_features)
    if image.shape != text.shape:
        raise ValueError(
            "image_features and text_features must have the same shape (N, D): row i of each is "
            f"one matching pair; got {image.shape} and {text.shape}"
        )
    return image, text, _as_scalar("logit_scale", logit_scale, positive=True)


def _log_softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def clip_loss(image_features: object, text_features: object, logit_scale: float) -> float:
    r"""Symmetric InfoNCE loss of CLIP.

    ``logits = logit_scale * I @ T.T``; the loss is the mean of the cross-entropy of each image
    against all texts (rows) and of each text against all images (columns), the correct class of
    row ``i`` being ``i``.

    Parameters
    ----------
    image_features, text_features : array_like, shape (N, D)
        L2-normalised embeddings; row ``i`` of both is a matching pair. Not renormalised here.
    logit_scale : float
        Positive multiplier of the cosine similarities, ``1 / temperature``.

    Returns
    -------
    float
        The loss, ``(CE_image->text + CE_text->image) / 2``.

    Raises
    ------
    ValueError
        If the shapes differ or are not 2-D, a value is not finite, or ``logit_scale <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.eye(4)
    >>> round(clip_loss(x, x, 1.0), 4)          # every pair has similarity 0 or 1
    0.7437
    >>> round(clip_loss(np.ones((4, 2)) / np.sqrt(2), np.ones((4, 2)) / np.sqrt(2), 10.0), 4)
    1.3863

    A batch of one pair has no negative to push away, so its loss is 0 whatever the embeddings.
    Each softmax subtracts its maximum logit first, so even a huge scale does not overflow:

    >>> clip_loss(x[:1], x[1:2], 1.0)
    0.0
    >>> clip_loss(x, x, 1e4)
    0.0

    What is not a pair of finite ``(N, D)`` batches and a positive scale is refused:

    >>> clip_loss(x, x[:3], 1.0)
    Traceback (most recent call last):
    ...
    ValueError: image_features and text_features must have the same shape (N, D): row i of each is one matching pair; got (4, 4) and (3, 4)
    >>> clip_loss(x[0], x[0], 1.0)
    Traceback (most recent call last):
    ...
    ValueError: image_features must be a 2-D array of shape (N, D), got shape (4,)
    >>> clip_loss(x[:0], x[:0], 1.0)
    Traceback (most recent call last):
    ...
    ValueError: image_features must have at least one row and one column, got shape (0, 4)
    >>> clip_loss(x * np.nan, x, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: image_features contains NaN or infinite values; expected finite embeddings
    >>> clip_loss(x, x, "1")
    Traceback (most recent call last):
    ...
    TypeError: logit_scale must be a real number, got str
    >>> clip_loss(x, x, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: logit_scale must be positive (it multiplies cosine similarities), got 0.0
    >>> clip_loss(x, x, np.inf)
    Traceback (most recent call last):
    ...
    ValueError: logit_scale must be finite, got inf
    >>> clip_loss(x * 1j, x, 1.0)
    Traceback (most recent call last):
    ...
    TypeError: image_features must be an array of (real) numbers, got ndarray of dtype complex128
    """
    image, text, scale = _check_pair(image_features, text_features, logit_scale)
    logits = scale * image @ text.T
    rows = -np.mean(np.diag(_log_softmax(logits, axis=1)))
    cols = -np.mean(np.diag(_log_softmax(logits, axis=0)))
    return float((rows + cols) / 2) + 0.0  # + 0.0 turns a negative zero into 0.0


def clip_loss_grad(
    image_features: object, text_features: object, logit_scale: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """CLIP loss and its gradients with respect to both embeddings and the scale.

    Returns
    -------
    loss : float
    d_image, d_text : ndarray, shape (N, D)
        Gradients with respect to the (already normalised) embeddings.
    d_scale : float
        Derivative with respect to ``logit_scale``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(5, 3)); x /= np.linalg.norm(x, axis=1, keepdims=True)
    >>> loss, gx, gy, gs = clip_loss_grad(x, x[::-1], 2.0)
    >>> loss == clip_loss(x, x[::-1], 2.0), gx.shape
    (True, (5, 3))
    """
    image, text, scale = _check_pair(image_features, text_features, logit_scale)
    n = image.shape[0]
    cos = image @ text.T
    logits = scale * cos
    log_rows = _log_softmax(logits, axis=1)
    log_cols = _log_softmax(logits, axis=0)
    loss = float((-np.mean(np.diag(log_rows)) - np.mean(np.diag(log_cols))) / 2)
    eye = np.eye(n)
    d_logits = ((np.exp(log_rows) - eye) + (np.exp(log_cols) - eye)) / (2 * n)
    d_image = scale * d_logits @ text
    d_text = scale * d_logits.T @ image
    d_scale = float(np.sum(d_logits * cos))
    return loss, d_image, d_text, d_scale


def _pair_signs(n: int) -> np.ndarray:
    return 2 * np.eye(n) - 1


def siglip_loss(
    image_features: object, text_features: object, logit_scale: float, logit_bias: float
) -> float:
    r"""Pairwise sigmoid loss of SigLIP.

    ``-(1/N) * sum_ij log sigmoid(z_ij * (logit_scale * x_i . y_j + logit_bias))`` with
    ``z_ij = 1`` on the diagonal and ``-1`` elsewhere. Note the division by ``N``, not ``N**2``.

    Parameters
    ----------
    image_features, text_features : array_like, shape (N, D)
        L2-normalised embeddings; row ``i`` of both is a matching pair. Not renormalised here.
    logit_scale : float
        Positive temperature ``t = exp(t')``.
    logit_bias : float
        The learnable bias ``b``.

    Raises
    ------
    ValueError
        If the shapes differ or are not 2-D, a value is not finite, or ``logit_scale <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.eye(3)
    >>> round(siglip_loss(x, x, 10.0, -10.0), 4)   # positives at 0, negatives at -10
    0.6932
    """
    image, text, scale = _check_pair(image_features, text_features, logit_scale)
    bias = _as_scalar("logit_bias", logit_bias, positive=False)
    logits = scale * image @ text.T + bias
    # -log sigmoid(m) = log(1 + exp(-m)), computed without overflow.
    return float(np.sum(np.logaddexp(0.0, -_pair_signs(image.shape[0]) * logits)) / image.shape[0])


def siglip_loss_grad(
    image_features: object, text_features: object, logit_scale: float, logit_bias: float
) -> tuple[float, np.ndarray, np.ndarray, float, float]:
    """SigLIP loss and its gradients (embeddings, scale, bias).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.eye(3)
    >>> loss, gx, gy, gs, gb = siglip_loss_grad(x, x, 10.0, -10.0)
    >>> round(loss, 4), round(gb, 4)   # the bias is pulled up by the three positives
    (0.6932, -0.4999)
    """
    image, text, scale = _check_pair(image_features, text_features, logit_scale)
    bias = _as_scalar("logit_bias", logit_bias, positive=False)
    n = image.shape[0]
    cos = image @ text.T
    signs = _pair_signs(n)
    margins = signs * (scale * cos + bias)
    loss = float(np.sum(np.logaddexp(0.0, -margins)) / n)
    # d/dm log(1 + exp(-m)) = -sigmoid(-m)
    d_logits = -signs * np.exp(-np.logaddexp(0.0, margins)) / n
    d_image = scale * d_logits @ text
    d_text = scale * d_logits.T @ image
    return loss, d_image, d_text, float(np.sum(d_logits * cos)), float(np.sum(d_logits))


def _check_devices(n_devices: object) -> None:
    if isinstance(n_devices, bool) or not isinstance(n_devices, (int, np.integer)):
        raise TypeError(f"n_devices must be an int, got {type(n_devices).__name__}")


def siglip_chunk_schedule(n_devices: int) -> list[list[tuple[int, int]]]:
    """Which (image chunk, text chunk) block each device scores at each step.

    At step 0 device ``d`` scores its own images against its own texts (the only block holding
    positives); then the text chunks move one device along a ring, so at step ``k`` device ``d``
    holds the texts of device ``(d + k) % n_devices``.

    Examples
    --------
    >>> siglip_chunk_schedule(3)
    [[(0, 0), (1, 1), (2, 2)], [(0, 1), (1, 2), (2, 0)], [(0, 2), (1, 0), (2, 1)]]
    >>> siglip_chunk_schedule(0)
    Traceback (most recent call last):
    ...
    ValueError: n_devices must be at least 1, got 0
    >>> siglip_chunk_schedule(2.0)
    Traceback (most recent call last):
    ...
    TypeError: n_devices must be an int, got float
    """
    _check_devices(n_devices)
    if n_devices < 1:
        raise ValueError(f"n_devices must be at least 1, got {n_devices}")
    return [[(d, (d + k) % n_devices) for d in range(n_devices)] for k in range(n_devices)]


def siglip_loss_chunked(
    image_features: object,
    text_features: object,
    logit_scale: float,
    logit_bias: float,
    n_devices: int,
) -> float:
    """SigLIP loss computed block by block, as the paper's "chunked" implementation does.

    The batch is split evenly over ``n_devices`` simulated devices; each device only ever holds
    a ``(N/n_devices) x (N/n_devices)`` block of logits (see :func:`siglip_chunk_schedule`).
    Because the sigmoid loss is a plain sum over pairs, the blocks' sums add up to the full loss.

    Raises
    ------
    ValueError
        As :func:`siglip_loss`, and if ``N`` is not divisible by ``n_devices``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(12, 4)); x /= np.linalg.norm(x, axis=1, keepdims=True)
    >>> y = rng.normal(size=(12, 4)); y /= np.linalg.norm(y, axis=1, keepdims=True)
    >>> full = siglip_loss(x, y, 10.0, -10.0)
    >>> bool(np.isclose(siglip_loss_chunked(x, y, 10.0, -10.0, n_devices=4), full))
    True
    >>> siglip_loss_chunked(x, y, 10.0, -10.0, n_devices=5)
    Traceback (most recent call last):
    ...
    ValueError: batch size N = 12 must be divisible by n_devices = 5
    >>> siglip_loss_chunked(x, y, 10.0, -10.0, n_devices=24)
    Traceback (most recent call last):
    ...
    ValueError: n_devices must be at least 1 and at most the batch size 12, got 24
    >>> siglip_loss_chunked(x, y, 10.0, -10.0, n_devices=4.0)
    Traceback (most recent call last):
    ...
    TypeError: n_devices must be an int, got float
    """
    image, text, scale = _check_pair(image_features, text_features, logit_scale)
    bias = _as_scalar("logit_bias", logit_bias, positive=False)
    _check_devices(n_devices)
    n = image.shape[0]
    if not 1 <= n_devices <= n:
        raise ValueError(
            f"n_devices must be at least 1 and at most the batch size {n}, got {n_devices}"
        )
    schedule = siglip_chunk_schedule(n_devices)
    if n % n_devices:
        raise ValueError(f"batch size N = {n} must be divisible by n_devices = {n_devices}")
    size = n // n_devices
    image_chunks = [image[d * size : (d + 1) * size] for d in range(n_devices)]
    text_chunks = [text[d * size : (d + 1) * size] for d in range(n_devices)]
    total = 0.0
    for step in schedule:
        for i_chunk, t_chunk in step:
            logits = scale * image_chunks[i_chunk] @ text_chunks[t_chunk].T + bias
            signs = _pair_signs(size) if i_chunk == t_chunk else -np.ones((size, size))
            total += float(np.sum(np.logaddexp(0.0, -signs * logits)))
    return total / n
