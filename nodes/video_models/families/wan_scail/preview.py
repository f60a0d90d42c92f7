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

from .conditioning import OVERLAP, WINDOW
from .pipeline import SCAIL2Sampling

PREVIEW_PIPELINE = "SCAILPreviewPipeline"  # as family.py declares it (pipeline.py and SCAIL2Pipeline likewise)


class SCAILPreviewSampling(SCAIL2Sampling):
    """A reference character moved as a pose drawing moves by SCAIL-Preview (the methods of SCAILPreviewPipeline)."""

    def __call__(self, reference, pose, prompt: str | None = None, negative_prompt: str | None = None,
                 window: int = WINDOW, overlap: int = OVERLAP, num_inference_steps: int = 50,
                 guidance_scale: float = 4.0, generator=None, prompt_embeds=None, negative_prompt_embeds=None,
                 max_sequence_length: int = 512, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), on_segment=None, num_frames: int | None = None,
                 height: int | None = None, width: int | None = None, output_type: str = "pt", take=None):
        """``reference`` [1, 3, H, W] and ``pose`` [1, 3, N, H, W] (the pose drawing at the take's size; halved here,
        as the release) in [-1, 1], or ``pose`` a reader ``f(start, count)`` with ``num_frames`` N; the rest as
        SCAIL2Pipeline's call (animate mode, no identity masks)."""
        return SCAIL2Sampling.__call__(
            self, reference, pose, None, None, replace=False, prompt=prompt, negative_prompt=negative_prompt,
            window=window, overlap=overlap, num_inference_steps=num_inference_steps, guidance_scale=guidance_scale,
            generator=generator, prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_prompt_embeds,
            max_sequence_length=max_sequence_length, callback_on_step_end=callback_on_step_end,
            callback_on_step_end_tensor_inputs=callback_on_step_end_tensor_inputs, on_segment=on_segment,
            num_frames=num_frames, height=height, width=width, output_type=output_type, take=take)

    def steps_in_call(self, kwargs: dict) -> int:
        """As SCAIL-2's, its clip on 'pose'."""
        return SCAIL2Sampling.steps_in_call(self, {**kwargs, "driving": kwargs.get("pose")})


@functools.cache
def pipeline_class():
    """SCAILPreviewPipeline on diffusers' DiffusionPipeline (wan/own_pipeline.py i2v_pipeline_class)."""
    from ..wan.own_pipeline import i2v_pipeline_class
    return i2v_pipeline_class(PREVIEW_PIPELINE, SCAILPreviewSampling, __name__)


def __getattr__(name: str):
    if name == PREVIEW_PIPELINE:
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
