"""Record what Hugging Face transformers' rope initialisation functions return, for the parity test.

Run with an interpreter that has torch and transformers (they are not dependencies of the
project)::

    python tests/position/record_transformers_rope.py

It writes ``transformers_rope_reference.json`` beside this file: for each configuration the
inverse frequencies and the attention factor of ``ROPE_INIT_FUNCTIONS[rope_type]``, plus the
versions used. ``test_transformers_parity.py`` compares ``explained.position`` with this file, and
with transformers itself where it is importable.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("transformers_rope_reference.json")

# (rope_type, head_dim, rope_theta, extra rope parameters, max_position_embeddings, seq_len)
CONFIGS: list[tuple[str, int, float, dict, int, int | None]] = [
    ("default", 128, 10000.0, {}, 2048, None),
    ("default", 64, 500000.0, {}, 8192, None),
    ("linear", 128, 10000.0, {"factor": 4.0}, 2048, None),
    ("linear", 64, 10000.0, {"factor": 8.0}, 4096, None),
    ("dynamic", 128, 10000.0, {"factor": 1.0}, 2048, 8192),
    ("dynamic", 128, 10000.0, {"factor": 2.0}, 2048, 2048),
    ("dynamic", 128, 10000.0, {"factor": 2.0}, 2048, 6000),
    ("dynamic", 64, 500000.0, {"factor": 4.0}, 4096, 16384),
    ("yarn", 128, 10000.0, {"factor": 8.0, "original_max_position_embeddings": 2048}, 16384, None),
    ("yarn", 128, 10000.0, {"factor": 4.0, "original_max_position_embeddings": 4096}, 16384, None),
    (
        "yarn",
        64,
        1000000.0,
        {"factor": 16.0, "original_max_position_embeddings": 2048},
        32768,
        None,
    ),
    (
        "yarn",
        128,
        10000.0,
        {"factor": 8.0, "original_max_position_embeddings": 2048, "truncate": False},
        16384,
        None,
    ),
    (
        "yarn",
        128,
        10000.0,
        {"factor": 8.0, "original_max_position_embeddings": 2048, "beta_fast": 16, "beta_slow": 2},
        16384,
        None,
    ),
    (
        "llama3",
        128,
        500000.0,
        {
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
        },
        131072,
        None,
    ),
    (
        "llama3",
        128,
        10000.0,
        {
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 32.0,
            "original_max_position_embeddings": 2048,
        },
        16384,
        None,
    ),
    (
        "llama3",
        64,
        10000.0,
        {
            "factor": 4.0,
            "low_freq_factor": 2.0,
            "high_freq_factor": 8.0,
            "original_max_position_embeddings": 4096,
        },
        16384,
        None,
    ),
]


def record() -> dict:
    import torch
    import transformers
    from transformers import LlamaConfig
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

    cases = []
    for rope_type, head_dim, theta, extra, max_pos, seq_len in CONFIGS:
        params = {"rope_type": rope_type, "rope_theta": theta, **extra}
        config = LlamaConfig(
            hidden_size=head_dim * 4,
            num_attention_heads=4,
            head_dim=head_dim,
            max_position_embeddings=max_pos,
            rope_parameters=params,
        )
        if rope_type == "default":
            inv_freq, factor = ROPE_INIT_FUNCTIONS.get("default", _default)(config, "cpu")
        else:
            inv_freq, factor = ROPE_INIT_FUNCTIONS[rope_type](config, "cpu", seq_len=seq_len)
        cases.append(
            {
                "rope_type": rope_type,
                "head_dim": head_dim,
                "rope_theta": theta,
                "params": extra,
                "max_position_embeddings": max_pos,
                "seq_len": seq_len,
                "inv_freq": [float(f) for f in inv_freq.to(torch.float64)],
                "attention_factor": float(factor),
            }
        )
    return {"torch": torch.__version__, "transformers": transformers.__version__, "cases": cases}


def _default(config, device):  # transformers without a "default" entry computes it in the model
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    return LlamaRotaryEmbedding.compute_default_rope_parameters(config, device=device)


if __name__ == "__main__":
    OUT.write_text(json.dumps(record(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
