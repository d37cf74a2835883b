import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.multimodal import (
    CLASS_NAMES,
    COLOURS,
    SHAPES,
    VOCABULARY,
    bag_of_words,
    make_dataset,
    render_image,
    tokenize,
)


def test_classes_are_colour_shape_products():
    assert len(CLASS_NAMES) == len(COLOURS) * len(SHAPES) == 24
    assert CLASS_NAMES[0] == "red square" and CLASS_NAMES[9] == "blue ring"


def test_same_seed_same_data_and_different_seed_differs():
    a, b, c = (
        make_dataset(50, noise=0.2, seed=3),
        make_dataset(50, noise=0.2, seed=3),
        make_dataset(50, noise=0.2, seed=4),
    )
    assert np.array_equal(a.images, b.images) and a.captions == b.captions
    assert not np.array_equal(a.images, c.images)


def test_clean_captions_name_the_image_class():
    data = make_dataset(200, seed=0)
    assert data.is_clean.all()
    for label, caption in zip(data.labels, data.captions):
        assert caption.endswith(CLASS_NAMES[label])


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(0, 1000))
def test_noisy_captions_always_name_another_class(noise, seed):
    data = make_dataset(60, noise=noise, seed=seed)
    for label, cap_label, caption in zip(data.labels, data.caption_labels, data.captions):
        assert caption.endswith(CLASS_NAMES[cap_label])
    if noise == 1.0:
        assert not data.is_clean.any()


def test_noise_rate_is_close_to_requested():
    data = make_dataset(4000, noise=0.4, seed=1)
    assert abs(np.mean(~data.is_clean) - 0.4) < 0.03


def test_classes_restrict_images_and_noise():
    data = make_dataset(300, noise=0.5, classes=[2, 7], seed=0)
    assert set(data.labels.tolist()) == {2, 7}
    assert set(data.caption_labels.tolist()) <= {2, 7}


def test_image_colour_and_shape():
    img = render_image("purple", "ring", shift=(0, 0))
    assert img.shape == (3, 8, 8)
    assert img[:, 0, 0].tolist() == [1.0, 0.0, 1.0]
    assert img[:, 2, 2].tolist() == [0.0, 0.0, 0.0]  # the ring's hole
    assert img.sum() == 16 * 2  # 16 ring pixels, two channels on


def test_shapes_are_distinct_masks():
    masks = {s: render_image("red", s)[0] for s in SHAPES}
    for a in SHAPES:
        for b in SHAPES:
            if a != b:
                assert not np.array_equal(masks[a], masks[b])


def test_tokenize_and_bag_of_words():
    assert tokenize("A photo of a red ring.") == ["a", "photo", "of", "a", "red", "ring"]
    bow = bag_of_words(["a red ring", "a a"])
    assert bow[1, VOCABULARY.index("a")] == 1.0
    assert bow[0, VOCABULARY.index("red")] == pytest.approx(1 / 3)


def test_subset_concat_and_with_captions():
    data = make_dataset(10, seed=0)
    sub = data.subset(np.arange(10) < 4)
    assert len(sub) == 4 and sub.captions == data.captions[:4]
    assert len(sub.concat(sub)) == 8
    other = sub.with_captions(["a red ring"] * 4, np.full(4, 1))
    assert other.captions == ("a red ring",) * 4 and np.array_equal(other.images, sub.images)
    with pytest.raises(ValueError, match="need 4 captions"):
        sub.with_captions(["a red ring"], np.array([1]))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n": 0}, ValueError, "positive int"),
        ({"n": 5, "noise": 1.5}, ValueError, r"\[0, 1\]"),
        ({"n": 5, "classes": [24]}, ValueError, "indices in 0..23"),
        ({"n": 5, "classes": []}, ValueError, "non-empty"),
        ({"n": 5, "noise": 0.1, "classes": [3]}, ValueError, "at least two classes"),
        ({"n": 5, "templates": ("no slot",)}, ValueError, "exactly one"),
    ],
)
def test_make_dataset_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_dataset(**kwargs)


def test_render_and_tokenize_validation():
    with pytest.raises(ValueError, match="unknown colour"):
        render_image("pink", "ring")
    with pytest.raises(ValueError, match="unknown shape"):
        render_image("red", "star")
    with pytest.raises(ValueError, match="shift"):
        render_image("red", "ring", shift=(4, 0))
    with pytest.raises(ValueError, match="rng="):
        render_image("red", "ring", noise=0.1)
    with pytest.raises(ValueError, match="unknown words"):
        tokenize("a pink star")
    with pytest.raises(ValueError, match="at least one word"):
        tokenize("  ")
    with pytest.raises(TypeError, match="str"):
        tokenize(3)
    with pytest.raises(TypeError, match="list of captions"):
        bag_of_words("a red ring")
