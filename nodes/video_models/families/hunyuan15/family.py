"""HunyuanVideo 1.5: text and image to video, read from a folder or ComfyUI's part files."""
from __future__ import annotations

from ...base.family import Family
from . import drafts, recognise


class Hunyuan15(Family):
    def part_reader(self):
        from . import pipeline as hunyuan15_pipeline
        return hunyuan15_pipeline

    converters_carry_scales = True

    def converters(self) -> dict:
        from ..hunyuan import layouts as hunyuan_layouts  # Tencent's names, which diffusers has no converter for
        return hunyuan_layouts.CONVERTERS


FAMILY = Hunyuan15(
    "hunyuan15", "HunyuanVideo 1.5", ("HunyuanVideo15Pipeline", "HunyuanVideo15ImageToVideoPipeline"),
    i2v="HunyuanVideo15ImageToVideoPipeline", t2v="HunyuanVideo15Pipeline",
    frames=121, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=2, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Tencent, ComfyUI)"),
    draft_recipes=drafts.RECIPES,
    part_titles=(("byT5", "byT5 (HunyuanVideo 1.5 glyphs)"), ("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (HunyuanVideo 1.5)"),
                 ("SigLIP so400m/14 384", "SigLIP so400m/14 384 (HunyuanVideo 1.5 I2V)")),
    key_patterns=(("cond_type_embed", "context_embedder_2.", "transformer_blocks."),
                  ("cond_type_embedding", "double_blocks.", "txt_in.")),  # Tencent's names (ComfyUI's files)
    variants=(("HunyuanVideo 1.5", lambda idx, cfg: True),))
