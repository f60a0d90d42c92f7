"""Helios's pyramid sampling as a family of its own: a folder saved as ``HeliosPyramidPipeline``
(BestWishYsh/Helios-Mid, and Helios-Distilled with its HeliosDMDScheduler and ``is_distilled``) makes each
chunk in three stages, coarse to fine (pipelines/helios/pipeline_helios_pyramid.py in diffusers 0.42.1). Its
pipeline counts its steps a stage (``pyramid_num_inference_steps_list``): the node's steps are shared over
the stages (sampling/sampler.py ``staged_steps``). Helios-Distilled is the Draft preset: loaded, a
generator's 'draft' quality runs it at its few steps without guidance."""
from __future__ import annotations

from ...base.capabilities import KeepsNoSteps
from ...base.capabilities import Drafts, PreviewLayout, SingleFile
from ...base.drafts import DraftRecipe
from ...base.family import Family
from .family import CHUNK, FOLDER, NOT_BUILT, lacks

PIPELINE = "HeliosPyramidPipeline"
# Helios-Distilled (its folder's name): diffusers' docs (api/pipelines/helios.md, "Generation with
# Helios-Distilled") call it with pyramid_num_inference_steps_list [2, 2, 2] and guidance_scale 1.0; their
# is_amplify_first_chunk=True is not set by Studio's generators (the call's default, False, runs)
DISTILLED = DraftRecipe("Helios-Distilled (pyramid, DMD)", "diffusers docs: api/pipelines/helios.md", steps=6,
                        cfg=1.0, checkpoint=("helios", "distilled"))


def _distilled(idx: dict, cfg: dict) -> bool:
    return bool(idx.get("is_distilled")) or "DMD" in str((idx.get("scheduler") or ["", ""])[-1])


FAMILY = Family(
    "helios_pyramid", "Helios (pyramid)", (PIPELINE,), t2v=PIPELINE, i2v=PIPELINE, v2v=PIPELINE,
    frames=4 * CHUNK, frame_multiple=(CHUNK, 0), size_multiple=64, fps=24.0, scale_attr="latents_std", key_rank=201,
    part_titles=(("UMT5-XXL", "UMT5-XXL (Helios)"),),
    has=(SingleFile(refusal=FOLDER), PreviewLayout(), Drafts((DISTILLED,)),
         KeepsNoSteps("its pyramid's stages change the latent's size between steps, which a kept step of one size "
                      "does not carry over")),
    lacks={k: v for k, v in lacks().items() if k is not Drafts},
    not_built=NOT_BUILT,
    variants=(("Helios-Distilled", _distilled), ("Helios-Mid", lambda idx, cfg: True)))
