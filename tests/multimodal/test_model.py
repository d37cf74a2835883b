import math

import numpy as np
import pytest

from explained.multimodal import (
    MAX_LOGIT_SCALE,
    DualEncoder,
    bag_of_words,
    class_text_embeddings,
    linear_probe_accuracy,
    make_dataset,
    recall_at_k,
    train,
    zero_shot_accuracy,
)


def loss_of(model, images, bow):
    return model.loss_and_grads(images, bow)[0]


@pytest.mark.parametrize("loss", ["clip", "siglip"])
def test_parameter_gradients_match_finite_differences(loss):
    model = DualEncoder(embed_dim=4, hidden=5, loss=loss, seed=1)
    model.params["t"] = np.array(1.0)
    data = make_dataset(6, seed=2)
    bow = bag_of_words(data.captions)
    _, grads = model.loss_and_grads(data.images, bow)
    rng = np.random.default_rng(0)
    eps = 1e-6
    for name, param in model.params.items():
        if loss == "clip" and name == "b":
            assert grads["b"] == 0.0
            continue
        flat = param.reshape(-1)
        for k in rng.choice(flat.size, size=min(6, flat.size), replace=False):
            original = flat[k]
            flat[k] = original + eps
            up = loss_of(model, data.images, bow)
            flat[k] = original - eps
            down = loss_of(model, data.images, bow)
            flat[k] = original
            assert grads[name].reshape(-1)[k] == pytest.approx(
                (up - down) / (2 * eps), rel=1e-4, abs=1e-7
            ), name


def test_initial_temperatures_follow_the_papers():
    assert DualEncoder(loss="clip").logit_scale == pytest.approx(1 / 0.07)
    siglip = DualEncoder(loss="siglip")
    assert siglip.logit_scale == pytest.approx(10.0) and siglip.logit_bias == -10.0


def test_training_is_deterministic_and_learns():
    data = make_dataset(1000, seed=0)
    a, b = DualEncoder(seed=0), DualEncoder(seed=0)
    ha = train(a, data, epochs=6)
    hb = train(b, data, epochs=6)
    assert ha.losses == hb.losses
    assert np.mean(ha.losses[-5:]) < 0.5 * np.mean(ha.losses[:5])
    test = make_dataset(300, seed=1)
    assert zero_shot_accuracy(a, test) > 0.8
    assert zero_shot_accuracy(DualEncoder(seed=0), test) < 0.3


def test_siglip_training_learns():
    model = DualEncoder(loss="siglip", seed=0)
    history = train(model, make_dataset(1000, seed=0), epochs=6)
    assert history.losses[-1] < history.losses[0]
    assert zero_shot_accuracy(model, make_dataset(300, seed=1)) > 0.8


def test_logit_scale_is_clipped_at_100():
    model = DualEncoder(seed=0)
    model.params["t"] = np.array(math.log(99.0))
    history = train(model, make_dataset(256, seed=0), epochs=3, lr=0.5)
    assert max(history.logit_scales) <= MAX_LOGIT_SCALE + 1e-9


def test_steps_overrides_epochs():
    history = train(DualEncoder(seed=0), make_dataset(100, seed=0), batch_size=32, steps=7)
    assert len(history.losses) == 7
    history = train(DualEncoder(seed=0), make_dataset(100, seed=0), batch_size=32, epochs=2)
    assert len(history.losses) == 6
    with pytest.raises(ValueError, match="steps"):
        train(DualEncoder(seed=0), make_dataset(100, seed=0), steps=0)


def test_frozen_temperature_stays():
    model = DualEncoder(seed=0)
    train(model, make_dataset(128, seed=0), epochs=1, learn_temperature=False)
    assert model.logit_scale == pytest.approx(1 / 0.07)


def test_copy_is_independent():
    model = DualEncoder(seed=0)
    clone = model.copy()
    clone.params["W1"][0, 0] += 1
    assert model.params["W1"][0, 0] != clone.params["W1"][0, 0]


def test_train_does_not_mutate_data():
    data = make_dataset(64, seed=0)
    before = data.images.copy()
    train(DualEncoder(seed=0), data, epochs=1, batch_size=32)
    assert np.array_equal(before, data.images)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 1}, ValueError, "batch_size"),
        ({"batch_size": 1000}, ValueError, "batch_size"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"lr": 0.0}, ValueError, "lr"),
    ],
)
def test_train_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        train(DualEncoder(), make_dataset(64, seed=0), **kwargs)


def test_model_validation():
    with pytest.raises(ValueError, match="'clip' or 'siglip'"):
        DualEncoder(loss="infonce")
    with pytest.raises(ValueError, match="embed_dim"):
        DualEncoder(embed_dim=0)
    with pytest.raises(ValueError, match="images must have shape"):
        DualEncoder().encode_images(np.zeros((2, 8, 8)))
    with pytest.raises(TypeError, match="DualEncoder"):
        train(object(), make_dataset(8, seed=0))
    with pytest.raises(TypeError, match="ImageTextData"):
        train(DualEncoder(), [1, 2])


def test_recall_at_k_against_sorting():
    rng = np.random.default_rng(0)
    s = rng.normal(size=(30, 30))
    for k in (1, 5, 30):
        expected = np.mean([i in np.argsort(-s[i])[:k] for i in range(30)])
        assert recall_at_k(s, k) == pytest.approx(expected)
    with pytest.raises(ValueError, match="square"):
        recall_at_k(np.ones((2, 3)), 1)
    with pytest.raises(ValueError, match="k must be"):
        recall_at_k(np.eye(3), 4)


def test_prompt_ensemble_is_normalised_mean():
    model = DualEncoder(seed=0)
    e = class_text_embeddings(model, [1], templates=("a {}", "this is a {}"))
    a = model.encode_texts(["a red ring"])[0]
    b = model.encode_texts(["this is a red ring"])[0]
    assert np.allclose(e[0], (a + b) / np.linalg.norm(a + b))
    with pytest.raises(ValueError, match="templates"):
        class_text_embeddings(model, [1], templates="a {}")
    with pytest.raises(ValueError, match="classes"):
        class_text_embeddings(model, [])


def test_linear_probe_separable_and_validation():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2, 0.5, (40, 2)), rng.normal(2, 0.5, (40, 2))])
    y = np.repeat([3, 7], 40)
    assert linear_probe_accuracy(x, y, x, y) == 1.0
    with pytest.raises(ValueError, match="same number of columns"):
        linear_probe_accuracy(x, y, x[:, :1], y)
    with pytest.raises(ValueError, match="exactly one label"):
        linear_probe_accuracy(x, y[:3], x, y)
