"""FLUX.2 [klein] (4B, 9B; distilled or base): a still picture from a prompt, as a one-frame take (the start picture
2026 workflows make before Wan or LTX-2 animates it: heldout92 09's klein 9B keyframe for LTX-2.3), diffusers'
Flux2KleinPipeline on ComfyUI's three files (pipeline.py: the diffusion model, the Qwen3 text encoder, FLUX.2's VAE).
Its call returns pictures (``images``), one a call: a take of one frame. Its guidance is classifier-free guidance
with the negative prompt (ComfyUI's sampler cfg; 1: none, as the distilled klein runs)."""
from __future__ import annotations

from ...base.capabilities import Cost, Outputs, PartReader, PreviewLayout, PromptWeights
from ...base.still_family import StillFamily, still_lacks
from . import recognise

PIPELINE = "Flux2KleinPipeline"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = StillFamily(
    "flux2", "FLUX.2 [klein]", (PIPELINE,), t2v=PIPELINE, denoiser="transformer", latent_layout="packed", frames=1,
    fixed_frames=1, size_multiple=16, fps=8.0, recogniser=recognise.recognise,
    key_rank=2,  # told before HunyuanVideo (3), whose block names it shares
    layouts=("Black Forest Labs' (ComfyUI's diffusion_models file)",),
    part_titles=(("Qwen3 8B", "Qwen3 8B (FLUX.2 klein 9B)"),),
    has=(PromptWeights((PIPELINE,), literal=True),  # ComfyUI's text encoder reads no weights
         PartReader(_parts, files="diffusion model, Qwen3 text encoder and FLUX.2 VAE; no diffusers folder needed"),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKLFlux2",), layer_keys=("num_layers", "num_single_layers"))),
    lacks=still_lacks("its Qwen3 prompts are encoded in its own call (not cached yet)"))
