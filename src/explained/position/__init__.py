"""Position encodings for Transformers: RoPE and the schemes it is compared with.

Backs the articles 旋转式位置编码 RoPE (``docs/position/rope.md``) and Transformer 位置编码综述
(``docs/position/survey.md``). numpy only; figures live in :mod:`explained.position.figures`.
"""

from .absolute import (
    absolute_score_terms,
    hierarchical_extension,
    sinusoidal_encoding,
    sinusoidal_shift_matrix,
)
from .attention import (
    elu_feature_map,
    rope_linear_attention,
    rope_linear_attention_naive,
    softmax_attention,
)
from .compare import SCHEMES, PositionModel, comparison_table
from .relative import (
    alibi_bias,
    alibi_slopes,
    deberta_relative_index,
    deberta_score_terms,
    shaw_attention_logits,
    shaw_relative_indices,
    t5_bias_matrix,
    t5_relative_position_bucket,
    transformer_xl_score_terms,
)
from .rope import (
    LAYOUTS,
    apply_rope,
    bfloat16_round,
    interleaved_to_half_permutation,
    relative_decay_bound,
    rope_frequencies,
    rope_rotation_matrix,
    rope_score,
    rotate_half,
)
from .scaling import (
    dynamic_ntk_frequencies,
    interpolate_positions,
    llama3_frequencies,
    ntk_aware_base,
    ntk_aware_frequencies,
    position_interpolation_frequencies,
    wavelengths,
    yarn_attention_factor,
    yarn_correction_range,
    yarn_frequencies,
    yarn_ramp,
)

__all__ = [
    "LAYOUTS",
    "SCHEMES",
    "PositionModel",
    "absolute_score_terms",
    "alibi_bias",
    "alibi_slopes",
    "apply_rope",
    "bfloat16_round",
    "comparison_table",
    "deberta_relative_index",
    "deberta_score_terms",
    "dynamic_ntk_frequencies",
    "elu_feature_map",
    "hierarchical_extension",
    "interleaved_to_half_permutation",
    "interpolate_positions",
    "llama3_frequencies",
    "ntk_aware_base",
    "ntk_aware_frequencies",
    "position_interpolation_frequencies",
    "relative_decay_bound",
    "rope_frequencies",
    "rope_linear_attention",
    "rope_linear_attention_naive",
    "rope_rotation_matrix",
    "rope_score",
    "rotate_half",
    "shaw_attention_logits",
    "shaw_relative_indices",
    "sinusoidal_encoding",
    "sinusoidal_shift_matrix",
    "softmax_attention",
    "t5_bias_matrix",
    "t5_relative_position_bucket",
    "transformer_xl_score_terms",
    "wavelengths",
    "yarn_attention_factor",
    "yarn_correction_range",
    "yarn_frequencies",
    "yarn_ramp",
]
