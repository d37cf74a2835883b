"""Tests for explained.position.rope: reference forms, identities and bad inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.position import (
    apply_rope,
    interleaved_to_half_permutation,
    relative_decay_bound,
    rope_frequencies,
    rope_rotation_matrix,
    rope_score,
    rotate_half,
)

dims = st.sampled_from([2, 4, 8, 16, 64])
seeds = st.integers(0, 2**32 - 1)


def llama_reference(x, positions, base=10000.0):
    """Meta LLaMA: view pairs as complex numbers and multiply by exp(i m theta)."""
    dim = x.shape[-1]
    freqs = 1.0 / (base ** (np.arange(0, dim, 2)[: dim // 2] / dim))
    cis = np.exp(1j * np.outer(positions, freqs))
    xc = x.reshape(*x.shape[:-1], -1, 2)
    xc = xc[..., 0] + 1j * xc[..., 1]
    out = xc * cis
    return np.stack([out.real, out.imag], axis=-1).reshape(x.shape)


def hf_reference(x, positions, base=10000.0):
    """Hugging Face: q * cos + rotate_half(q) * sin with emb = cat(freqs, freqs)."""
    dim = x.shape[-1]
    inv_freq = 1.0 / (base ** (np.arange(0, dim, 2) / dim))
    freqs = np.outer(positions, inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    half = dim // 2
    rot = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * np.cos(emb) + rot * np.sin(emb)


def test_frequencies_formula():
    f = rope_frequencies(128)
    assert f.shape == (64,)
    assert f[0] == 1.0
    np.testing.assert_allclose(f, 10000.0 ** (-2 * np.arange(64) / 128))


@given(seeds, dims, st.sampled_from([10000.0, 500000.0]))
@settings(max_examples=30, deadline=None)
def test_matches_llama_complex_form(seed, dim, base):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 7, dim))
    pos = rng.integers(0, 5000, size=7)
    np.testing.assert_allclose(
        apply_rope(x, pos, base=base), llama_reference(x, pos, base), rtol=1e-10, atol=1e-10
    )


@given(seeds, dims)
@settings(max_examples=30, deadline=None)
def test_half_layout_matches_hugging_face(seed, dim):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 5, dim))
    pos = np.arange(5) + 11
    np.testing.assert_allclose(
        apply_rope(x, pos, layout="half"), hf_reference(x, pos), rtol=1e-10, atol=1e-10
    )


@given(seeds, dims, st.integers(0, 10**5), st.integers(0, 10**5), st.integers(-(10**4), 10**4))
@settings(max_examples=60, deadline=None)
def test_score_depends_only_on_relative_position(seed, dim, m, n, shift):
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(2, dim))
    shift = max(shift, -min(m, n))
    for layout in ("interleaved", "half"):
        a = rope_score(q, k, m, n, layout=layout)
        b = rope_score(q, k, m + shift, n + shift, layout=layout)
        assert abs(a - b) <= 1e-7 * (1 + np.linalg.norm(q) * np.linalg.norm(k))


def test_relative_property_named_pairs():
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 64))
    scores = [rope_score(q, k, m, n) for m, n in [(3, 7), (10, 14), (100, 104)]]
    assert np.allclose(scores, scores[0])
    assert not np.isclose(rope_score(q, k, 3, 8), scores[0])


@given(seeds, dims, st.sampled_from(["interleaved", "half"]))
@settings(max_examples=40, deadline=None)
def test_norms_preserved(seed, dim, layout):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 9, dim)) * 10
    pos = rng.uniform(0, 1e4, size=9)
    out = apply_rope(x, pos, layout=layout)
    np.testing.assert_allclose(np.linalg.norm(out, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-12)


@given(seeds, dims)
@settings(max_examples=40, deadline=None)
def test_layouts_equivalent_under_fixed_permutation(seed, dim):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, dim))
    perm = interleaved_to_half_permutation(dim)
    inter = apply_rope(x)
    half = apply_rope(x[..., perm], layout="half")
    np.testing.assert_allclose(half, inter[..., perm], atol=1e-12)
    np.testing.assert_allclose(half[..., np.argsort(perm)], inter, atol=1e-12)


def test_layouts_differ_without_permutation():
    x = np.random.default_rng(1).normal(size=(5, 8))
    assert not np.allclose(apply_rope(x), apply_rope(x, layout="half"))


@given(seeds, st.floats(-500, 500), st.floats(-500, 500))
@settings(max_examples=40, deadline=None)
def test_rotations_compose(seed, a, b):
    x = np.random.default_rng(seed).normal(size=(1, 16))
    twice = apply_rope(apply_rope(x, [a]), [b])
    np.testing.assert_allclose(twice, apply_rope(x, [a + b]), atol=1e-9)


def test_elementwise_equals_matrix_product():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 16))
    out = apply_rope(x, np.arange(5) * 3)
    for i in range(5):
        np.testing.assert_allclose(out[i], rope_rotation_matrix(3 * i, 16) @ x[i], atol=1e-12)


def test_rotation_matrix_is_orthogonal_and_relative():
    r3, r7 = rope_rotation_matrix(3, 8), rope_rotation_matrix(7, 8)
    np.testing.assert_allclose(r3.T @ r3, np.eye(8), atol=1e-12)
    np.testing.assert_allclose(r3.T @ r7, rope_rotation_matrix(4, 8), atol=1e-12)


def test_default_positions_and_broadcast_positions():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 8))
    np.testing.assert_array_equal(apply_rope(x), apply_rope(x, np.arange(4)))
    per_batch = np.array([[0, 1, 2, 3], [10, 11, 12, 13]])
    out = apply_rope(x, per_batch)
    np.testing.assert_allclose(out[1], apply_rope(x[1], np.arange(10, 14)))


def test_position_zero_is_identity_and_dtype_kept():
    x = np.random.default_rng(4).normal(size=(3, 8)).astype(np.float32)
    out = apply_rope(x, np.zeros(3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, x)


def test_input_not_mutated():
    x = np.random.default_rng(5).normal(size=(3, 8))
    before = x.copy()
    out = apply_rope(x)
    np.testing.assert_array_equal(x, before)
    assert out is not x


def test_inv_freq_overrides_base():
    x = np.random.default_rng(6).normal(size=(4, 8))
    np.testing.assert_allclose(
        apply_rope(x, inv_freq=rope_frequencies(8, 500.0)), apply_rope(x, base=500.0)
    )


def test_rotate_half():
    assert rotate_half(np.arange(6.0)).tolist() == [-3.0, -4.0, -5.0, 0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"x": np.ones((3, 5))}, ValueError, "must be even"),
        ({"x": np.ones((3, 4)), "positions": [0, 1]}, ValueError, "one entry per sequence"),
        ({"x": np.ones((3, 4)), "layout": "neox"}, ValueError, "layout must be one of"),
        ({"x": np.ones((3, 4), dtype=int)}, TypeError, "floating-point"),
        ({"x": np.ones(4)}, ValueError, r"shape \(\.\.\., seq, dim\)"),
        ({"x": np.ones((3, 4)), "positions": [0, 1, np.nan]}, ValueError, "finite"),
        ({"x": np.ones((2, 3, 4)), "positions": np.zeros((3, 3))}, ValueError, "broadcast"),
        ({"x": np.ones((3, 4)), "base": 1.0}, ValueError, "greater than 1"),
        ({"x": np.ones((3, 4)), "inv_freq": [1.0]}, ValueError, r"inv_freq must have shape"),
    ],
)
def test_apply_rope_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        apply_rope(**kwargs)


def test_frequency_bad_inputs():
    with pytest.raises(ValueError, match="must be even"):
        rope_frequencies(7)
    with pytest.raises(TypeError, match="must be an integer"):
        rope_frequencies(8.0)
    with pytest.raises(ValueError, match="vectors of equal length"):
        rope_score(np.ones(4), np.ones(6), 0, 1)


def test_decay_bound_values():
    b = relative_decay_bound(np.arange(300), 128)
    assert b[0] == pytest.approx(32.5)  # S_j = j at distance 0
    assert b[:20].argmax() == 0
    assert b[250:].max() < b[:10].min()
    assert np.any(np.diff(b) > 0), "the bound is not monotone, and tests should say so"
    assert relative_decay_bound(5, 64).shape == ()


def test_decay_bound_is_a_bound():
    """|sum_i h_i exp(i r theta_i)| <= max|h_{i+1}-h_i| * sum_j |S_j| (with h_{d/2} = 0)."""
    rng = np.random.default_rng(7)
    dim = 32
    theta = rope_frequencies(dim)
    for r in [0, 3, 50, 400]:
        h = rng.normal(size=dim // 2) + 1j * rng.normal(size=dim // 2)
        lhs = abs(np.sum(h * np.exp(1j * r * theta)))
        diffs = np.abs(np.diff(np.append(h, 0)))
        rhs = diffs.max() * relative_decay_bound(r, dim) * (dim // 2)
        assert lhs <= rhs + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e30, 1e30, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-30))
def test_bfloat16_round_keeps_eight_significant_bits(x):
    from explained.position import bfloat16_round

    y = float(bfloat16_round(x))
    assert abs(y - x) <= abs(x) * 2.0**-8  # half a unit in the last of 8 significant bits
    assert float(bfloat16_round(y)) == y  # representable values stay put
