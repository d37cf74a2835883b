"""Tests for context extension (PI, NTK, YaRN) and attention kernels."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.position import (
    apply_rope,
    elu_feature_map,
    interpolate_positions,
    llama3_frequencies,
    ntk_aware_base,
    ntk_aware_frequencies,
    position_interpolation_frequencies,
    rope_frequencies,
    rope_linear_attention,
    rope_linear_attention_naive,
    softmax_attention,
    wavelengths,
    yarn_attention_factor,
    yarn_correction_range,
    yarn_frequencies,
    yarn_ramp,
)


def test_position_interpolation_equals_scaled_frequencies():
    x = np.random.default_rng(0).normal(size=(10, 16))
    pos = np.arange(10) * 400
    a = apply_rope(x, interpolate_positions(pos, 4.0))
    b = apply_rope(x, pos, inv_freq=position_interpolation_frequencies(16, scale=4.0))
    np.testing.assert_allclose(a, b, atol=1e-12)


@given(st.sampled_from([8, 64, 128]), st.floats(1.0, 64.0))
@settings(max_examples=30, deadline=None)
def test_ntk_keeps_highest_and_interpolates_lowest(dim, scale):
    f0, f1 = rope_frequencies(dim), ntk_aware_frequencies(dim, scale=scale)
    assert f1[0] == pytest.approx(f0[0])
    assert f1[-1] == pytest.approx(f0[-1] / scale)
    assert np.all(f1 <= f0 * (1 + 1e-12))


def test_ntk_base_formula():
    assert ntk_aware_base(10000.0, 128, 8.0) == pytest.approx(10000 * 8 ** (128 / 126))
    with pytest.raises(ValueError, match=">= 1"):
        ntk_aware_base(10000.0, 128, 0.5)
    with pytest.raises(ValueError, match="at least 4"):
        ntk_aware_base(10000.0, 2, 2.0)


def test_llama3_frequencies_by_parts():
    dim, scale, length = 128, 8.0, 2048
    theta = rope_frequencies(dim)
    f = llama3_frequencies(dim, scale=scale, original_length=length, high_freq_factor=32.0)
    r = length / wavelengths(theta)
    np.testing.assert_allclose(f[r > 32], theta[r > 32])
    np.testing.assert_allclose(f[r < 1], theta[r < 1] / scale)
    mid = (r >= 1) & (r <= 32)
    assert mid.any()
    assert np.all((f[mid] <= theta[mid] + 1e-15) & (f[mid] >= theta[mid] / scale - 1e-15))
    gamma = (r[mid] - 1) / 31
    np.testing.assert_allclose(f[mid], (1 - gamma) * theta[mid] / scale + gamma * theta[mid])


def test_yarn_scale_one_is_identity_and_ramp():
    np.testing.assert_allclose(yarn_frequencies(64, scale=1.0), rope_frequencies(64))
    assert yarn_ramp([0.0, 1.0, 16.5, 32.0, 40.0]).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="alpha < beta"):
        yarn_ramp([1.0], alpha=5, beta=2)
    assert yarn_attention_factor(1.0) == 1.0
    assert yarn_attention_factor(32.0) == pytest.approx(0.1 * math.log(32) + 1)
    with pytest.raises(ValueError, match="positive"):
        wavelengths([1.0, 0.0])


def test_interpolated_positions_stay_in_trained_range():
    pos = interpolate_positions(np.arange(8192), 4.0)
    assert pos.max() < 2048
    with pytest.raises(ValueError, match=">= 1"):
        interpolate_positions([1, 2], 0.5)


@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.sampled_from([2, 4, 8]), st.booleans())
@settings(max_examples=40, deadline=None)
def test_linear_attention_fast_equals_naive(seed, n, dim, causal):
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(2, n, dim))
    v = rng.normal(size=(n, 3))
    np.testing.assert_allclose(
        rope_linear_attention(q, k, v, causal=causal),
        rope_linear_attention_naive(q, k, v, causal=causal),
        rtol=1e-9,
        atol=1e-9,
    )


def test_linear_attention_uses_relative_positions_in_numerator():
    """Numerator weights <R_m phi(q), R_n phi(k)> depend on m - n; denominator is positive."""
    rng = np.random.default_rng(1)
    q = np.tile(rng.normal(size=8), (10, 1))
    k = np.tile(rng.normal(size=8), (10, 1))
    fq, fk = elu_feature_map(q), elu_feature_map(k)
    w = apply_rope(fq) @ apply_rope(fk).T
    for d in range(-9, 10):
        assert np.allclose(np.diag(w, d), np.diag(w, d)[0])
    assert np.all(fq @ fk.T > 0)


def test_softmax_attention_rows_and_errors():
    rng = np.random.default_rng(2)
    q, k = rng.normal(size=(2, 5, 4))
    v = np.eye(5)
    w = softmax_attention(q, k, v, causal=True)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert np.allclose(np.triu(w, 1), 0)
    with pytest.raises(ValueError, match="bias must have shape"):
        softmax_attention(q, k, v, bias=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="same feature dimension"):
        softmax_attention(q, k[:, :2], v)
    with pytest.raises(ValueError, match="same length"):
        rope_linear_attention(q, k, v[:3])


@settings(max_examples=40, deadline=None)
@given(
    dim=st.sampled_from([16, 64, 128]),
    scale=st.floats(1.0, 64.0),
    length=st.integers(256, 65536),
)
def test_yarn_ramp_is_linear_in_the_pair_index(dim, scale, length):
    theta = rope_frequencies(dim)
    ratio = yarn_frequencies(dim, scale=scale, original_length=length) / theta
    low, high = yarn_correction_range(dim, original_length=length)
    i = np.arange(dim // 2)
    assert np.all((ratio <= 1 + 1e-12) & (ratio >= 1 / scale - 1e-12))
    np.testing.assert_allclose(ratio[i <= low], 1.0)
    np.testing.assert_allclose(ratio[i >= high], 1 / scale)
    assert np.all(np.diff(ratio) <= 1e-12)  # more interpolation for lower frequencies


def test_yarn_attention_factor_scales_logits_by_its_square():
    q, k = np.random.default_rng(0).normal(size=(2, 4, 16))
    a = yarn_attention_factor(8.0)
    logits = apply_rope(a * q) @ apply_rope(a * k).T
    np.testing.assert_allclose(logits, a**2 * (apply_rope(q) @ apply_rope(k).T))
