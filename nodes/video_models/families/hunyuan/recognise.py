"""How a HunyuanVideo file is told: the denoiser in Tencent's layout and diffusers' (I2V by its image
input's width), and its VAE."""
from __future__ import annotations

from ...base.recognise import Recognised


def recognise(t, filename: str = "") -> Recognised | None:
    s = t.vae_shapes
    if "decoder.conv_in.conv.weight" in s and "decoder.mid_block.attentions.0.to_q.weight" in s:
        return Recognised("vae", "hunyuan", "HunyuanVideo VAE")
    if {"double_blocks", "txt_in"} <= t.tops:  # the original layout (1.5's is told first: key_rank)
        i2v = t.shape("img_in.proj.weight", 1) == 32
        return Recognised("denoiser", "hunyuan", "HunyuanVideo" + (" I2V" if i2v else ""))
    if {"context_embedder", "single_transformer_blocks", "transformer_blocks"} <= t.tops and \
            t.has("context_embedder.token_refiner.refiner_blocks.0.norm1.weight"):
        return Recognised("denoiser", "hunyuan", "HunyuanVideo")
    return None


def lora_names(names: list[str]) -> bool:
    """A HunyuanVideo LoRA: its double and single blocks."""
    return any(k.startswith(("double_blocks", "single_blocks", "single_transformer_blocks")) for k in names)
