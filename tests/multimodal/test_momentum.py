import numpy as np
import pytest

from explained.multimodal import clip_loss
from explained.multimodal.momentum import (
    FeatureQueue,
    ema_update,
    momentum_itc_loss,
    momentum_targets,
)


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_ema_closes_the_gap_geometrically():
    target = np.zeros(3)
    for _ in range(50):
        target = ema_update(target, np.ones(3), 0.9)
    np.testing.assert_allclose(target, 1 - 0.9**50)
    np.testing.assert_array_equal(ema_update(np.zeros(2), [2.0, 3.0], 0.0), [2.0, 3.0])
    np.testing.assert_array_equal(ema_update([4.0], [2.0], 1.0), [4.0])


@pytest.mark.parametrize("momentum", [-0.1, 1.1])
def test_ema_rejects_momentum_outside_unit_interval(momentum):
    with pytest.raises(ValueError, match="momentum"):
        ema_update(np.zeros(2), np.ones(2), momentum)
    with pytest.raises(TypeError, match="momentum"):
        ema_update(np.zeros(2), np.ones(2), True)
    with pytest.raises(ValueError, match="same shape"):
        ema_update(np.zeros(2), np.ones((2, 1)), 0.5)


def test_queue_is_first_in_first_out():
    rng = np.random.default_rng(0)
    q = FeatureQueue(size=6, dim=3, seed=1)
    batches = [_unit(rng.normal(size=(2, 3))) for _ in range(4)]
    for b in batches:
        q.enqueue(b)
    # 4 batches of 2 through 6 slots: the last three batches remain; batch 3 wrapped to the start
    np.testing.assert_allclose(q.features, np.vstack([batches[3], batches[1], batches[2]]))
    assert q.pointer == 2
    view = q.features
    view[:] = 0.0
    assert np.allclose(np.linalg.norm(q.features, axis=1), 1.0)  # features returns a copy


def test_queue_validation():
    q = FeatureQueue(size=4, dim=2)
    with pytest.raises(ValueError, match="divide"):
        q.enqueue(_unit(np.ones((3, 2))))
    with pytest.raises(ValueError, match="shape"):
        q.enqueue(_unit(np.ones((2, 3))))
    with pytest.raises(ValueError, match="normalised"):
        q.enqueue(np.ones((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        q.enqueue(np.array([[np.nan, 1.0], [1.0, 0.0]]))
    for size, dim in ((0, 2), (2, 0), (2.0, 2), (True, 2)):
        with pytest.raises(ValueError, match="positive integers"):
            FeatureQueue(size=size, dim=dim)


def test_targets_rows_sum_to_one_and_interpolate():
    rng = np.random.default_rng(0)
    sim = rng.normal(size=(4, 10))
    soft = np.exp(sim) / np.exp(sim).sum(axis=1, keepdims=True)
    for alpha in (0.0, 0.3, 1.0):
        t = momentum_targets(sim, alpha)
        np.testing.assert_allclose(t.sum(axis=1), 1.0)
        np.testing.assert_allclose(t, alpha * soft + (1 - alpha) * np.eye(4, 10))
    with pytest.raises(ValueError, match="alpha"):
        momentum_targets(sim, 1.5)
    with pytest.raises(ValueError, match="N \\+ M"):
        momentum_targets(sim.T, 0.4)
    with pytest.raises(ValueError, match="finite"):
        momentum_targets(np.full((2, 3), np.inf), 0.4)


def test_itc_loss_reduces_to_clip_and_grows_with_the_queue():
    rng = np.random.default_rng(0)
    x, y = _unit(rng.normal(size=(8, 5))), _unit(rng.normal(size=(8, 5)))
    empty = np.zeros((0, 5))
    assert np.isclose(momentum_itc_loss(x, y, x, y, empty, empty, 0.0, 0.1), clip_loss(x, y, 10.0))
    queue = _unit(rng.normal(size=(16, 5)))
    assert momentum_itc_loss(x, y, x, y, queue, queue, 0.0, 0.1) > clip_loss(x, y, 10.0)
    # image and text sides are symmetric: swapping the modalities leaves the loss unchanged
    a = momentum_itc_loss(x, y, x, y, queue, queue[::-1], 0.4, 0.1)
    b = momentum_itc_loss(y, x, y, x, queue[::-1], queue, 0.4, 0.1)
    assert np.isclose(a, b)


def test_soft_targets_from_momentum_features_change_the_loss():
    rng = np.random.default_rng(1)
    x, y = _unit(rng.normal(size=(6, 4))), _unit(rng.normal(size=(6, 4)))
    xm, ym = _unit(x + 0.1 * rng.normal(size=x.shape)), _unit(y + 0.1 * rng.normal(size=y.shape))
    empty = np.zeros((0, 4))
    hard = momentum_itc_loss(x, y, xm, ym, empty, empty, 0.0, 0.1)
    soft = momentum_itc_loss(x, y, xm, ym, empty, empty, 0.4, 0.1)
    assert not np.isclose(hard, soft)


def test_itc_loss_validation():
    x = np.eye(3)
    empty = np.zeros((0, 3))
    with pytest.raises(ValueError, match="positive"):
        momentum_itc_loss(x, x, x, x, empty, empty, 0.4, -1.0)
    with pytest.raises(TypeError, match="temperature"):
        momentum_itc_loss(x, x, x, x, empty, empty, 0.4, "0.1")
    with pytest.raises(ValueError, match="shape"):
        momentum_itc_loss(x, x, x, x, np.zeros((2, 4)), empty, 0.4, 0.1)
    with pytest.raises(ValueError, match="normalised"):
        momentum_itc_loss(2 * x, x, x, x, empty, empty, 0.4, 0.1)
