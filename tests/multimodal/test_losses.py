import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.multimodal import (
    clip_loss,
    clip_loss_grad,
    siglip_chunk_schedule,
    siglip_loss,
    siglip_loss_chunked,
    siglip_loss_grad,
)


def unit_rows(rng, n, d):
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def clip_reference(x, y, s):
    # Direct transcription of the CLIP paper's pseudo-code, with explicit loops.
    n = len(x)
    logits = s * x @ y.T
    loss_i = sum(
        -logits[i, i] + math.log(sum(math.exp(logits[i, j]) for j in range(n))) for i in range(n)
    )
    loss_t = sum(
        -logits[j, j] + math.log(sum(math.exp(logits[i, j]) for i in range(n))) for j in range(n)
    )
    return (loss_i / n + loss_t / n) / 2


def siglip_reference(x, y, s, b):
    n = len(x)
    total = 0.0
    for i in range(n):
        for j in range(n):
            z = 1.0 if i == j else -1.0
            total -= math.log(1 / (1 + math.exp(-z * (s * float(x[i] @ y[j]) + b))))
    return total / n


seeds = st.integers(0, 10_000)
sizes = st.integers(1, 9)


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, st.integers(1, 6), st.floats(0.1, 50))
def test_clip_matches_reference(seed, n, d, s):
    rng = np.random.default_rng(seed)
    x, y = unit_rows(rng, n, d), unit_rows(rng, n, d)
    assert clip_loss(x, y, s) == pytest.approx(clip_reference(x, y, s), rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, st.integers(1, 6), st.floats(0.1, 30), st.floats(-15, 5))
def test_siglip_matches_reference(seed, n, d, s, b):
    rng = np.random.default_rng(seed)
    x, y = unit_rows(rng, n, d), unit_rows(rng, n, d)
    assert siglip_loss(x, y, s, b) == pytest.approx(
        siglip_reference(x, y, s, b), rel=1e-9, abs=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, st.floats(0.1, 100))
def test_clip_symmetric_under_swapping_modalities(seed, n, s):
    rng = np.random.default_rng(seed)
    x, y = unit_rows(rng, n, 4), unit_rows(rng, n, 4)
    assert clip_loss(x, y, s) == pytest.approx(clip_loss(y, x, s), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, st.floats(0.1, 100))
def test_clip_invariant_under_joint_permutation(seed, n, s):
    rng = np.random.default_rng(seed)
    x, y = unit_rows(rng, n, 4), unit_rows(rng, n, 4)
    p = rng.permutation(n)
    assert clip_loss(x[p], y[p], s) == pytest.approx(clip_loss(x, y, s), rel=1e-12)


@given(st.integers(1, 64), st.floats(0.01, 100))
def test_clip_chance_level_is_log_n(n, s):
    # All embeddings identical: every logit equal, each softmax uniform over N.
    x = np.tile([0.6, 0.8], (n, 1))
    assert clip_loss(x, x, s) == pytest.approx(math.log(n), rel=1e-12, abs=1e-12)


def test_clip_tends_to_zero_when_aligned_and_scale_grows():
    x = np.eye(5)
    losses = [clip_loss(x, x, s) for s in (1, 10, 50, 100)]
    assert losses == sorted(losses, reverse=True)
    assert losses[-1] < 1e-40 or losses[-1] == pytest.approx(0, abs=1e-40)


def test_clip_grows_linearly_with_scale_when_wrong():
    x = np.eye(2)
    y = x[::-1]  # each image is most similar to the wrong text
    assert clip_loss(x, y, 100.0) == pytest.approx(100.0, rel=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    seeds,
    st.sampled_from([(4, 1), (4, 2), (4, 4), (12, 3), (12, 6), (6, 6)]),
    st.floats(1, 30),
    st.floats(-12, 2),
)
def test_chunked_siglip_equals_full(seed, shape, s, b):
    n, devices = shape
    rng = np.random.default_rng(seed)
    x, y = unit_rows(rng, n, 5), unit_rows(rng, n, 5)
    assert siglip_loss_chunked(x, y, s, b, devices) == pytest.approx(
        siglip_loss(x, y, s, b), rel=1e-12
    )


@pytest.mark.parametrize("devices", [1, 2, 5])
def test_chunk_schedule_covers_every_block_once(devices):
    schedule = siglip_chunk_schedule(devices)
    blocks = [block for step in schedule for block in step]
    assert sorted(blocks) == [(i, j) for i in range(devices) for j in range(devices)]
    for step in schedule:  # each device works on its own images at every step
        assert [i for i, _ in step] == list(range(devices))
        assert sorted(j for _, j in step) == list(range(devices))


