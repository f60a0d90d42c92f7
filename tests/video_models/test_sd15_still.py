"""Stable Diffusion 1.5's still picture (families/sd15/): ComfyUI's one checkpoint (Stability's ldm layout, the tiny
one AnimateDiff's tests write: tiny_animatediff_files.py) read with no folder, its configs from the shapes, renamed by
diffusers' converters, diffusers' StableDiffusionPipeline made of it; Text to Video with one frame makes the
pipeline's picture exactly (fp32, CPU), the same twice for one seed, at the size asked. Wrong asks refused in words."""
from __future__ import annotations

import os

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_animatediff_files as files
from .still_takes import assert_the_pipelines_picture, one_frame_takes

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("sd15-comfy")))


def test_the_checkpoint_is_told_as_stable_diffusion_15():
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.sd15.recognise import CLIP, UNET
    sd15 = {UNET + "input_blocks.0.0.weight": (32, 4, 3, 3), UNET + "out.2.weight": (4, 32, 3, 3),
            CLIP + "text_model.embeddings.token_embedding.weight": (49408, 768), "first_stage_model.x": (1,)}
    r = recognise(sd15)
    assert (r.kind, r.family, r.variant) == ("checkpoint", "sd15", "Stable Diffusion 1.5")
    sdxl_like = dict(sd15, **{UNET + "label_emb.0.0.weight": (1280, 2816)})  # a size embedding: not SD 1.5's
    assert recognise(sdxl_like).family != "sd15"


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_the_checkpoint_makes_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch):
    import diffusers

    from nodes.video_models.families.sd15.pipeline import SCHEDULER
    clip, orig, kw, seed = one_frame_takes(monkeypatch, comfy["checkpoint"], diffusers.StableDiffusionPipeline,
                                           "Stable Diffusion 1.5 checkpoint tiny_sd15.safetensors")
    p = comfy["parts"]
    pipe = diffusers.StableDiffusionPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=comfy["tokenizer"], unet=p["unet"],
        scheduler=diffusers.EulerDiscreteScheduler(**SCHEDULER), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False)
    assert_the_pipelines_picture(clip, orig, pipe, kw, seed)


def test_what_is_missing_or_wrong_is_refused_in_words(comfy):
    from nodes.video_models.base.registry import family
    from nodes.video_models.loading.load import load_video_model
    with pytest.raises(ModelError, match="Stable Diffusion 1.5 takes its VAE and text encoder from its checkpoint"):
        load_video_model(comfy["checkpoint"], base=None, device="cpu", parts={"vae": comfy["checkpoint"]})
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("sd15").refuse_call("t2v", 5, 16, 16)
    import diffusers
    import torch
    from safetensors import safe_open
    from safetensors.torch import save_file

    from nodes.video_models.families.sd15 import pipeline
    from nodes.video_models.files.weight_formats import read_weight_file
    with safe_open(comfy["checkpoint"], "pt") as f:
        state = {k: f.get_tensor(k) for k in f.keys()}
    fc1 = next(k for k in state if k.startswith("cond_stage_model.") and k.endswith("layers.1.mlp.fc1.weight"))
    # its text encoder's second layer narrower than its first (beside the tiny checkpoint: its tokenizer/ read)
    cut = os.path.join(os.path.dirname(comfy["checkpoint"]), "cut_sd15.safetensors")
    save_file(dict(state, **{fc1: torch.zeros(5, state[fc1].shape[1])}), cut)
    reads = []
    with pytest.raises(ModelError, match="cut_sd15.safetensors': its CLIP ViT-L text encoder does not fit"):
        pipeline.build_pipeline(diffusers, family("sd15"), read_weight_file(cut), {}, torch.float32, reads.append)
    assert reads == []  # refused before the weights were read and the pipeline said
    with pytest.raises(ModelError, match="is a Stable Diffusion XL checkpoint .* not SD 1.5's"):
        xl = dict(state, **{"model.diffusion_model.label_emb.0.0.weight": torch.zeros(4, 4)})
        save_file(xl, cut)
        pipeline.denoiser_config(diffusers, family("sd15"), read_weight_file(cut))


def test_a_converted_still_first_workflow_makes_the_start_picture(comfy):
    """ComfyUI's text-to-image-to-video shape (tests/convert/test_comfy_still_first.py's file) with a fine-tune's
    checkpoint whose name names no model, converted: its still read as SD 1.5's, pointed at the tiny checkpoint, makes
    one frame and Frame Hold gives it as a picture of the still's size, the one the image-to-video generator is wired
    to."""
    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_still_first import _still_to_svd
    g = convert(_still_to_svd("dreamshaper_8.safetensors"), "still.json").graph
    g.base_dir = os.path.dirname(os.path.dirname(comfy["checkpoint"]))
    (hold,) = [n.id for n in g.nodes.values() if n.type_id == "edit.frame_hold"]
    (i2v,) = [n.id for n in g.nodes.values() if n.type_id == "video_models.image_to_video"]
    for n in g.nodes.values():
        if n.type_id == "video_models.load" and n.params["model"] == "dreamshaper_8.safetensors":
            n.params["model"] = comfy["checkpoint"]
        if n.type_id == "video_models.text_to_video":
            n.params.update(width=24, height=16, steps=1, previews=False, preview_size="off")
    assert g.input_link(i2v, "image").src == hold
    picture = np.asarray(Executor().run(g, targets=[hold], device="cpu", use_cache=False).value(hold))
    assert picture.shape[:2] == (16, 24) and picture.std() > 0
