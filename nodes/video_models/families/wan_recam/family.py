"""ReCamMaster (KwaiVGI/ReCamMaster): a clip re-shot along a new camera path; its own node (node.py, 'ReCamMaster')."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import PartReader, PreviewLayout
from ...base.tasks import Maker
from ..wan.own_pipeline import OwnWanFamily, own_pipeline_lacks
from . import recognise

PIPELINE = "ReCamMasterPipeline"  # pipeline.py: not a diffusers class, built by parts.py


class WanReCamMaster(OwnWanFamily):
    PARTS = "UMT5-XXL text encoder, Wan 2.1 VAE"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanReCamMaster(
    "wan_recam", "ReCamMaster", (PIPELINE,), frames=81, frame_multiple=(4, 1), size_multiple=16, fps=16.0,
    scale_attr="latents_std", key_rank=3, recogniser=recognise.recognise,
    layouts=("original (KwaiVGI, Kijai's ComfyUI file)",), task_kinds_by_inputs=("camera",),
    has=(PartReader(_parts), PreviewLayout(),
         OwnNodes(makers=(Maker("camera", "video_models.recammaster", ("source", "camera", "prompt")),))),
    lacks=own_pipeline_lacks("the ReCamMaster node"),
    variants=(("Wan 2.1 ReCamMaster 1.3B", lambda idx, cfg: cfg.get("num_layers") == 30),))
