"""Cosmos's DiT files (1.0, Predict2, Predict2.5: diffusers' ``CosmosTransformer3DModel``) before
diffusers' converter reads them: the converter takes the release's names bare or under the release's
``net.`` prefix, but not under ComfyUI's ``model.diffusion_model.`` (a file ComfyUI saved), whose tensors
it would pass on unrenamed, so the model would be left unfilled. That prefix is removed here first (the
SingleFile ``prepare`` step; shapes only or real tensors, nothing copied)."""
from __future__ import annotations

CLASS = "CosmosTransformer3DModel"
PREFIXES = ("model.diffusion_model.", "diffusion_model.")  # ComfyUI's, as it saves a model


def prepare(cls_name: str, state: dict) -> dict:
    if cls_name != CLASS or not state:
        return state
    n = next((len(p) for p in PREFIXES if all(k.startswith(p) for k in state)), 0)
    return {k[n:]: v for k, v in state.items()} if n else state
