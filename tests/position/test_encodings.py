"""Tests for sinusoidal, Shaw, Transformer-XL, T5, DeBERTa and ALiBi, and the comparison table."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.position import (
    PositionModel,
    absolute_score_terms,
    alibi_bias,
    alibi_slopes,
    comparison_table,
    deberta_relative_index,
    deberta_score_terms,
    shaw_attention_logits,
    shaw_relative_indices,
    sinusoidal_encoding,
    sinusoidal_shift_matrix,
    softmax_attention,
    t5_bias_matrix,
    t5_relative_position_bucket,
    transformer_xl_score_terms,
)

# -- reference implementations, transcribed --------------------------------------------------


def t5_reference(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    """Scalar transcription of T5's _relative_position_bucket (mesh-tensorflow / HF)."""
    ret = 0
    n = -relative_position
    if bidirectional:
        num_buckets //= 2
        ret += int(n < 0) * num_buckets
        n = abs(n)
    else:
        n = max(n, 0)
    max_exact = num_buckets // 2
    if n < max_exact:
        return ret + n
    val = max_exact + int(
        math.log(n / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    )
    return ret + min(val, num_buckets - 1)


def alibi_reference(n):
    """ALiBi's get_slopes, as published with the paper."""

    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        get_slopes_power_of_2(closest_power_of_2)
        + alibi_reference(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


# -- sinusoidal ---------------------------------------------------------------------------------


def test_sinusoidal_formula():
    pe = sinusoidal_encoding(50, 16)
    p, i = 37, 3
    assert pe[p, 2 * i] == pytest.approx(math.sin(p / 10000 ** (2 * i / 16)))
    assert pe[p, 2 * i + 1] == pytest.approx(math.cos(p / 10000 ** (2 * i / 16)))
    assert pe.shape == (50, 16)


@given(st.integers(0, 500), st.sampled_from([4, 16, 64]))
@settings(max_examples=30, deadline=None)
def test_sinusoidal_shift_is_linear_and_position_free(offset, dim):
    pe = sinusoidal_encoding(offset + 40, dim)
    m = sinusoidal_shift_matrix(offset, dim)
    np.testing.assert_allclose(
        pe[offset : offset + 40] if offset else pe, (m @ pe[:40].T).T, atol=1e-9
    )
    np.testing.assert_allclose(m.T @ m, np.eye(dim), atol=1e-12)


def test_sinusoidal_dot_product_depends_on_offset_only():
    pe = sinusoidal_encoding(300, 32)
    assert pe[10] @ pe[17] == pytest.approx(pe[200] @ pe[207])
    assert pe[10] @ pe[17] == pytest.approx(pe[17] @ pe[10])  # symmetric: no direction


def test_sinusoidal_bad_inputs():
    with pytest.raises(ValueError, match="must be even"):
        sinusoidal_encoding(4, 5)
    with pytest.raises(ValueError, match="must be positive"):
        sinusoidal_encoding(0, 4)


def test_absolute_terms_sum():
    rng = np.random.default_rng(0)
    x, p = rng.normal(size=(2, 6, 4))
    wq, wk = rng.normal(size=(2, 4, 3))
    terms = absolute_score_terms(x, p, wq, wk)
    np.testing.assert_allclose(sum(terms.values()), ((x + p) @ wq) @ ((x + p) @ wk).T)
    with pytest.raises(ValueError, match="equal shape"):
        absolute_score_terms(x, p[:3], wq, wk)


# -- Shaw, Transformer-XL, DeBERTa -------------------------------------------------------------


def test_shaw_indices_and_logits():
    idx = shaw_relative_indices(4, 4, 1)
    assert idx.tolist() == [[1, 2, 2, 2], [0, 1, 2, 2], [0, 0, 1, 2], [0, 0, 0, 1]]
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(2, 5, 4))
    rel = rng.normal(size=(5, 4))
    logits = shaw_attention_logits(q, k, rel, 2)
    i, j = 1, 4
    expected = q[i] @ (k[j] + rel[min(j - i, 2) + 2]) / 2
    assert logits[i, j] == pytest.approx(expected)
    with pytest.raises(ValueError, match="rel_k must have shape"):
        shaw_attention_logits(q, k, rel[:3], 2)


def test_transformer_xl_terms_are_relative():
    rng = np.random.default_rng(2)
    x = np.tile(rng.normal(size=8), (6, 1))  # same token everywhere
    wq, wke, wkr = rng.normal(size=(3, 8, 4))
    u, v = rng.normal(size=(2, 4))
    terms = transformer_xl_score_terms(x, wq, wke, wkr, u, v)
    for name in "abcd":
        m = terms[name]
        for d in range(-5, 6):
            assert np.allclose(np.diag(m, d), np.diag(m, d)[0]), name
    with pytest.raises(ValueError, match="head size"):
        transformer_xl_score_terms(x, wq, wke, wkr, u[:2], v)


def test_deberta_index_and_terms():
    assert deberta_relative_index(1, 7, 2).tolist() == [[2, 1, 0, 0, 0, 0, 0]]
    assert deberta_relative_index(7, 1, 2)[:, 0].tolist() == [2, 3, 3, 3, 3, 3, 3]
    rng = np.random.default_rng(3)
    qc, kc = rng.normal(size=(2, 5, 6))
    qr, kr = rng.normal(size=(2, 4, 6))
    t = deberta_score_terms(qc, kc, qr, kr, 2)
    i, j = 3, 1
    assert t["c2p"][i, j] == pytest.approx(qc[i] @ kr[min(i - j + 2, 3)])
    assert t["p2c"][i, j] == pytest.approx(kc[j] @ qr[max(j - i + 2, 0)])
    np.testing.assert_allclose(t["c2c"], qc @ kc.T)
    with pytest.raises(ValueError, match="q_r and k_r"):
        deberta_score_terms(qc, kc, qr[:2], kr, 2)


# -- T5 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bidirectional", [True, False])
@pytest.mark.parametrize(("num_buckets", "max_distance"), [(32, 128), (64, 256), (8, 20)])
def test_t5_matches_reference(bidirectional, num_buckets, max_distance):
    rel = np.arange(-600, 601)
    got = t5_relative_position_bucket(
        rel, bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
    )
    want = [t5_reference(int(r), bidirectional, num_buckets, max_distance) for r in rel]
    assert got.tolist() == want


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=50))
@settings(max_examples=40, deadline=None)
def test_t5_buckets_in_range_and_monotone(rels):
    rel = np.array(sorted(rels))
    b = t5_relative_position_bucket(rel)
    assert b.min() >= 0 and b.max() <= 31
    future = rel > 0
    assert np.all(b[future] >= 16) and np.all(b[~future] < 16)
    # within each direction the bucket grows with the distance
    assert np.all(np.diff(b[future]) >= 0)
    assert np.all(np.diff(b[~future]) <= 0)


