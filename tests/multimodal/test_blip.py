import numpy as np
import pytest

from explained.multimodal import (
    CLASS_NAMES,
    Captioner,
    DualEncoder,
    MatchingHead,
    capfilt,
    caption_class,
    make_dataset,
    sample_hard_negatives,
    train,
)


@pytest.fixture(scope="module")
def encoder():
    model = DualEncoder(seed=0)
    train(model, make_dataset(1000, seed=0), epochs=6)
    return model


def test_hard_negatives_never_pick_the_positive_and_prefer_similar():
    rng = np.random.default_rng(0)
    s = rng.normal(size=(6, 6))
    picks = np.array([sample_hard_negatives(s, np.random.default_rng(k)) for k in range(300)])
    assert (picks != np.arange(6)).all()
    s2 = np.array([[1.0, 0.8, -1.0], [0.8, 1.0, -1.0], [-1.0, 0.8, 1.0]])
    picks = np.array(
        [sample_hard_negatives(s2, np.random.default_rng(k), scale=5.0)[0] for k in range(300)]
    )
    assert np.mean(picks == 1) > 0.95
    with pytest.raises(ValueError, match="square"):
        sample_hard_negatives(np.ones((2, 3)), rng)


def test_caption_class():
    assert caption_class("a small green cross") == CLASS_NAMES.index("green cross")
    assert caption_class("a photo of a") == -1
    assert caption_class("a red blue ring") == -1


def test_matching_head_separates_clean_from_noisy(encoder):
    head = MatchingHead(encoder).fit(make_dataset(300, seed=1))
    test = make_dataset(400, noise=0.5, seed=2)
    p = head.predict_proba(test.images, test.captions)
    assert p[test.is_clean].mean() > p[~test.is_clean].mean() + 0.4
    assert np.mean((p > 0.5) == test.is_clean) > 0.85
    with pytest.raises(ValueError, match="at least two"):
        head.fit(make_dataset(1, seed=0))


def test_captioner_describes_images_and_decoding_modes(encoder):
    cap = Captioner(encoder).fit(make_dataset(300, seed=1))
    test = make_dataset(60, seed=3)
    beam = cap.generate(test.images, method="beam")
    assert np.mean([caption_class(c) == y for c, y in zip(beam, test.labels)]) > 0.7
    assert cap.generate(test.images, method="nucleus", seed=1) == cap.generate(
        test.images, method="nucleus", seed=1
    )
    one = test.images[:1].repeat(30, axis=0)
    assert (
        len(set(cap.generate(one, method="nucleus")))
        > len(set(cap.generate(one, method="beam")))
        == 1
    )
    assert all(c for c in cap.generate(test.images, method="greedy"))
    with pytest.raises(ValueError, match="method"):
        cap.generate(test.images, method="topk")
    with pytest.raises(ValueError, match="top_p"):
        cap.generate(test.images, top_p=0.0)


def test_capfilt_reduces_noise(encoder):
    human = make_dataset(200, seed=4)
    web = make_dataset(300, noise=0.5, seed=5)
    result = capfilt(web, Captioner(encoder).fit(human), MatchingHead(encoder).fit(human))
    assert np.mean(~result.dataset.is_clean) < 0.5 * np.mean(~web.is_clean)
    assert len(result.dataset) == result.web_kept.sum() + result.synthetic_kept.sum()
    with pytest.raises(ValueError, match="threshold"):
        capfilt(web, None, None, threshold=1.0)
