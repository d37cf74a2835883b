"""A small synthetic image–text world: coloured shapes and template captions.

Every image is a ``3 x 8 x 8`` RGB picture of one shape in one colour, slightly shifted and
with pixel noise. Its class is the pair (colour, shape), 6 x 4 = 24 classes. A caption is a
template filled with the class name, such as ``"a photo of a red ring"``. With probability
``noise`` a caption is replaced by the caption of another, randomly chosen class: the toy
version of web alt-text that does not describe its image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CLASS_NAMES",
    "COLOURS",
    "IMAGE_SIZE",
    "SHAPES",
    "TEMPLATES",
    "VOCABULARY",
    "ImageTextData",
    "bag_of_words",
    "make_dataset",
    "render_image",
    "tokenize",
]

IMAGE_SIZE = 8
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
    "purple": (1.0, 0.0, 1.0),
    "cyan": (0.0, 1.0, 1.0),
}
SHAPES: tuple[str, ...] = ("square", "ring", "cross", "triangle")
#: Class ``c`` is colour ``c // 4`` and shape ``c % 4``: "red square", "red ring", ...
CLASS_NAMES: tuple[str, ...] = tuple(f"{c} {s}" for c in COLOURS for s in SHAPES)
#: Caption templates of the training data; ``{}`` is replaced by a class name.
TEMPLATES: tuple[str, ...] = (
    "a {}",
    "a photo of a {}",
    "a picture of a {}",
    "this is a {}",
    "a small {}",
    "a drawing of a {}",
)
_TEMPLATE_WORDS = sorted({w for t in TEMPLATES for w in t.replace("{}", "").split()})
_EXTRA_WORDS = ["an", "image", "big", "shape", "the", "rendering"]
#: Every word the text encoder knows, in a fixed order; unknown words are rejected.
VOCABULARY: tuple[str, ...] = tuple(
    sorted(set(_TEMPLATE_WORDS) | set(_EXTRA_WORDS) | set(COLOURS) | set(SHAPES))
)
_WORD_INDEX = {w: i for i, w in enumerate(VOCABULARY)}


def real_array(value: object, name: str) -> np.ndarray:
    """``value`` as a float array; TypeError for complex, text or object data (never cast silently)."""
    array = np.asarray(value) if _regular(value) else np.asarray(None)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of (real) numbers, got {type(value).__name__}"
            + (f" of dtype {array.dtype}" if isinstance(value, np.ndarray) else "")
        )
    return array.astype(float)


def _regular(value: object) -> bool:
    """Whether numpy can read ``value`` as a regular (non-ragged) array."""
    try:
        np.asarray(value)
    except ValueError:
        return False
    return True


def check_rate(
    value: object, name: str, *, low: float = 0.0, high: float = 10.0, inclusive: bool = False
) -> float:
    """A learning rate (or a penalty): a number in ``(low, high]`` (``[low, high]`` if inclusive).

    Steps larger than ``high`` only make the toy models' parameters overflow.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not ((low <= value if inclusive else low < value) and value <= high):
        raise ValueError(
            f"{name} must lie in {'[' if inclusive else '('}{low}, {high}], got {value}"
        )
    return float(value)


def check_templates(templates: object) -> tuple[str, ...]:
    """Caption templates: a non-empty sequence of str, each with exactly one ``{}``."""
    if isinstance(templates, str) or (isinstance(templates, (list, tuple)) and not templates):
        raise ValueError("templates must be a non-empty tuple of strings with exactly one '{}'")
    if not isinstance(templates, (list, tuple)):
        raise TypeError("templates must be a non-empty tuple of strings with exactly one '{}'")
    if any(not isinstance(t, str) or t.count("{}") != 1 for t in templates):
        raise ValueError("templates must be a non-empty tuple of strings with exactly one '{}'")
    return tuple(templates)


def check_classes(classes: object) -> np.ndarray:
    """Class indices: a non-empty 1-D sequence of ints in ``0 .. len(CLASS_NAMES) - 1``."""
    pool = np.asarray(classes) if _regular(classes) else np.asarray(None)
    if pool.size and pool.dtype.kind not in "iu":
        raise TypeError(f"classes must be integer class indices, got {classes!r:.80}")
    pool = pool.astype(int)
    if pool.ndim != 1 or pool.size == 0 or pool.min() < 0 or pool.max() >= len(CLASS_NAMES):
        raise ValueError(
            f"classes must be a non-empty list of indices in 0..{len(CLASS_NAMES) - 1}"
        )
    return pool


