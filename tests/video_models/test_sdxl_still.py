"""Stable Diffusion XL's still picture (families/sdxl/): ComfyUI's one checkpoint (Stability's sgm layout, written by
the inverse of diffusers' converters: tiny_sdxl_files.py) read with no folder, its configs from the shapes, renamed
by diffusers' converters, diffusers' StableDiffusionXLPipeline made of it; Text to Video with one frame makes the
pipeline's picture exactly (fp32, CPU), the same twice for one seed, at the size asked. Wrong asks refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_sdxl_files as files
from .still_takes import assert_the_pipelines_picture, one_frame_takes

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("sdxl-comfy")))


def test_the_checkpoint_writer_is_the_inverse_of_diffusers_converters(comfy):
    import torch
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint, convert_open_clip_checkpoint
    p, state = comfy["parts"], files.state_dict(comfy["parts"])
    for model, back in ((p["unet"], convert_ldm_unet_checkpoint(state, files.UNET_CFG)),
                        (p["text_encoder_2"], convert_open_clip_checkpoint(None, state,
                                                                           "conditioner.embedders.1.model."))):
        want = {k: v for k, v in model.state_dict().items() if "position_ids" not in k}
        assert set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_the_checkpoint_makes_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch):
    import diffusers

    from nodes.video_models.families.sdxl.configs import SCHEDULER
    clip, orig, kw, seed = one_frame_takes(monkeypatch, comfy["checkpoint"], diffusers.StableDiffusionXLPipeline,
                                           "Stable Diffusion XL checkpoint tiny_sdxl.safetensors")
    p = comfy["parts"]
    pipe = diffusers.StableDiffusionXLPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], text_encoder_2=p["text_encoder_2"], tokenizer=comfy["tokenizer"],
        tokenizer_2=comfy["tokenizer_2"], unet=p["unet"], scheduler=diffusers.EulerDiscreteScheduler(**SCHEDULER))
    assert_the_pipelines_picture(clip, orig, pipe, kw, seed)


def test_what_is_missing_or_wrong_is_refused_in_words(comfy, tmp_path):
    from nodes.video_models.loading.load import load_video_model
    with pytest.raises(ModelError, match="Stable Diffusion XL takes its VAE and text encoders from its checkpoint"):
        load_video_model(comfy["checkpoint"], base=None, device="cpu", parts={"vae": comfy["checkpoint"]})
    from nodes.video_models.base.registry import family
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("sdxl").refuse_call("t2v", 5, 16, 16)


def test_the_released_sdxl_unet_shapes_give_its_released_config():
    """SDXL base's UNet at its released size (built on the meta device, its tensors written under the checkpoint's
    names as shapes only): the config read from the shapes is the released one. Nothing is allocated."""
    import diffusers
    from accelerate import init_empty_weights

    from nodes.video_models.families.sdxl import configs
    released = dict(addition_embed_type="text_time", addition_time_embed_dim=256, attention_head_dim=(5, 10, 20),
                    block_out_channels=(320, 640, 1280), cross_attention_dim=2048, layers_per_block=2,
                    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                    projection_class_embeddings_input_dim=2816, transformer_layers_per_block=(1, 2, 10),
                    use_linear_projection=True, sample_size=128, norm_num_groups=32, in_channels=4, out_channels=4)
    with init_empty_weights():
        unet = diffusers.UNet2DConditionModel(**released)
    state = {k: v for k, v in unet.state_dict().items()}
    label = {f"label_emb.0.{2 * int(k.split('.')[1][-1]) - 2}.{k.rsplit('.', 1)[1]}": tuple(v.shape)
             for k, v in state.items() if k.startswith("add_embedding.")}
    shapes = {k.removeprefix(configs.UNET): tuple(v.shape) for k, v in files.unet_ldm(
        {k: v for k, v in state.items() if not k.startswith("add_embedding.")}).items()}
    got = configs.unet({**shapes, **label}, 1280, "sdxl")
    assert got == released, {k: (got.get(k), v) for k, v in released.items() if got.get(k) != v}


def test_a_converted_still_first_workflow_makes_the_start_picture(comfy):
    """ComfyUI's text-to-image-to-video example (tests/convert/test_comfy_still_first.py's file) converted, its SDXL
    checkpoint the tiny one: the still's Text to Video makes one frame and Frame Hold gives it as a picture of the
    still's size, the one the image-to-video generator is wired to."""
    import os

    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_still_first import _still_to_svd
    g = convert(_still_to_svd(), "still.json").graph
    g.base_dir = os.path.dirname(os.path.dirname(comfy["checkpoint"]))
    (hold,) = [n.id for n in g.nodes.values() if n.type_id == "edit.frame_hold"]
    (i2v,) = [n.id for n in g.nodes.values() if n.type_id == "video_models.image_to_video"]
    for n in g.nodes.values():
        if n.type_id == "video_models.load" and "xl" in n.params["model"]:
            n.params["model"] = comfy["checkpoint"]
        if n.type_id == "video_models.text_to_video":
            n.params.update(width=24, height=16, steps=1, previews=False, preview_size="off")
    assert g.input_link(i2v, "image").src == hold
    picture = np.asarray(Executor().run(g, targets=[hold], device="cpu", use_cache=False).value(hold))
    assert picture.shape[:2] == (16, 24) and picture.std() > 0


