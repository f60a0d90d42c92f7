"""The image model's img2img pass on one tile: the still family's loaded pipeline (SD 1.5's StableDiffusionPipeline,
SDXL's StableDiffusionXLPipeline; others whose text-to-image class diffusers pairs with an img2img class) made into
that img2img pipeline with the same components (diffusers' from_pipe, through the model's derived_pipeline: kept with
the model, its offload hooks moved onto it), called on a tile with the denoise as its strength.

ComfyUI's denoise d with s steps runs the last s steps of a schedule made for s / d (comfy/samplers.py KSampler's
set_steps); diffusers' img2img with strength d and N steps runs the last int(N * d) of N: N = round(s / d) gives the
s steps ComfyUI runs. Imports diffusers and torch only when called."""
from __future__ import annotations

import inspect
import math

import numpy as np

# a still family's text-to-image pipeline -> diffusers' img2img pipeline on the same components
IMG2IMG = {"StableDiffusionPipeline": "StableDiffusionImg2ImgPipeline",
           "StableDiffusionXLPipeline": "StableDiffusionXLImg2ImgPipeline",
           "FluxPipeline": "FluxImg2ImgPipeline", "QwenImagePipeline": "QwenImageImg2ImgPipeline",
           "ZImagePipeline": "ZImageImg2ImgPipeline"}


def img2img_class(pipeline_name: str) -> str | None:
    """The img2img pipeline's class name for a loaded pipeline of ``pipeline_name``, or None."""
    return IMG2IMG.get(pipeline_name)


def total_steps(steps: int, denoise: float) -> int:
    """diffusers' num_inference_steps that runs ``steps`` steps at strength ``denoise`` (at least one)."""
    n = max(1, round(steps / max(denoise, 1e-6)))
    return n if int(n * denoise) >= 1 else math.ceil(1 / max(denoise, 1e-6))


def pipeline(ref):
    """The img2img pipeline of the loaded model ``ref`` (a VideoModelRef whose module is a listed pipeline)."""
    from nodes.video_models.loading.load import diffusers_offline
    diffusers = diffusers_offline()
    return ref.derived_pipeline("img2img", getattr(diffusers, IMG2IMG[type(ref.module).__name__]))


class TileRun:
    """``run(tile, denoise)``: the tile [h, w, 3] in 0..1 through ``pipe`` with the prompts, ``steps`` (ComfyUI's
    meaning), guidance and a generator from ``generator()`` (made anew each call: every tile's noise from one seed,
    as USDU samples each tile with its seed)."""

    def __init__(self, pipe, prompt: str, negative: str, steps: int, guidance: float, generator, progress=None):
        self.pipe, self.prompt, self.negative = pipe, prompt, negative
        self.steps, self.guidance, self.generator, self.progress = steps, guidance, generator, progress
        self.takes = set(inspect.signature(type(pipe).__call__).parameters)

    def __call__(self, tile: np.ndarray, denoise: float) -> np.ndarray:
        import torch
        x = torch.from_numpy(np.ascontiguousarray(tile.transpose(2, 0, 1)[None], np.float32))
        kw = dict(prompt=self.prompt, image=x, strength=float(denoise),
                  num_inference_steps=total_steps(self.steps, denoise), guidance_scale=float(self.guidance),
                  generator=self.generator(), output_type="np", negative_prompt=self.negative or None,
                  height=tile.shape[0], width=tile.shape[1])
        kw = {k: v for k, v in kw.items() if k in self.takes}
        with torch.inference_mode():
            out = self.pipe(**kw).images
        if self.progress is not None:
            self.progress()
        return np.clip(np.asarray(out, np.float32)[0], 0.0, 1.0)
