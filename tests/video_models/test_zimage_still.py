"""Z-Image's still picture (families/zimage/): ComfyUI's three files (the DiT in Tongyi-MAI's names, the Qwen3 text
encoder, the Flux VAE: tiny_zimage_files.py) read with no folder, their configs from the shapes, diffusers'
ZImagePipeline made of them; Text to Video with one frame makes the pipeline's picture exactly (fp32, CPU), the same
twice for one seed, at the size asked. A wrong file is refused in words before any weight is read."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_zimage_files as files
from .graphs import model_graph, spy_call
from .still_takes import PARAMS as STILL

PARAMS = {**STILL, "width": 32}  # (its sizes are multiples of 16: the VAE's 8 and the DiT's patches of 2)

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("zimage-comfy")))


def _graph(comfy, **load):
    g = model_graph(comfy["dit"], "video_models.text_to_video", PARAMS)
    g.nodes["load"].params.update({"text_encoder": comfy["text_encoder"], "vae": comfy["vae"], **load})
    return g


def test_the_dit_writer_is_the_inverse_of_diffusers_converter(comfy):
    import torch
    from diffusers.loaders.single_file_utils import convert_z_image_transformer_checkpoint_to_diffusers
    model = comfy["parts"]["transformer"]
    back = convert_z_image_transformer_checkpoint_to_diffusers(files.dit_comfy(model.state_dict()))
    want = model.state_dict()
    assert set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_the_three_files_make_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch):
    import diffusers

    from nodes.video_models.families.zimage.configs import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.ZImagePipeline, dict)
    said = []
    clips = [Executor().run(_graph(comfy), targets=["gen"], device="cpu", use_cache=False,
                            on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
             .value("gen") for _ in range(2)]
    clip = clips[0]
    assert (clip.n_frames, clip.width, clip.height) == (1, 32, 16) and len(calls) == 2
    assert np.array_equal(clips[0].frames, clips[1].frames)  # one seed, one picture
    assert any("the Flux VAE" in s and "Qwen3" in s for s in said), said
    assert not [s for s in said if "ignored" in s], [s for s in said if "ignored" in s]
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert kw["prompt"] == "the cat" and kw["num_inference_steps"] == 2 and "num_frames" not in kw
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    pipe = diffusers.ZImagePipeline(transformer=p["transformer"], text_encoder=p["text_encoder"],
                                    tokenizer=comfy["tokenizer"], vae=p["vae"],
                                    scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**SCHEDULER))
    import torch
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).images
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.shape == (1, 16, 32, 3) and want.std() > 0 and np.allclose(clip.frames, want, atol=1e-6)


def test_a_wrong_file_is_refused_in_words_before_any_weight_is_read(comfy, monkeypatch):
    """The VAE given as the text encoder, a missing VAE, a text encoder of another width: each one message naming
    the file, raised before the first weight is read (the lean loader is never reached)."""
    from nodes.video_models.files import single_file
    from nodes.video_models.loading.load import load_video_model

    def no_reads(*a, **k):
        raise AssertionError("a weight was read before the files were checked")
    monkeypatch.setattr(single_file, "lean_load", no_reads)
    with pytest.raises(ModelError, match=r"was given as the text encoder but is a VAE"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["vae"], "vae": comfy["vae"]})
    with pytest.raises(ModelError, match=r"is a Z-Image DiT alone: set the VAE file"):
        load_video_model(comfy["dit"], base=None, device="cpu", parts={"text_encoder": comfy["text_encoder"]})
    with pytest.raises(ModelError, match=r"was given as the VAE but is a text encoder"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["text_encoder"], "vae": comfy["text_encoder"]})
    from nodes.video_models.base.registry import family
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("zimage").refuse_call("t2v", 5, 16, 16)


def test_a_text_encoder_of_another_width_is_named(comfy, tmp_path):
    import os
    import shutil

    from safetensors.torch import save_file
    from transformers import Qwen3Model

    from nodes.video_models.loading.load import load_video_model
    wide = Qwen3Model(files.qwen3_config(comfy["tokenizer"], width=24))
    path = tmp_path / "qwen_3_wide.safetensors"
    save_file({"model." + k: v.contiguous() for k, v in wide.state_dict().items()}, str(path))
    shutil.copytree(os.path.join(os.path.dirname(comfy["text_encoder"]), "tokenizer"), tmp_path / "tokenizer")
    with pytest.raises(ModelError, match=r"gives text states 24 wide, but the DiT 'z_image_turbo_tiny.safetensors' "
                                         r"reads 16"):
        load_video_model(comfy["dit"], base=None, device="cpu", parts={"text_encoder": str(path), "vae": comfy["vae"]})


def test_the_released_dit_shapes_give_its_released_config():
    """Z-Image Turbo's DiT at its released size (built on the meta device, written under ComfyUI's names as shapes):
    the config read from the shapes is the released one (Tongyi-MAI's transformer/config.json). Nothing allocated."""
    import diffusers
    import torch
    from accelerate import init_empty_weights

    from nodes.video_models.families.zimage import configs
    released = dict(all_patch_size=[2], all_f_patch_size=[1], in_channels=16, dim=3840, n_layers=30,
                    n_refiner_layers=2, n_heads=30, n_kv_heads=30, norm_eps=1e-5, qk_norm=True, cap_feat_dim=2560,
                    rope_theta=256.0, t_scale=1000.0, axes_dims=[32, 48, 48], axes_lens=[1536, 512, 512])
    with init_empty_weights():
        dit = diffusers.ZImageTransformer2DModel(**released)
    comfy = files.dit_comfy({k: torch.empty(v.shape, device="meta") for k, v in dit.state_dict().items()})
    from diffusers.loaders.single_file_utils import convert_z_image_transformer_checkpoint_to_diffusers
    shapes = {k: tuple(v.shape) for k, v in convert_z_image_transformer_checkpoint_to_diffusers(comfy).items()}
    got = configs.transformer(shapes, "z_image_turbo_bf16")
    assert {k: got[k] for k in released} == released
