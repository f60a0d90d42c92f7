"""SCAILPreviewPipeline: SCAIL-Preview's sampling (zai-org/SCAIL, the 14B preview), which is SCAIL-2's sampling
(pipeline.py) in animate mode with no identity masks: the same diffusers components and the same denoiser class
(model.py, built with no mask embedding), under a class name of its own so that each node takes only its model.

Why it is SCAIL-2's loop: read against the release, zai-org/SCAIL at 33122ea3095d893197cb53a4a8656147ed7d77d3
(no licence file in the repository: read for facts, nothing copied):

- ``dit_video_crossattn_sc_xc.py`` (the SAT model): ``ImagePatchEmbeddingMixin`` embeds cat([reference, noisy latents],
  time) with ``proj`` (Wan's patch embedding, 20 channels: 16 latent + 4 mask) and the pose latents with ``proj_pose``
  (a second Conv3d of the same 20 channels, over latents at half the video's size), and attends over reference, video
  and pose tokens as one sequence; ``DiffusionTransformer.forward`` gives the reference 4 mask channels of ones, the
  video 4 of the history mask (zeros when none), the pose 4 of ones; ``Rotary3DPositionEmbeddingMixin`` puts the
  reference at frame 0 (``freqs_extended``: t = 0), the video from frame 1 (``grid_t = arange(1, ...)``) and the pose
  from frame 1, 120 columns right (``global_rope_W = 120``), each pose token's rotation the 2x2 average of the
  full-size grid's (``rotary_pose``'s avg_pool2d); one timestep for every token; ``unpatchify`` reads the video tokens
  alone. That is SCAIL-2's animate mode (model.py rope_offsets(False)) without its ``patch_embedding_mask``.
- ``sample_video.py``: the pose is a drawing (SCAIL-Pose's NLF render, rendered.mp4) cut to the size like the
  reference (resize_for_rectangle_crop, centre), halved (bilinear, scale 0.5) and VAE-encoded; the reference
  VAE-encoded alone and read by CLIP vision; the negative pass has the empty prompt and the same reference and pose
  (VanillaCFG over the text only); the whole pose clip is one pass (no segments: the preview is trained on 5 s).
- configs: 50 steps, CFG 4, flow shift 5 (parts.py SHIFT), 512 x 896.

A take longer than 'window' frames is made in SCAIL-2's segments (each continuing from the last frames of the one
before, through the history-mask channels SCAIL-Preview's model has but its release does not use): said by the node."""
from __future__ import annotations

import functools

from .pipeline import SCAIL2Sampling

PREVIEW_PIPELINE = "SCAILPreviewPipeline"  # as family.py declares it (pipeline.py and SCAIL2Pipeline likewise)


class SCAILPreviewSampling(SCAIL2Sampling):
    """A reference character moved as a pose drawing moves by SCAIL-Preview (the methods of SCAILPreviewPipeline).
    Its call is SCAIL2Pipeline's in animate mode with no identity masks: the node gives the pose drawing as
    'driving' (at the take's size; halved by the pipeline's pose encode, as the release halves it), 'driving_mask' and
    'reference_mask' None and 'replace' False (preview_node.py)."""


@functools.cache
def pipeline_class():
    """SCAILPreviewPipeline on diffusers' DiffusionPipeline (wan/own_pipeline.py i2v_pipeline_class)."""
    from ..wan.own_pipeline import i2v_pipeline_class
    return i2v_pipeline_class(PREVIEW_PIPELINE, SCAILPreviewSampling, __name__)


def __getattr__(name: str):
    if name == PREVIEW_PIPELINE:
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
