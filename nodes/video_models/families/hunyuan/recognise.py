"""How a HunyuanVideo file is told: the denoiser in Tencent's layout and diffusers' (I2V by its image
input's width: ``channels``), and its VAE."""
from __future__ import annotations

from ...base.recognise import Recognised


def channels(t) -> tuple[int, int]:
    """(channels in, channels out) of a HunyuanVideo transformer file: the patch embedding's input width, and the
    final layer's rows over the patch's size (its kernel's). (0, 0) where the file has neither. Text to video reads
    as many as it gives (16); image to video's 'latent_concat' reads the noise, the start image's latents and a
    mask (2 x 16 + 1 = 33); SkyReels V1's image to video the two without the mask (32: its own family)."""
    for embed, final in (("img_in.proj.weight", "final_layer.linear.weight"), ("x_embedder.proj.weight",
                                                                              "proj_out.weight")):
        shape = t.shapes.get(embed)
        if shape is not None and len(shape) == 5:
            patch = int(shape[2]) * int(shape[3]) * int(shape[4])
            return int(shape[1]), t.shape(final, 0) // patch if patch else 0
    return 0, 0


def recognise(t, filename: str = "") -> Recognised | None:
    s = t.vae_shapes
    if "decoder.conv_in.conv.weight" in s and "decoder.mid_block.attentions.0.to_q.weight" in s:
        return Recognised("vae", "hunyuan", "HunyuanVideo VAE")
    if {"double_blocks", "txt_in"} <= t.tops:  # the original layout (1.5's is told first: key_rank)
        c_in, c_out = channels(t)
        return Recognised("denoiser", "hunyuan", "HunyuanVideo" + (" I2V" if c_out and c_in == 2 * c_out + 1 else ""))
    if {"context_embedder", "single_transformer_blocks", "transformer_blocks"} <= t.tops and \
            t.has("context_embedder.token_refiner.refiner_blocks.0.norm1.weight"):
        return Recognised("denoiser", "hunyuan", "HunyuanVideo")
    return None


def lora_names(names: list[str]) -> bool:
    """A HunyuanVideo LoRA: its double and single blocks."""
    return any(k.startswith(("double_blocks", "single_blocks", "single_transformer_blocks")) for k in names)