def test_t5_bias_matrix_and_errors():
    m = t5_bias_matrix(3, 3, np.arange(32.0))
    assert m.tolist() == [[0.0, 17.0, 18.0], [1.0, 0.0, 17.0], [2.0, 1.0, 0.0]]
    with pytest.raises(TypeError, match="integers"):
        t5_relative_position_bucket([0.5])
    with pytest.raises(ValueError, match="too small"):
        t5_relative_position_bucket([1], num_buckets=2)
    with pytest.raises(ValueError, match="max_distance must exceed"):
        t5_relative_position_bucket([1], num_buckets=32, max_distance=4)


# -- ALiBi ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", list(range(1, 65)) + [80, 96, 100, 128])
def test_alibi_slopes_match_paper_code(n):
    assert alibi_slopes(n).tolist() == alibi_reference(n)


def test_alibi_known_values():
    assert alibi_slopes(8).tolist() == [2.0**-k for k in range(1, 9)]
    np.testing.assert_allclose(alibi_slopes(16)[:3], [2**-0.5, 2**-1, 2**-1.5])
    assert alibi_slopes(12)[8:].tolist() == alibi_slopes(16)[0::2][:4].tolist()
    with pytest.raises(ValueError, match="num_heads must be positive"):
        alibi_slopes(0)


