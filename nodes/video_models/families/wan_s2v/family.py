"""Wan 2.2 S2V 14B (speech + reference image [+ pose clip] to video): its own node (node.py)."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import AttentionGuidance, PartReader, PreviewLayout
from ...base.tasks import Maker
from ..wan.own_pipeline import OwnWanFamily, own_pipeline_lacks
from . import recognise

PIPELINE = "WanS2VPipeline"  # pipeline.py: not a diffusers class, built by parts.py


class WanS2V(OwnWanFamily):
    PARTS = "UMT5-XXL text encoder, Wan 2.1 VAE"


def _nag(pipe, call, negative, scale, tau, alpha):
    """Normalized Attention Guidance on its Wan blocks' text cross-attention for one call, as Wan's (wan/nag.py:
    S2V's denoiser runs diffusers' Wan blocks and condition_embedder; its audio injector is not guided)."""
    from ..wan.nag import nag_installed
    return nag_installed(pipe, call, negative, scale, tau, alpha)


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanS2V(
    "wan_s2v", "Wan S2V", (PIPELINE,), frames=77, frame_multiple=(1, 0), size_multiple=16, fps=16.0,
    scale_attr="latents_std", key_rank=3, recogniser=recognise.recognise,
    layouts=("original (Wan-Video, ComfyUI)",), task_kinds_by_inputs=("audio",),
    has=(PartReader(_parts), PreviewLayout(), AttentionGuidance(_nag),
         OwnNodes(makers=(Maker("audio", "video_models.wan_s2v", ("image", "speech", "audio", "pose", "prompt")),))),
    lacks=own_pipeline_lacks("the Speech to Video (S2V) node"),
    variants=(("Wan 2.2 S2V 14B", lambda idx, cfg: cfg.get("num_layers") == 40),))
