"""Lucy Edit (Decart): a video edited by a text instruction, diffusers' ``LucyEditPipeline``
(pipelines/lucy/pipeline_lucy_edit.py in diffusers 0.42.1): Wan 2.2 TI2V-5B's transformer reading the
input clip's latents beside its noise (twice the channels in), Wan's VAE and UMT5. Studio runs it as
Video to Video: the clip is the edit's source, the prompt the instruction; there is no strength (the
whole clip is regenerated under it). Read as a diffusers folder (its transformer's names are Wan's: a
single file would be taken for a Wan denoiser)."""
from __future__ import annotations

from ...base.family import Family

FAMILY = Family(
    "lucy", "Lucy Edit", ("LucyEditPipeline",), v2v="LucyEditPipeline", frames=81, frame_multiple=(4, 1),
    size_multiple=32, fps=24.0, scale_attr="latents_std", key_rank=200,
    single_file_refusal="Lucy Edit is read as a diffusers folder (its transformer's names are Wan's)",
    part_titles=(("UMT5-XXL", "UMT5-XXL (Lucy Edit)"),),
    variants=(("Lucy Edit", lambda idx, cfg: True),))
