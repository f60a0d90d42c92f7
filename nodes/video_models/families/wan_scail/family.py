"""SCAIL-2 (Zhipu, zai-org/SCAIL-2): its own node (node.py, 'SCAIL-2 Character'); SCAIL-Preview (zai-org/SCAIL, the
same denoiser with no identity-mask embedding, told by its file's tensors: recognise.py): its own node
(preview_node.py, 'SCAIL-Preview Character')."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import PartReader, PreviewLayout
from ...base.tasks import Maker
from ..wan.own_pipeline import OwnWanFamily, own_pipeline_lacks
from . import recognise

PIPELINE = "SCAIL2Pipeline"  # pipeline.py: not a diffusers class, built by parts.py
PREVIEW_PIPELINE = "SCAILPreviewPipeline"  # preview.py: SCAIL-Preview's, built by parts.py


class WanSCAIL(OwnWanFamily):
    PARTS = "UMT5-XXL text encoder, Wan 2.1 VAE, CLIP vision H"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanSCAIL(
    "wan_scail", "SCAIL-2", (PIPELINE, PREVIEW_PIPELINE), frames=81, frame_multiple=(4, 1), size_multiple=32, fps=16.0,
    scale_attr="latents_std", key_rank=3, recogniser=recognise.recognise,
    layouts=("original (zai-org, ComfyUI)",), task_kinds_by_inputs=("drive",),
    has=(PartReader(_parts), PreviewLayout(),
         OwnNodes(makers=(Maker("drive", "video_models.scail2",  # the SCAIL-2 Character node
                                ("reference", "driving", "driving_mask", "reference_mask", "prompt")),
                          Maker("drive", "video_models.scail_preview",  # the SCAIL-Preview Character node
                                ("reference", "pose", "prompt"))))),
    lacks=own_pipeline_lacks("the SCAIL-2 Character node (and the SCAIL-Preview Character node)"),
    variants=(("Wan 2.1 SCAIL-Preview 14B", lambda idx, cfg: cfg.get("mask_channels") == 0 and
               cfg.get("num_layers") == 40),
              ("Wan 2.1 SCAIL-Preview", lambda idx, cfg: cfg.get("mask_channels") == 0),  # another size
              ("Wan 2.1 SCAIL-2 14B", lambda idx, cfg: cfg.get("num_layers") == 40)))
