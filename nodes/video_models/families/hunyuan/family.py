"""HunyuanVideo: text and image to video."""
from __future__ import annotations

from ...base.family import Family
from . import recognise


class Hunyuan(Family):
    lora_title = "HunyuanVideo"

    def lora_names(self, names):
        return recognise.lora_names(names)

    def prepare_state(self, cls_name: str, state: dict) -> dict:
        """The 13B's single blocks split by the file's width (diffusers' converter assumes the 13B's)."""
        from . import layouts as hunyuan_layouts
        return hunyuan_layouts.prepare(state) if cls_name == hunyuan_layouts.CLASS else state


FAMILY = Hunyuan(
    "hunyuan", "HunyuanVideo", ("HunyuanVideoPipeline", "HunyuanVideoImageToVideoPipeline"),
    i2v="HunyuanVideoImageToVideoPipeline", t2v="HunyuanVideoPipeline",
    frames=61, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=3, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Tencent)"),
    part_titles=(("Llama 3 8B", "Llama 3 8B (HunyuanVideo)"), ("CLIP-L text", "CLIP-L text (HunyuanVideo)")),
    key_patterns=(("double_blocks.", "single_blocks.", "txt_in."),
                  ("context_embedder.token_refiner", "single_transformer_blocks.")))
