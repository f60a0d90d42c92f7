"""How a FLUX.2 diffusion model is told: Black Forest Labs' layout (ComfyUI's diffusion_models/flux-2-klein-*
.safetensors, bare or under 'model.diffusion_model.'): joint and single blocks ('double_blocks.N', 'single_blocks.N'
.linear1) with their modulations shared by all blocks ('double_stream_modulation_img', 'single_stream_modulation',
as diffusers' single-file detection tells FLUX.2), no pooled text vector ('vector_in': FLUX.1's). klein told from
[dev] by [dev]'s guidance embedder ('guidance_in'). FLUX.2's VAE (vae/flux2-vae.safetensors) told by the batch norm
of its latents ('bn.running_mean') beside an ldm image VAE's encoder and decoder. Plain stdlib."""
from __future__ import annotations

from ...base.recognise import Recognised

PREFIXES = ("", "model.diffusion_model.")
MARKS = ("img_in.weight", "txt_in.weight", "double_stream_modulation_img.lin.weight",
         "single_stream_modulation.lin.weight", "double_blocks.0.img_attn.qkv.weight", "single_blocks.0.linear1.weight",
         "final_layer.linear.weight")
GUIDANCE = "guidance_in.in_layer.weight"
VAE_MARKS = ("bn.running_mean", "bn.running_var", "decoder.conv_in.weight", "encoder.down.0.block.0.conv1.weight")


def prefix_of(names) -> str | None:
    """'' or 'model.diffusion_model.': the prefix under which ``names`` hold a FLUX.2 model; None: they hold none."""
    return next((p for p in PREFIXES if all(p + m in names for m in MARKS)), None)


def recognise(t, filename: str = "") -> Recognised | None:
    p = prefix_of(t.raw)
    if p is None:
        if all(m in t.vae_shapes for m in VAE_MARKS):
            return Recognised("vae", "flux2", "FLUX.2 VAE", "FLUX.2's image VAE (its latents batch-normed in 2 x 2 patches)")
        return None
    if p + GUIDANCE in t.raw:
        return Recognised("denoiser", "flux2", "FLUX.2 [dev]", "guidance-distilled, read with Mistral Small 3.1's "
                          "text states, which Studio does not read yet: only FLUX.2 [klein] makes a picture")
    return Recognised("denoiser", "flux2", "FLUX.2 [klein]", "a still picture a run (a one-frame take); its Qwen3 "
                      "text encoder and FLUX.2 VAE are other files")
