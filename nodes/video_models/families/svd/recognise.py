"""How a Stable Video Diffusion file is told: ComfyUI's all-in-one checkpoint in Stability's (sgm)
layout, its UNet alone, and its temporal VAE."""
from __future__ import annotations

import re

from ...base.recognise import Recognised

SVD_MARKS = ("model.diffusion_model.input_blocks.1.0.time_stack.in_layers.2.weight",
             "first_stage_model.decoder.conv_out.time_mix_conv.weight")  # Stability's (sgm) layout of SVD


def _checkpoint(t, filename: str) -> Recognised | None:
    """ComfyUI's checkpoints/svd*.safetensors: the UNet, the temporal VAE and the CLIP image encoder
    in Stability's own layout, in one file."""
    if not any(m in t.raw for m in SVD_MARKS):
        return None
    xt = re.search(r"(^|[_\-.])xt([_\-.]|$)", filename.lower()) is not None  # svd_xt.safetensors
    parts = [w for w, p in (("UNet", "model.diffusion_model."), ("temporal VAE", "first_stage_model."),
                            ("CLIP image encoder", "conditioner.embedders.")) if any(k.startswith(p) for k in t.raw)]
    whole = len(parts) == 3
    return Recognised("checkpoint" if len(parts) > 1 else "denoiser", "svd",
                      "Stable Video Diffusion" + (" XT" if xt else ""),
                      f"{', '.join(parts)} in Stability's layout" + (
                          ": loads with no folder (Studio's converter)" if whole else
                          ": Studio reads the whole checkpoint (UNet, temporal VAE and CLIP image encoder) with no "
                          "folder; this file needs a diffusers SVD folder as 'base'"))


def recognise(t, filename: str = "") -> Recognised | None:
    r = _checkpoint(t, filename)
    if r is not None:
        return r
    if "decoder.time_conv_out.weight" in t.vae_shapes:
        return Recognised("vae", "svd", "SVD temporal VAE")
    if ("down_blocks" in t.tops or "input_blocks" in t.tops) and \
            t.any_name("time_stack", "temporal_transformer_blocks", "time_mixer"):
        return Recognised("denoiser", "svd", "Stable Video Diffusion")
    return None