def test_alibi_bias_and_softmax_shift_invariance():
    bias = alibi_bias(4, 6)
    assert bias.shape == (4, 6, 6)
    assert bias[1, 5, 2] == pytest.approx(-alibi_slopes(4)[1] * 3)
    assert np.all(np.triu(bias[0], 1) == 0)
    # fairseq adds m * j instead of -m * (i - j): equal up to a per-row constant, same softmax
    rng = np.random.default_rng(4)
    q, k = rng.normal(size=(2, 6, 4))
    v = np.eye(6)
    m = alibi_slopes(4)[0]
    row_constant = m * np.arange(6)[None, :] * np.ones((6, 1))
    a = softmax_attention(q, k, v, bias=bias[0], causal=True)
    b = softmax_attention(q, k, v, bias=row_constant, causal=True)
    np.testing.assert_allclose(a, b, atol=1e-12)


# -- comparison table -----------------------------------------------------------------------------


def test_comparison_table():
    rows = {r["scheme"]: r for r in comparison_table()}
    assert [s for s, r in rows.items() if r["translation_invariant"]] == [
        "shaw",
        "t5",
        "alibi",
        "rope",
        "nope",
    ]
    assert [s for s, r in rows.items() if not r["beyond_training"]] == ["learned"]
    assert rows["learned"]["parameters"] == 64 * 16
    assert rows["t5"]["parameters"] == 32 * 8
    assert rows["shaw"]["parameters"] == 12 * (2 * 8 + 1) * 16  # key side, every layer
    assert rows["rope"]["parameters"] == 0
    assert rows["shaw"]["operations"] > rows["t5"]["operations"] > rows["nope"]["operations"]


def test_position_model_errors():
    model = PositionModel(dim=8, train_length=10)
    with pytest.raises(ValueError, match="learned table has rows"):
        model.logits("learned", np.ones((2, 8)), [3, 12])
    with pytest.raises(ValueError, match="scheme must be one of"):
        model.logits("xpos", np.ones((2, 8)), [0, 1])
    with pytest.raises(ValueError, match="integer positions"):
        model.logits("rope", np.ones((2, 8)), [0.5, 1.5])
    with pytest.raises(ValueError, match="must fit"):
        comparison_table(model, seq_len=8, shift=5)


def test_alibi_head_is_causal_like_alibi_bias():
    model = PositionModel(dim=8, train_length=16)
    x = np.random.default_rng(0).normal(size=(5, 8))
    pos = np.arange(3, 8)
    plain = model.logits("nope", x, pos)
    np.testing.assert_allclose(model.logits("alibi", x, pos) - plain, alibi_bias(8, 5)[0])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), dim=st.integers(1, 6), alpha=st.floats(0.05, 0.45))
def test_hierarchical_extension_keeps_trained_rows_and_is_distinct(n, dim, alpha):
    from explained.position import hierarchical_extension

    p = np.random.default_rng(n * 7 + dim).normal(size=(n, dim))
    q = hierarchical_extension(p, alpha)
    assert q.shape == (n * n, dim)
    np.testing.assert_allclose(q[:n], p, atol=1e-12)
    # block i of n rows shares its coarse part: rows differ from block 0 by alpha * (u_i - u_0)
    u = (p - alpha * p[0]) / (1 - alpha)
    diff = q.reshape(n, n, dim) - q[:n][None]
    np.testing.assert_allclose(
        diff, np.broadcast_to(alpha * (u - u[0])[:, None], diff.shape), atol=1e-9
    )
