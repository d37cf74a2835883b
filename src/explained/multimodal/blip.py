"""Toy versions of BLIP's matching head, captioner and CapFilt bootstrapping.

* :class:`MatchingHead` — image–text matching (ITM): a binary classifier on the element-wise
  product of the two embeddings, trained on positives and on hard negatives mined from the
  contrastive similarity (BLIP samples a negative with probability given by the softmax of ITC
  similarities). In BLIP the ITM head sits on a cross-attention encoder; here it is a weighted
  cosine, so it shows the training recipe, not the architecture.
* :class:`Captioner` — an image-grounded next-word model: softmax over the vocabulary given the
  image's hidden features, the previous word and the position. Decoding by greedy/beam search or
  nucleus sampling.
* :func:`capfilt` — the captioner proposes a caption for every web image, the filter drops pairs
  (web or synthetic) it judges not to match; the result is a cleaner dataset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .data import COLOURS, SHAPES, VOCABULARY, ImageTextData, check_rate, real_array, tokenize

__all__ = [
    "CapFiltResult",
    "Captioner",
    "MatchingHead",
    "capfilt",
    "caption_class",
    "sample_hard_negatives",
]

BOS, EOS = "<bos>", "<eos>"
_TOKENS = (EOS, *VOCABULARY)  # output vocabulary: index 0 ends the caption
_TOKEN_INDEX = {w: i for i, w in enumerate(_TOKENS)}
_MAX_LEN = 8


def sample_hard_negatives(
    similarity: np.ndarray, rng: np.random.Generator, scale: float = 10.0
) -> np.ndarray:
    """For each row pick one column other than the diagonal, with probability ∝ exp(scale · sim).

    Examples
    --------
    >>> s = np.array([[1.0, 0.9, -1.0], [0.9, 1.0, -1.0], [0.0, 0.5, 1.0]])
    >>> sample_hard_negatives(s, np.random.default_rng(0), scale=50.0).tolist()
    [1, 0, 1]

    ``scale`` runs from 0 (uniform over the other columns) to 1000 (almost always the most
    similar one; the softmax subtracts each row's maximum, so it does not overflow). With two
    rows the only choice is the other one:

    >>> sample_hard_negatives(s, np.random.default_rng(0), scale=0.0).tolist()
    [2, 0, 0]
    >>> sample_hard_negatives(s, np.random.default_rng(0), scale=1e3).tolist()
    [1, 0, 1]
    >>> sample_hard_negatives(s[:2, :2], np.random.default_rng(0)).tolist()
    [1, 0]
    >>> sample_hard_negatives(s, np.random.default_rng(0), scale=2e3)
    Traceback (most recent call last):
    ...
    ValueError: scale must lie in [0.0, 1000.0], got 2000.0
    >>> sample_hard_negatives(s[:1], np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    ValueError: similarity must be a square matrix with at least 2 rows, got (1, 3)
    >>> sample_hard_negatives(s[0], np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    ValueError: similarity must be a square matrix with at least 2 rows, got (3,)
    >>> sample_hard_negatives(s, 0)
    Traceback (most recent call last):
    ...
    TypeError: rng must be a numpy Generator (np.random.default_rng), got int
    """
    similarity = real_array(similarity, "similarity")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator (np.random.default_rng), got {type(rng).__name__}"
        )
    scale = check_rate(scale, "scale", high=1e3, inclusive=True)
    n = similarity.shape[0] if similarity.ndim else 0
    if similarity.ndim != 2 or similarity.shape != (n, n) or n < 2:
        raise ValueError(
            f"similarity must be a square matrix with at least 2 rows, got {similarity.shape}"
        )
    logits = scale * similarity
    np.fill_diagonal(logits, -np.inf)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(n, p=row) for row in p])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


class MatchingHead:
    """ITM head: ``P(match) = sigmoid(w · (u ⊙ v) + c)`` on embeddings of a (frozen) dual encoder.

    Examples
    --------
    >>> from explained.multimodal.data import make_dataset
    >>> from explained.multimodal.model import DualEncoder, train
    >>> encoder = DualEncoder(seed=0)
    >>> _ = train(encoder, make_dataset(1000, seed=0), epochs=4)

    Before fitting, the head is the cosine similarity scaled by 10 (``w = 10``, ``c = 0``):

    >>> pairs = make_dataset(5, seed=3)
    >>> cos = np.sum(encoder.encode_images(pairs.images) * encoder.encode_texts(pairs.captions), axis=1)
    >>> bool(np.allclose(MatchingHead(encoder).predict_proba(pairs.images, pairs.captions), 1 / (1 + np.exp(-10 * cos))))
    True

    ``fit`` runs 200 full-batch gradient steps; the bias ends negative, since most pairs are not
    matches. Random negatives are easier and leave it less negative:

    >>> head = MatchingHead(encoder).fit(make_dataset(300, seed=1))
    >>> round(head.c, 3), round(MatchingHead(encoder).fit(make_dataset(300, seed=1), hard_negatives=False).c, 3)
    (-3.797, -2.798)
    >>> test = make_dataset(200, noise=0.5, seed=2)
    >>> bool(np.mean((head.predict_proba(test.images, test.captions) > 0.5) == test.is_clean) > 0.9)
    True
    >>> isinstance(MatchingHead(encoder).fit(make_dataset(2, seed=4)), MatchingHead)   # the minimum
    True
    >>> MatchingHead(encoder).fit(make_dataset(1))
    Traceback (most recent call last):
    ...
    ValueError: need at least two pairs to form negatives
    """

    def __init__(self, encoder):
        self.encoder = encoder
        dim = encoder.params["W2"].shape[0]
        self.w = np.ones(dim) * 10.0  # starts as a scaled cosine similarity
        self.c = 0.0

    def _features(self, images, texts) -> np.ndarray:
        return self.encoder.encode_images(images) * self.encoder.encode_texts(texts)

    def predict_proba(self, images, texts) -> np.ndarray:
        """Probability that each image matches the caption at the same index."""
        return _sigmoid(self._features(images, texts) @ self.w + self.c)

    def fit(
        self,
        data: ImageTextData,
        *,
        hard_negatives: bool = True,
        epochs: int = 200,
        lr: float = 0.5,
        seed: int = 0,
    ) -> MatchingHead:
        """Fit on the pairs of ``data`` (taken as matching) plus one negative per image and per text.

        With ``hard_negatives`` the negative is sampled from the contrastive similarity
        (:func:`sample_hard_negatives`), otherwise uniformly from the other pairs.
        """
        if len(data) < 2:
            raise ValueError("need at least two pairs to form negatives")
        lr = check_rate(lr, "lr")
        rng = np.random.default_rng(seed)
        u = self.encoder.encode_images(data.images)
        v = self.encoder.encode_texts(data.captions)
        n = len(data)
        sim = u @ v.T
        if hard_negatives:
            neg_text = sample_hard_negatives(sim, rng)
            neg_image = sample_hard_negatives(sim.T, rng)
        else:
            neg_text = (np.arange(n) + rng.integers(1, n, size=n)) % n
            neg_image = (np.arange(n) + rng.integers(1, n, size=n)) % n
        # A "negative" that names the same class is not a negative; drop those pairs.
        keep_t = data.caption_labels[neg_text] != data.labels
        keep_i = data.caption_labels != data.labels[neg_image]
        feats = np.concatenate([u * v, (u * v[neg_text])[keep_t], (u[neg_image] * v)[keep_i]])
        y = np.concatenate([np.ones(n), np.zeros(keep_t.sum()), np.zeros(keep_i.sum())])
        weight = np.where(y == 1, 0.5 / n, 0.5 / max(1, len(y) - n))  # balance the two classes
        for _ in range(epochs):
            g = (_sigmoid(feats @ self.w + self.c) - y) * weight
            self.w = self.w - lr * feats.T @ g
            self.c = self.c - lr * float(g.sum())
        return self


def caption_class(caption: str) -> int:
    """Class index a caption names, or -1 when it names no single colour and shape.

    Examples
    --------
    >>> caption_class("a photo of a blue ring"), caption_class("a photo of a"), caption_class("a red red ring")
    (9, -1, -1)
    >>> caption_class(["a", "blue", "ring"])
    Traceback (most recent call last):
    ...
    TypeError: a caption must be a str, got list
    """
    if not isinstance(caption, str):
        raise TypeError(f"a caption must be a str, got {type(caption).__name__}")
    words = caption.split()
    colours = [w for w in words if w in COLOURS]
    shapes = [w for w in words if w in SHAPES]
    if len(colours) != 1 or len(shapes) != 1:
        return -1
    return list(COLOURS).index(colours[0]) * len(SHAPES) + SHAPES.index(shapes[0])


class Captioner:
    """Image-grounded next-word model (the toy counterpart of BLIP's decoder, trained with LM).

    ``P(w_k | image, w_{k-1}, k) = softmax(A h(image) + B[w_{k-1}] + C[k])`` where ``h`` is the
    hidden layer of the encoder's image tower. Trained by teacher forcing with Adam.

    Examples
    --------
    >>> from explained.multimodal.data import make_dataset
    >>> from explained.multimodal.model import DualEncoder, train
    >>> encoder = DualEncoder(seed=0)
    >>> _ = train(encoder, make_dataset(1000, seed=0), epochs=4)
    >>> cap = Captioner(encoder).fit(make_dataset(300, seed=1))
    >>> img = make_dataset(1, classes=[9], seed=5).images
    >>> cap.generate(img, method="beam")
    ['a blue ring']
    >>> cap.A.shape, cap.B.shape, cap.C.shape   # B has one extra row: the previous token <bos>
    ((25, 64), (26, 25), (8, 25))

    Greedy decoding is a beam of width 1; a wider beam can find a likelier caption it misses.
    ``beam_width`` may go up to the whole vocabulary and ``top_p`` up to 1:

    >>> x = make_dataset(40, seed=5).images[32:33]
    >>> cap.generate(x, method="greedy"), cap.generate(x, method="beam", beam_width=2)
    (['a photo of a red cross'], ['this is a red cross'])
    >>> cap.generate(x, method="beam", beam_width=1) == cap.generate(x, method="greedy")
    True
    >>> cap.generate(img, method="beam", beam_width=25), cap.generate(img, top_p=1)
    (['a blue ring'], ['a blue ring'])

    A caption has at most 8 positions: training cuts longer ones to 7 words plus ``<eos>``:

    >>> long = make_dataset(20, templates=("the big rendering of an image of a {}",), seed=0)
    >>> Captioner(encoder).fit(long).generate(img, method="greedy")
    ['the big rendering of an image of']

    :func:`capfilt` captions every web image (nucleus sampling, seed 0 by default) and keeps the
    pairs the ITM head accepts; its result cannot be modified:

    >>> head = MatchingHead(encoder).fit(make_dataset(300, seed=1))
    >>> web = make_dataset(8, noise=0.5, seed=3)
    >>> r = capfilt(web, cap, head)
    >>> r.synthetic.captions[:3]
    ('a photo of a purple triangle', 'a photo of a red cross', 'a green square')
    >>> web.is_clean.astype(int).tolist(), r.web_kept.astype(int).tolist()
    ([0, 0, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0, 0])
    >>> r.dataset = web
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'dataset'
    >>> cap.generate(img, method="sample")
    Traceback (most recent call last):
    ...
    ValueError: method must be 'nucleus', 'beam' or 'greedy', got 'sample'
    >>> cap.generate(img, top_p=0)
    Traceback (most recent call last):
    ...
    ValueError: top_p must lie in (0, 1], got 0
    >>> cap.generate(img, top_p=1.5)
    Traceback (most recent call last):
    ...
    ValueError: top_p must lie in (0, 1], got 1.5
    >>> cap.generate(img, method="beam", beam_width=0)
    Traceback (most recent call last):
    ...
    ValueError: beam_width must be an int in 1..25 (the vocabulary), got 0
    >>> cap.generate(img, method="beam", beam_width=26)
    Traceback (most recent call last):
    ...
    ValueError: beam_width must be an int in 1..25 (the vocabulary), got 26
    >>> capfilt(make_dataset(4), cap, None, threshold=1.0)
    Traceback (most recent call last):
    ...
    ValueError: threshold is a probability in (0, 1), got 1.0
    >>> capfilt(make_dataset(4), cap, None, threshold=0)
    Traceback (most recent call last):
    ...
    ValueError: threshold is a probability in (0, 1), got 0
    """

    def __init__(self, encoder):
        self.encoder = encoder
        hidden = encoder.params["W1"].shape[0]
        n_out = len(_TOKENS)
        self.A = np.zeros((n_out, hidden))
        self.B = np.zeros((n_out + 1, n_out))  # previous token incl. <bos> (last row)
        self.C = np.zeros((_MAX_LEN, n_out))

    def _logits(self, h: np.ndarray, prev: np.ndarray, pos: np.ndarray) -> np.ndarray:
        return h @ self.A.T + self.B[prev] + self.C[pos]

    def fit(self, data: ImageTextData, *, epochs: int = 150, lr: float = 0.05) -> Captioner:
        """Teacher-forced maximum likelihood on the captions of ``data``."""
        lr = check_rate(lr, "lr")
        h_all = self.encoder.image_hidden(data.images)
        rows, prevs, poss, targets = [], [], [], []
        for i, caption in enumerate(data.captions):
            tokens = [_TOKEN_INDEX[w] for w in tokenize(caption)][: _MAX_LEN - 1] + [0]
            prev = len(_TOKENS)
            for k, t in enumerate(tokens):
                rows.append(i)
                prevs.append(prev)
                poss.append(k)
                targets.append(t)
                prev = t
        h = h_all[rows]
        prev = np.array(prevs)
        pos = np.array(poss)
        target = np.array(targets)
        onehot = np.eye(len(_TOKENS))[target]
        params = {"A": self.A, "B": self.B, "C": self.C}
        m = {k: np.zeros_like(p) for k, p in params.items()}
        s = {k: np.zeros_like(p) for k, p in params.items()}
        for step in range(1, epochs + 1):
            logits = self._logits(h, prev, pos)
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            g = (p - onehot) / len(target)
            grads = {"A": g.T @ h, "B": np.zeros_like(self.B), "C": np.zeros_like(self.C)}
            np.add.at(grads["B"], prev, g)
            np.add.at(grads["C"], pos, g)
            for k, value in params.items():
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                s[k] = 0.999 * s[k] + 0.001 * grads[k] ** 2
                update = lr * (m[k] / (1 - 0.9**step)) / (np.sqrt(s[k] / (1 - 0.999**step)) + 1e-8)
                params[k] = value - update
            self.A, self.B, self.C = params["A"], params["B"], params["C"]
        return self

    def _log_probs(self, h: np.ndarray, prev: int, pos: int) -> np.ndarray:
        logits = self._logits(h[None], np.array([prev]), np.array([pos]))[0]
        if pos == 0:
            logits[0] = -np.inf  # a caption has at least one word
        return logits - logits.max() - math.log(np.exp(logits - logits.max()).sum())

    def _beam(self, h: np.ndarray, width: int) -> list[int]:
        beams = [(0.0, [])]  # (log prob, tokens)
        finished: list[tuple[float, list[int]]] = []
        for pos in range(_MAX_LEN):
            candidates = []
            for score, tokens in beams:
                prev = tokens[-1] if tokens else len(_TOKENS)
                lp = self._log_probs(h, prev, pos)
                for t in np.argsort(-lp, kind="stable")[:width]:
                    candidates.append((score + float(lp[t]), tokens + [int(t)]))
            candidates.sort(key=lambda c: -c[0])
            beams = []
            for score, tokens in candidates[:width]:
                (finished if tokens[-1] == 0 or pos == _MAX_LEN - 1 else beams).append(
                    (score, tokens)
                )
            if not beams:
                break
        return max(finished, key=lambda c: c[0])[1]

    def _nucleus(self, h: np.ndarray, top_p: float, rng: np.random.Generator) -> list[int]:
        tokens: list[int] = []
        for pos in range(_MAX_LEN):
            p = np.exp(self._log_probs(h, tokens[-1] if tokens else len(_TOKENS), pos))
            order = np.argsort(-p, kind="stable")
            cumulative = np.cumsum(p[order])
            keep = order[
                : int(np.searchsorted(cumulative, top_p) + 1)
            ]  # smallest set with mass >= p
            q = p[keep] / p[keep].sum()
            tokens.append(int(keep[rng.choice(len(keep), p=q)]))
            if tokens[-1] == 0:
                break
        return tokens

    def generate(
        self,
        images,
        *,
        method: str = "nucleus",
        top_p: float = 0.9,
        beam_width: int = 3,
        seed: int = 0,
    ) -> list[str]:
        """One caption per image by ``"nucleus"`` sampling, ``"beam"`` search or ``"greedy"``."""
        if method not in ("nucleus", "beam", "greedy"):
            raise ValueError(f"method must be 'nucleus', 'beam' or 'greedy', got {method!r}")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p must lie in (0, 1], got {top_p}")
        if (
            isinstance(beam_width, bool)
            or not isinstance(beam_width, int)
            or not 1 <= beam_width <= len(_TOKENS)
        ):
            raise ValueError(
                f"beam_width must be an int in 1..{len(_TOKENS)} (the vocabulary), got {beam_width!r}"
            )
        rng = np.random.default_rng(seed)
        captions = []
        for h in self.encoder.image_hidden(images):
            if method == "nucleus":
                tokens = self._nucleus(h, top_p, rng)
            else:
                tokens = self._beam(h, 1 if method == "greedy" else beam_width)
            captions.append(" ".join(_TOKENS[t] for t in tokens if t != 0))
        return captions


@dataclass(frozen=True)
class CapFiltResult:
    """Output of :func:`capfilt`: the bootstrapped dataset and what happened on the way."""

    dataset: ImageTextData
    web_kept: np.ndarray
    synthetic: ImageTextData
    synthetic_kept: np.ndarray


def capfilt(
    web: ImageTextData,
    captioner: Captioner,
    head: MatchingHead,
    *,
    method: str = "nucleus",
    threshold: float = 0.5,
    seed: int = 0,
) -> CapFiltResult:
    """Caption every web image, then keep the web and synthetic pairs the ITM head accepts.

    Returns the kept web pairs followed by the kept synthetic pairs (add the human-annotated
    pairs yourself, as BLIP does).
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold is a probability in (0, 1), got {threshold}")
    captions = captioner.generate(web.images, method=method, seed=seed)
    synthetic = web.with_captions(captions, np.array([caption_class(c) for c in captions]))
    web_kept = head.predict_proba(web.images, web.captions) > threshold
    synthetic_kept = head.predict_proba(synthetic.images, synthetic.captions) > threshold
    dataset = web.subset(web_kept).concat(synthetic.subset(synthetic_kept))
    return CapFiltResult(dataset, web_kept, synthetic, synthetic_kept)