def numerical(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (f(up) - f(down)) / (2 * eps)
    return g


@pytest.mark.parametrize("seed", range(3))
def test_clip_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    x, y, s = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), 3.0
    _, gx, gy, gs = clip_loss_grad(x, y, s)
    assert np.allclose(gx, numerical(lambda a: clip_loss(a, y, s), x), atol=1e-7)
    assert np.allclose(gy, numerical(lambda a: clip_loss(x, a, s), y), atol=1e-7)
    assert gs == pytest.approx(
        (clip_loss(x, y, s + 1e-6) - clip_loss(x, y, s - 1e-6)) / 2e-6, abs=1e-7
    )


@pytest.mark.parametrize("seed", range(3))
def test_siglip_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    x, y, s, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), 3.0, -2.0
    loss, gx, gy, gs, gb = siglip_loss_grad(x, y, s, b)
    assert loss == pytest.approx(siglip_loss(x, y, s, b))
    assert np.allclose(gx, numerical(lambda a: siglip_loss(a, y, s, b), x), atol=1e-7)
    assert np.allclose(gy, numerical(lambda a: siglip_loss(x, a, s, b), y), atol=1e-7)
    assert gs == pytest.approx(
        (siglip_loss(x, y, s + 1e-6, b) - siglip_loss(x, y, s - 1e-6, b)) / 2e-6, abs=1e-6
    )
    assert gb == pytest.approx(
        (siglip_loss(x, y, s, b + 1e-6) - siglip_loss(x, y, s, b - 1e-6)) / 2e-6, abs=1e-6
    )


def test_siglip_is_stable_for_huge_logits():
    x = np.eye(3)
    assert math.isfinite(siglip_loss(x, x[::-1], 1e4, 0.0))
    assert siglip_loss(x, x, 1e4, -5e3) == pytest.approx(0.0, abs=1e-12)


def test_inputs_are_not_mutated():
    x = np.eye(3)
    before = x.copy()
    clip_loss_grad(x, x, 2.0)
    siglip_loss_chunked(x, x, 2.0, 0.0, 3)
    assert np.array_equal(x, before)


@pytest.mark.parametrize(
    "fn, extra",
    [(clip_loss, ()), (siglip_loss, (0.0,)), (clip_loss_grad, ()), (siglip_loss_grad, (0.0,))],
)
class TestValidation:
    def test_shape_mismatch(self, fn, extra):
        with pytest.raises(ValueError, match="same shape"):
            fn(np.eye(3), np.eye(4)[:3], 1.0, *extra)

    def test_not_2d(self, fn, extra):
        with pytest.raises(ValueError, match="2-D"):
            fn(np.ones(3), np.ones(3), 1.0, *extra)

    def test_non_finite(self, fn, extra):
        x = np.eye(3)
        x[0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN or infinite"):
            fn(x, np.eye(3), 1.0, *extra)
        with pytest.raises(ValueError, match="NaN or infinite"):
            fn(np.eye(3), np.full((3, 3), np.inf), 1.0, *extra)

    @pytest.mark.parametrize("scale", [0.0, -1.0])
    def test_non_positive_scale(self, fn, extra, scale):
        with pytest.raises(ValueError, match="logit_scale must be positive"):
            fn(np.eye(3), np.eye(3), scale, *extra)

    def test_non_finite_scale(self, fn, extra):
        with pytest.raises(ValueError, match="logit_scale must be finite"):
            fn(np.eye(3), np.eye(3), float("nan"), *extra)

    def test_empty(self, fn, extra):
        with pytest.raises(ValueError, match="at least one row"):
            fn(np.zeros((0, 3)), np.zeros((0, 3)), 1.0, *extra)

    def test_scale_type(self, fn, extra):
        with pytest.raises(TypeError, match="real number"):
            fn(np.eye(3), np.eye(3), "1", *extra)


def test_siglip_rejects_bad_bias():
    with pytest.raises(ValueError, match="logit_bias must be finite"):
        siglip_loss(np.eye(2), np.eye(2), 1.0, float("inf"))


def test_chunked_validation():
    x = np.eye(4)
    with pytest.raises(ValueError, match="divisible"):
        siglip_loss_chunked(x[:3, :3], x[:3, :3], 1.0, 0.0, 2)
    with pytest.raises(ValueError, match="at least 1"):
        siglip_loss_chunked(x, x, 1.0, 0.0, 0)
    with pytest.raises(TypeError, match="int"):
        siglip_chunk_schedule(2.0)


def test_non_numeric_features():
    with pytest.raises(TypeError, match=r"array of \(real\) numbers"):
        clip_loss([["a"]], [["b"]], 1.0)