def _masks() -> dict[str, np.ndarray]:
    square = np.ones((5, 5))
    ring = np.ones((5, 5))
    ring[1:4, 1:4] = 0
    cross = np.zeros((5, 5))
    cross[2, :] = 1
    cross[:, 2] = 1
    triangle = np.tril(np.ones((5, 5)))
    return {"square": square, "ring": ring, "cross": cross, "triangle": triangle}


_MASKS = _masks()


def render_image(
    colour: str,
    shape: str,
    *,
    shift: tuple[int, int] = (1, 1),
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Draw one ``(3, 8, 8)`` image: a 5 x 5 shape at offset ``shift`` on a black background.

    Examples
    --------
    >>> img = render_image("yellow", "cross")
    >>> img.shape, img[:, 3, 3].tolist(), img[:, 0, 0].tolist()
    ((3, 8, 8), [1.0, 1.0, 0.0], [0.0, 0.0, 0.0])

    The default ``shift=(1, 1)`` puts the shape one pixel from the top-left corner; here are the
    red channels of a ring and a cross:

    >>> render_image("red", "ring")[0].astype(int)
    array([[0, 0, 0, 0, 0, 0, 0, 0],
           [0, 1, 1, 1, 1, 1, 0, 0],
           [0, 1, 0, 0, 0, 1, 0, 0],
           [0, 1, 0, 0, 0, 1, 0, 0],
           [0, 1, 0, 0, 0, 1, 0, 0],
           [0, 1, 1, 1, 1, 1, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0]])
    >>> render_image("red", "cross", shift=(3, 0))[0].astype(int)
    array([[0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0],
           [1, 1, 1, 1, 1, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0]])
    >>> render_image("pink", "ring")
    Traceback (most recent call last):
    ...
    ValueError: unknown colour 'pink'; expected one of ['blue', 'cyan', 'green', 'purple', 'red', 'yellow']
    >>> render_image("red", "star")
    Traceback (most recent call last):
    ...
    ValueError: unknown shape 'star'; expected one of ['square', 'ring', 'cross', 'triangle']
    >>> render_image("red", "ring", shift=(4, 0))
    Traceback (most recent call last):
    ...
    ValueError: shift must keep the 5x5 shape inside the image (0..3 each), got (4, 0)
    >>> render_image("red", "ring", shift=(0, 4))
    Traceback (most recent call last):
    ...
    ValueError: shift must keep the 5x5 shape inside the image (0..3 each), got (0, 4)
    >>> render_image("red", "ring", noise=-0.1)
    Traceback (most recent call last):
    ...
    ValueError: noise must be non-negative, got -0.1
    >>> render_image("red", "ring", noise=0.1)
    Traceback (most recent call last):
    ...
    ValueError: pass rng= when noise > 0 so the image is reproducible
    >>> render_image("red", "ring", noise=0.1, rng=0)
    Traceback (most recent call last):
    ...
    TypeError: rng must be a numpy Generator (np.random.default_rng), got int
    """
    if colour not in COLOURS:
        raise ValueError(f"unknown colour {colour!r}; expected one of {sorted(COLOURS)}")
    if shape not in _MASKS:
        raise ValueError(f"unknown shape {shape!r}; expected one of {list(SHAPES)}")
    dy, dx = shift
    if not (0 <= dy <= IMAGE_SIZE - 5 and 0 <= dx <= IMAGE_SIZE - 5):
        raise ValueError(f"shift must keep the 5x5 shape inside the image (0..3 each), got {shift}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    canvas = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    canvas[dy : dy + 5, dx : dx + 5] = _MASKS[shape]
    image = np.asarray(COLOURS[colour])[:, None, None] * canvas[None]
    if noise:
        if rng is None:
            raise ValueError("pass rng= when noise > 0 so the image is reproducible")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy Generator (np.random.default_rng), got {type(rng).__name__}"
            )
        image = image + noise * rng.normal(size=image.shape)
    return image


@dataclass(frozen=True)
class ImageTextData:
    """A batch of image–caption pairs.

    Attributes
    ----------
    images : ndarray, shape (n, 3, 8, 8)
    captions : tuple of str
    labels : ndarray of int, shape (n,)
        The class the image shows (index into :data:`CLASS_NAMES`).
    caption_labels : ndarray of int, shape (n,)
        The class the caption names; differs from ``labels`` for a noisy pair.
    """

    images: np.ndarray
    captions: tuple[str, ...]
    labels: np.ndarray
    caption_labels: np.ndarray

    def __len__(self) -> int:
        return len(self.captions)

    @property
    def is_clean(self) -> np.ndarray:
        """Boolean mask of the pairs whose caption describes the image."""
        return self.labels == self.caption_labels

    def subset(self, index: np.ndarray) -> ImageTextData:
        """The pairs selected by an integer or boolean index."""
        index = np.asarray(index)
        if index.dtype.kind not in "iub" or index.ndim != 1:
            raise TypeError(
                f"index must be a 1-D array of ints or booleans, got {index.dtype} "
                f"of shape {index.shape}"
            )
        return ImageTextData(
            self.images[index].copy(),
            tuple(np.asarray(self.captions, dtype=object)[index].tolist()),
            self.labels[index].copy(),
            self.caption_labels[index].copy(),
        )

    def with_captions(
        self, captions: list[str] | tuple[str, ...], caption_labels: np.ndarray
    ) -> ImageTextData:
        """The same images with other captions (used by CapFilt's captioner)."""
        if len(captions) != len(self) or len(caption_labels) != len(self):
            raise ValueError(
                f"need {len(self)} captions and {len(self)} caption labels, "
                f"got {len(captions)} and {len(caption_labels)}"
            )
        return ImageTextData(
            self.images.copy(),
            tuple(captions),
            self.labels.copy(),
            np.asarray(caption_labels, dtype=int).copy(),
        )

    def concat(self, other: ImageTextData) -> ImageTextData:
        """Both datasets, one after the other."""
        return ImageTextData(
            np.concatenate([self.images, other.images]),
            self.captions + other.captions,
            np.concatenate([self.labels, other.labels]),
            np.concatenate([self.caption_labels, other.caption_labels]),
        )


def make_dataset(
    n: int,
    *,
    noise: float = 0.0,
    classes: list[int] | tuple[int, ...] | np.ndarray | None = None,
    templates: tuple[str, ...] = TEMPLATES,
    pixel_noise: float = 0.1,
    seed: int = 0,
) -> ImageTextData:
    """Sample ``n`` image–caption pairs.

    Parameters
    ----------
    n : int
        Number of pairs.
    noise : float in [0, 1]
        Probability that a caption is replaced by the caption of a different random class.
    classes : sequence of int, optional
        Classes the images are drawn from (default: all 24). Noisy captions are drawn from the
        same classes.
    templates : tuple of str
        Caption templates, each with one ``{}``.
    pixel_noise : float
        Standard deviation of the Gaussian noise added to every pixel.
    seed : int
        Seed of ``np.random.default_rng``; the same arguments always give the same data.

    Examples
    --------
    >>> data = make_dataset(4, seed=1)
    >>> len(data), data.images.shape
    (4, (4, 3, 8, 8))
    >>> make_dataset(3).captions   # the default seed is 0: the same call gives the same data
    ('a small cyan square', 'this is a yellow triangle', 'a yellow square')
    >>> [CLASS_NAMES[c] in cap for c, cap in zip(data.labels, data.captions)]
    [True, True, True, True]
    >>> noisy = make_dataset(1000, noise=0.3, seed=0)
    >>> round(float(np.mean(~noisy.is_clean)), 2)
    0.3

    With ``noise=1`` every caption is wrong; with two classes a wrong caption names the other one:

    >>> swapped = make_dataset(6, noise=1.0, classes=[3, 7], seed=0)
    >>> sorted({(int(a), int(b)) for a, b in zip(swapped.labels, swapped.caption_labels)})
    [(3, 7), (7, 3)]

    The pairs are immutable; ``subset``, ``with_captions`` and ``concat`` return new ones:

    >>> data.captions = ()
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'captions'
    >>> len(data.subset(data.is_clean)), data.subset([0, 2]).captions == data.captions[::2]
    (4, True)
    >>> len(data.concat(data)), data.with_captions(["a red ring"] * 4, [1] * 4).captions[0]
    (8, 'a red ring')
    >>> data.subset([0.5])
    Traceback (most recent call last):
    ...
    TypeError: index must be a 1-D array of ints or booleans, got float64 of shape (1,)
    >>> data.with_captions(["a red ring"], [1])
    Traceback (most recent call last):
    ...
    ValueError: need 4 captions and 4 caption labels, got 1 and 1
    >>> data.with_captions(["a red ring"] * 4, [1])
    Traceback (most recent call last):
    ...
    ValueError: need 4 captions and 4 caption labels, got 4 and 1
    >>> make_dataset(0)
    Traceback (most recent call last):
    ...
    ValueError: n must be a positive int (at most 10**7 for this toy world), got 0
    >>> make_dataset(10**7 + 1)
    Traceback (most recent call last):
    ...
    ValueError: n must be a positive int (at most 10**7 for this toy world), got 10000001
    >>> make_dataset(4, noise=1.5)
    Traceback (most recent call last):
    ...
    ValueError: noise is a probability and must lie in [0, 1], got 1.5
    >>> make_dataset(4, classes=[3, 24])
    Traceback (most recent call last):
    ...
    ValueError: classes must be a non-empty list of indices in 0..23
    >>> make_dataset(4, classes=["red ring"])
    Traceback (most recent call last):
    ...
    TypeError: classes must be integer class indices, got ['red ring']
    >>> make_dataset(4, classes=[[3], [4, 5]])
    Traceback (most recent call last):
    ...
    TypeError: classes must be integer class indices, got [[3], [4, 5]]
    >>> make_dataset(4, noise=0.5, classes=[3])
    Traceback (most recent call last):
    ...
    ValueError: noisy captions need at least two classes to choose a wrong one from
    >>> make_dataset(4, templates=("a photo",))
    Traceback (most recent call last):
    ...
    ValueError: templates must be a non-empty tuple of strings with exactly one '{}'
    >>> make_dataset(4, templates="a {}")
    Traceback (most recent call last):
    ...
    ValueError: templates must be a non-empty tuple of strings with exactly one '{}'
    >>> make_dataset(4, templates=None)
    Traceback (most recent call last):
    ...
    TypeError: templates must be a non-empty tuple of strings with exactly one '{}'
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 10**7:
        raise ValueError(f"n must be a positive int (at most 10**7 for this toy world), got {n!r}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise is a probability and must lie in [0, 1], got {noise}")
    pool = np.arange(len(CLASS_NAMES)) if classes is None else check_classes(classes)
    if noise > 0 and np.unique(pool).size < 2:
        raise ValueError("noisy captions need at least two classes to choose a wrong one from")
    templates = check_templates(templates)
    rng = np.random.default_rng(seed)
    labels = rng.choice(pool, size=n)
    caption_labels = labels.copy()
    flip = rng.random(n) < noise
    for i in np.flatnonzero(flip):
        others = pool[pool != labels[i]]
        caption_labels[i] = rng.choice(others)
    colour_names = list(COLOURS)
    images = np.empty((n, 3, IMAGE_SIZE, IMAGE_SIZE))
    shifts = rng.integers(0, IMAGE_SIZE - 4, size=(n, 2))
    for i, c in enumerate(labels):
        images[i] = render_image(
            colour_names[c // len(SHAPES)],
            SHAPES[c % len(SHAPES)],
            shift=(int(shifts[i, 0]), int(shifts[i, 1])),
            noise=pixel_noise,
            rng=rng,
        )
    which = rng.integers(0, len(templates), size=n)
    captions = tuple(templates[t].format(CLASS_NAMES[c]) for t, c in zip(which, caption_labels))
    return ImageTextData(images, captions, labels, caption_labels)


def tokenize(text: str) -> list[str]:
    """Lower-case words of a caption, trailing full stop removed.

    Examples
    --------
    >>> tokenize("A photo of a Red ring.")
    ['a', 'photo', 'of', 'a', 'red', 'ring']
    >>> tokenize("a photo of a red car")
    Traceback (most recent call last):
    ...
    ValueError: unknown words ['car']; the toy vocabulary is VOCABULARY
    >>> tokenize(" . ")
    Traceback (most recent call last):
    ...
    ValueError: a caption must contain at least one word
    >>> tokenize(None)
    Traceback (most recent call last):
    ...
    TypeError: a caption must be a str, got NoneType
    """
    if not isinstance(text, str):
        raise TypeError(f"a caption must be a str, got {type(text).__name__}")
    words = text.lower().replace(".", " ").split()
    unknown = [w for w in words if w not in _WORD_INDEX]
    if unknown:
        raise ValueError(f"unknown words {unknown}; the toy vocabulary is VOCABULARY")
    if not words:
        raise ValueError("a caption must contain at least one word")
    return words


def bag_of_words(texts: list[str] | tuple[str, ...]) -> np.ndarray:
    """Word-frequency rows, each summing to 1, over :data:`VOCABULARY`.

    Examples
    --------
    >>> b = bag_of_words(["a red ring", "a a"])
    >>> b.shape == (2, len(VOCABULARY)), b.sum(axis=1).tolist()
    (True, [1.0, 1.0])
    >>> bag_of_words("a red ring")
    Traceback (most recent call last):
    ...
    TypeError: pass a list of captions, not a single str
    """
    if isinstance(texts, str):
        raise TypeError("pass a list of captions, not a single str")
    rows = np.zeros((len(texts), len(VOCABULARY)))
    for i, text in enumerate(texts):
        words = tokenize(text)
        for w in words:
            rows[i, _WORD_INDEX[w]] += 1.0 / len(words)
    return rows
