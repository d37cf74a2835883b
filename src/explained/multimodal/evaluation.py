"""Zero-shot classification, retrieval recall@K and a linear probe for the toy dual encoder."""

from __future__ import annotations

import numpy as np

from .data import CLASS_NAMES, check_classes, check_rate, check_templates, real_array

__all__ = [
    "class_text_embeddings",
    "linear_probe_accuracy",
    "recall_at_k",
    "zero_shot_accuracy",
    "zero_shot_predict",
]


def class_text_embeddings(model, classes, templates=("a photo of a {}",)) -> np.ndarray:
    """One normalised text embedding per class; several templates are averaged (prompt ensembling).

    Examples
    --------
    >>> from explained.multimodal.model import DualEncoder
    >>> e = class_text_embeddings(DualEncoder(), [0, 5], templates=("a {}", "a photo of a {}"))
    >>> e.shape, bool(np.allclose(np.linalg.norm(e, axis=1), 1))
    ((2, 16), True)
    """
    classes = check_classes(classes)
    templates = check_templates(templates)
    per_template = np.stack(
        [model.encode_texts([t.format(CLASS_NAMES[c]) for c in classes]) for t in templates]
    )
    mean = per_template.mean(axis=0)
    return mean / np.linalg.norm(mean, axis=1, keepdims=True)


def zero_shot_predict(model, images, classes, templates=("a photo of a {}",)) -> np.ndarray:
    """Class index (from ``classes``) whose prompt embedding is nearest to each image."""
    classes = check_classes(classes)
    scores = model.encode_images(images) @ class_text_embeddings(model, classes, templates).T
    return classes[scores.argmax(axis=1)]


def zero_shot_accuracy(model, data, classes=None, templates=("a photo of a {}",)) -> float:
    """Share of ``data.images`` whose zero-shot prediction equals ``data.labels``.

    ``classes`` are the candidate labels (default: all 24 classes).
    """
    classes = range(len(CLASS_NAMES)) if classes is None else classes
    return float(np.mean(zero_shot_predict(model, data.images, classes, templates) == data.labels))


def recall_at_k(similarity: np.ndarray, k: int) -> float:
    """Share of rows whose matching column (the diagonal) is among the ``k`` highest scores.

    Ties count against the match (a tied wrong item may take the place).

    Examples
    --------
    >>> s = np.array([[0.9, 0.1, 0.0], [0.8, 0.5, 0.1], [0.2, 0.3, 0.1]])
    >>> recall_at_k(s, 1), round(recall_at_k(s, 2), 4), recall_at_k(s, 3)
    (0.3333333333333333, 0.6667, 1.0)
    >>> recall_at_k(np.array([[0.5]]), 1)   # one pair: nothing can outrank it
    1.0
    >>> recall_at_k(s[:2], 1)
    Traceback (most recent call last):
    ...
    ValueError: similarity must be a non-empty square matrix, got shape (2, 3)
    >>> recall_at_k(s, 4)
    Traceback (most recent call last):
    ...
    ValueError: k must be an int in 1..3, got 4
    """
    similarity = real_array(similarity, "similarity")
    if similarity.ndim != 2 or similarity.shape[0] != similarity.shape[1] or similarity.size == 0:
        raise ValueError(
            f"similarity must be a non-empty square matrix, got shape {similarity.shape}"
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(similarity):
        raise ValueError(f"k must be an int in 1..{len(similarity)}, got {k!r}")
    correct = np.diag(similarity)[:, None]
    rank = np.sum(similarity >= correct, axis=1) - 1  # others scoring at least as high
    return float(np.mean(rank < k))


def linear_probe_accuracy(
    train_features: np.ndarray,
    train_labels: np.ndarray,
    test_features: np.ndarray,
    test_labels: np.ndarray,
    *,
    l2: float = 1e-3,
    steps: int = 300,
    lr: float = 0.5,
) -> float:
    """Fit multinomial logistic regression on frozen features by gradient descent; test accuracy.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]))
    1.0

    The penalty may be 0 (plain logistic regression) up to 1000, and the softmax subtracts each
    row's maximum first, so features a thousand times larger do not overflow:

    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]), l2=0)
    1.0
    >>> linear_probe_accuracy(x * 1e3, np.array([0, 0, 1, 1]), x * 1e3, np.array([0, 0, 1, 1]))
    1.0
    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]), l2=1e4)
    Traceback (most recent call last):
    ...
    ValueError: l2 must lie in [0.0, 1000.0], got 10000.0
    >>> linear_probe_accuracy(x, np.array([0, 0, 1]), x, np.array([0, 0, 1, 1]))
    Traceback (most recent call last):
    ...
    ValueError: each feature row needs exactly one label
    >>> linear_probe_accuracy(x, np.array(["a", "a", "b", "b"]), x, np.array([0, 0, 1, 1]))
    Traceback (most recent call last):
    ...
    TypeError: train_labels must be integer class labels, got dtype <U1
    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x[:, :1], np.array([0, 0, 1, 1]))
    Traceback (most recent call last):
    ...
    ValueError: features must be non-empty 2-D arrays with the same number of columns
    >>> linear_probe_accuracy(x + np.inf, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]))
    Traceback (most recent call last):
    ...
    ValueError: features must be finite (found NaN or inf)
    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]), lr=0)
    Traceback (most recent call last):
    ...
    ValueError: lr must lie in (0.0, 10.0], got 0
    >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]), l2="0")
    Traceback (most recent call last):
    ...
    TypeError: l2 must be a real number, got str
    """
    x = real_array(train_features, "train_features")
    xt = real_array(test_features, "test_features")
    y = np.asarray(train_labels)
    if y.dtype.kind not in "iu":
        raise TypeError(f"train_labels must be integer class labels, got dtype {y.dtype}")
    if x.ndim != 2 or xt.ndim != 2 or x.shape[1] != xt.shape[1] or not len(x):
        raise ValueError("features must be non-empty 2-D arrays with the same number of columns")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(xt))):
        raise ValueError("features must be finite (found NaN or inf)")
    lr = check_rate(lr, "lr")
    l2 = check_rate(l2, "l2", high=1e3, inclusive=True)
    if len(x) != len(y) or len(xt) != len(test_labels):
        raise ValueError("each feature row needs exactly one label")
    classes, y_index = np.unique(y, return_inverse=True)
    onehot = np.eye(len(classes))[y_index]
    w = np.zeros((x.shape[1], len(classes)))
    b = np.zeros(len(classes))
    for _ in range(steps):
        logits = x @ w + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / len(x)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    predicted = classes[(xt @ w + b).argmax(axis=1)]
    return float(np.mean(predicted == np.asarray(test_labels)))
