"""SteadyDancer (MCG-NJU/SteadyDancer): its own node (node.py, 'SteadyDancer')."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import PartReader, PreviewLayout
from ...base.tasks import Maker
from ..wan.own_pipeline import OwnWanFamily, own_pipeline_lacks
from . import recognise

PIPELINE = "SteadyDancerPipeline"  # pipeline.py: not a diffusers class, built by parts.py


class WanSteadyDancer(OwnWanFamily):
    PARTS = "UMT5-XXL text encoder, Wan 2.1 VAE, CLIP vision H"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanSteadyDancer(
    "wan_steady", "SteadyDancer", (PIPELINE,), frames=81, frame_multiple=(4, 1), size_multiple=16, fps=16.0,
    scale_attr="latents_std", key_rank=3, recogniser=recognise.recognise,
    layouts=("original (MCG-NJU, Kijai's ComfyUI file)",), task_kinds_by_inputs=("drive",),
    has=(PartReader(_parts), PreviewLayout(),
         OwnNodes(makers=(Maker("drive", "video_models.steady_dancer",  # the SteadyDancer node
                                ("reference", "pose", "negative_pose", "prompt")),))),
    lacks=own_pipeline_lacks("the SteadyDancer node"),
    variants=(("Wan 2.1 SteadyDancer 14B", lambda idx, cfg: cfg.get("num_layers") == 40),))
