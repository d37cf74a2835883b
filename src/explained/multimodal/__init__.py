"""Multimodal contrastive learning at toy scale, for the CLIP, SigLIP and BLIP articles.

Everything is numpy: a synthetic world of coloured shapes with template captions
(:mod:`~explained.multimodal.data`), the CLIP and SigLIP losses with analytic gradients
(:mod:`~explained.multimodal.losses`), a tiny dual encoder trained with Adam
(:mod:`~explained.multimodal.model`), zero-shot and retrieval evaluation
(:mod:`~explained.multimodal.evaluation`) and BLIP's matching head, captioner and CapFilt
(:mod:`~explained.multimodal.blip`), with BLIP's momentum encoder, feature queue and soft ITC
targets in :mod:`~explained.multimodal.momentum`. Figures live in :mod:`~explained.multimodal.figures`.
"""

from .blip import (
    CapFiltResult,
    Captioner,
    MatchingHead,
    capfilt,
    caption_class,
    sample_hard_negatives,
)
from .data import (
    CLASS_NAMES,
    COLOURS,
    SHAPES,
    TEMPLATES,
    VOCABULARY,
    ImageTextData,
    bag_of_words,
    make_dataset,
    render_image,
    tokenize,
)
from .evaluation import (
    class_text_embeddings,
    linear_probe_accuracy,
    recall_at_k,
    zero_shot_accuracy,
    zero_shot_predict,
)
from .losses import (
    clip_loss,
    clip_loss_grad,
    siglip_chunk_schedule,
    siglip_loss,
    siglip_loss_chunked,
    siglip_loss_grad,
)
from .model import MAX_LOGIT_SCALE, DualEncoder, TrainingHistory, train

__all__ = [
    "CLASS_NAMES",
    "COLOURS",
    "MAX_LOGIT_SCALE",
    "SHAPES",
    "TEMPLATES",
    "VOCABULARY",
    "CapFiltResult",
    "Captioner",
    "DualEncoder",
    "ImageTextData",
    "MatchingHead",
    "TrainingHistory",
    "bag_of_words",
    "capfilt",
    "caption_class",
    "class_text_embeddings",
    "clip_loss",
    "clip_loss_grad",
    "linear_probe_accuracy",
    "make_dataset",
    "recall_at_k",
    "render_image",
    "sample_hard_negatives",
    "siglip_chunk_schedule",
    "siglip_loss",
    "siglip_loss_chunked",
    "siglip_loss_grad",
    "tokenize",
    "train",
    "zero_shot_accuracy",
    "zero_shot_predict",
]
