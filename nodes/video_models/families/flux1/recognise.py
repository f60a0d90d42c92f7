"""How a FLUX.1 diffusion model is told: Black Forest Labs' layout (ComfyUI's diffusion_models/flux1-*.safetensors,
or under 'model.diffusion_model.' in an all-in-one checkpoint): double-stream blocks with their own modulation
('double_blocks.N.img_mod'), single-stream blocks ('single_blocks.N.linear1') and the pooled CLIP vector's embedder
('vector_in'), which FLUX.2 has none of (its modulations are shared: 'double_stream_modulation_img'); dev told from
schnell by its guidance embedder ('guidance_in'), as ComfyUI tells them. Plain stdlib."""
from __future__ import annotations

from ...base.recognise import Recognised

PREFIX = "model.diffusion_model."
MARKS = ("img_in.weight", "txt_in.weight", "vector_in.in_layer.weight", "double_blocks.0.img_mod.lin.weight",
         "single_blocks.0.linear1.weight", "final_layer.linear.weight")
GUIDANCE = "guidance_in.in_layer.weight"
VAE_PREFIXES = ("vae.", "first_stage_model.")


def prefix_of(names) -> str | None:
    """'' or 'model.diffusion_model.': the prefix under which ``names`` hold a FLUX.1 model; None: they hold none."""
    for p in ("", PREFIX):
        if all(p + m in names for m in MARKS):
            return p
    return None


def recognise(t, filename: str = "") -> Recognised | None:
    p = prefix_of(t.raw)
    if p is None:
        return None
    dev = p + GUIDANCE in t.raw
    variant = "FLUX.1 dev" if dev else "FLUX.1 schnell"
    what = ("guidance-distilled: its guidance is FluxGuidance's" if dev else "timestep-distilled: no guidance input")
    if any(k.startswith(VAE_PREFIXES) for k in t.raw):
        return Recognised("checkpoint", "flux1", variant, f"transformer and VAE in one file ({what}): makes a still "
                          "picture (a one-frame take)")
    return Recognised("denoiser", "flux1", variant, f"{what}: makes a still picture (a one-frame take)")