def test_the_released_text_encoders_and_vae_shapes_give_their_released_configs():
    """SDXL base's CLIP ViT-L, OpenCLIP bigG (written in OpenCLIP's names) and VAE at their released sizes, on the meta
    device: the configs read from their shapes are the released ones and the renamed tensors fit the models those
    configs build (what build_pipeline checks before any read). Nothing is allocated."""
    import diffusers
    from accelerate import init_empty_weights
    from diffusers.loaders.single_file_utils import convert_open_clip_checkpoint
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from nodes.video_models.families.animatediff.parts import fitted
    from nodes.video_models.families.sdxl import configs

    class Vocabulary:  # CLIP's released BPE vocabulary, as far as the configs read it
        bos_token_id, eos_token_id, pad_token_id = 49406, 49407, 49407

        def __len__(self):
            return 49408
    released = {"l": dict(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                          num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu"),
                "g": dict(vocab_size=49408, hidden_size=1280, intermediate_size=5120, num_hidden_layers=32,
                          num_attention_heads=20, max_position_embeddings=77, hidden_act="gelu", projection_dim=1280)}
    vae_cfg = dict(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                   up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2, latent_channels=4)
    with init_empty_weights():
        text_l = CLIPTextModel(CLIPTextConfig(**released["l"]))
        text_g = CLIPTextModelWithProjection(CLIPTextConfig(**released["g"]))
        vae = diffusers.AutoencoderKL(**vae_cfg)
    prefix = "conditioner.embedders.1.model."
    g_state = {prefix + k: v for k, v in files.open_clip(text_g.state_dict()).items()}
    g_named = convert_open_clip_checkpoint(None, g_state, prefix=prefix)
    shapes_g = {k.removeprefix("text_model."): tuple(v.shape) for k, v in g_named.items()}
    shapes_l = {k.removeprefix("text_model."): tuple(v.shape) for k, v in text_l.state_dict().items()}
    got_l = configs.text(shapes_l, "sdxl", Vocabulary(), "quick_gelu")
    got_g = configs.text(shapes_g, "sdxl", Vocabulary(), "gelu", int(g_state[prefix + "text_projection"].shape[1]))
    for want, got in ((released["l"], got_l), (released["g"], got_g)):
        assert {k: got[k] for k in want} == want
    with init_empty_weights():
        fitted(CLIPTextModelWithProjection(CLIPTextConfig(**got_g)), {k: v.shape for k, v in g_named.items()},
               "bigG", "sdxl", skip=("position_ids",))
    v = {k.removeprefix("first_stage_model."): tuple(t.shape)
         for k, t in files.vae_ldm(vae.state_dict(), 4).items()}
    got_v = configs.vae(v, "sdxl")
    assert {k: got_v[k] for k in vae_cfg} == {k: (tuple(x) if isinstance(x, tuple) else x) for k, x in vae_cfg.items()}
    assert got_v["scaling_factor"] == 0.13025 and got_v["force_upcast"]
