"""Context extension against Hugging Face transformers' rope initialisation functions.

For each configuration of record_transformers_rope.py, the inverse frequencies and the attention
factor of ``explained.position`` must match transformers' ``ROPE_INIT_FUNCTIONS[rope_type]``. Where
torch and transformers are importable the values are computed live; elsewhere they are read from
transformers_rope_reference.json, which that script wrote (transformers computes in float32,
hence the tolerance).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from explained.position import (
    dynamic_ntk_frequencies,
    llama3_frequencies,
    ntk_aware_frequencies,
    position_interpolation_frequencies,
    rope_frequencies,
    yarn_attention_factor,
    yarn_frequencies,
)

HERE = Path(__file__).parent
LIVE = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def _reference() -> dict:
    if LIVE:
        sys.path.insert(0, str(HERE))
        try:
            from record_transformers_rope import record
        finally:
            sys.path.remove(str(HERE))
        return record()
    return json.loads((HERE / "transformers_rope_reference.json").read_text(encoding="utf-8"))


REFERENCE = _reference()


def ours(case: dict) -> tuple[np.ndarray, float]:
    """The same configuration computed by explained.position."""
    kind, dim, base, p = case["rope_type"], case["head_dim"], case["rope_theta"], case["params"]
    if kind == "default":
        return rope_frequencies(dim, base), 1.0
    if kind == "linear":
        return position_interpolation_frequencies(dim, base, p["factor"]), 1.0
    if kind == "dynamic":
        freq = dynamic_ntk_frequencies(
            dim, base, p["factor"], case["max_position_embeddings"], case["seq_len"]
        )
        return freq, 1.0
    if kind == "yarn":
        freq = yarn_frequencies(
            dim,
            base,
            p["factor"],
            p["original_max_position_embeddings"],
            beta_fast=float(p.get("beta_fast", 32)),
            beta_slow=float(p.get("beta_slow", 1)),
            truncate=p.get("truncate", True),
        )
        return freq, yarn_attention_factor(p["factor"])
    if kind == "llama3":
        freq = llama3_frequencies(
            dim,
            base,
            p["factor"],
            p["original_max_position_embeddings"],
            low_freq_factor=p["low_freq_factor"],
            high_freq_factor=p["high_freq_factor"],
        )
        return freq, 1.0
    raise AssertionError(f"no counterpart for rope_type {kind!r}")


@pytest.mark.parametrize(
    "case",
    REFERENCE["cases"],
    ids=[f"{c['rope_type']}-d{c['head_dim']}-{n}" for n, c in enumerate(REFERENCE["cases"])],
)
def test_matches_transformers(case: dict) -> None:
    freq, factor = ours(case)
    np.testing.assert_allclose(freq, case["inv_freq"], rtol=2e-6)
    assert factor == pytest.approx(case["attention_factor"], rel=1e-12)


def test_every_method_is_covered() -> None:
    kinds = {c["rope_type"] for c in REFERENCE["cases"]}
    assert kinds >= {"default", "linear", "dynamic", "yarn", "llama3"}


def test_static_ntk_is_dynamic_ntk_with_factor_one() -> None:
    # transformers has no static NTK-aware type; its dynamic type with factor 1 at seq_len = s L
    # is the NTK-aware base for s (the recorded case dynamic-d128-4).
    case = next(c for c in REFERENCE["cases"] if c["rope_type"] == "dynamic")
    assert case["params"]["factor"] == 1.0
    s = case["seq_len"] / case["max_position_embeddings"]
    np.testing.assert_allclose(
        ntk_aware_frequencies(case["head_dim"], case["rope_theta"], s), case["inv_freq"], rtol=2e-6
    )


def test_the_two_ramps_differ() -> None:
    # d = 128, L = 2048, s = 8: YaRN's ramp (linear in the pair index) and the llama3 one (linear in
    # the number of turns, beta = 32, alpha = 1) differ by up to 0.34 in the frequency ratio.
    theta = rope_frequencies(128)
    yarn = yarn_frequencies(128, scale=8.0, original_length=2048) / theta
    turns = llama3_frequencies(128, scale=8.0, original_length=2048, high_freq_factor=32.0) / theta
    assert round(float(np.abs(yarn - turns).max()), 2) == 0.34
