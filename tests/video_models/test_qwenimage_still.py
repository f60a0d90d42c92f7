"""Qwen-Image's still picture (families/qwenimage/): ComfyUI's three files (the DiT in diffusers' names, the
Qwen2.5-VL text encoder, the Wan 2.1-shaped VAE: tiny_qwenimage_files.py) read with no folder, their configs from the
shapes, diffusers' QwenImagePipeline made of them; Text to Video with one frame makes the pipeline's picture exactly
(fp32, CPU), the same twice for one seed, its guidance given as true CFG with the negative prompt. A wrong file is
refused in words before any weight is read."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_qwenimage_files as files
from .graphs import model_graph, spy_call
from .still_takes import PARAMS as STILL

PARAMS = {**STILL, "width": 32}  # (its sizes are multiples of 16: the VAE's 8 and the DiT's patches of 2)

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("qwenimage-comfy")))


def _graph(comfy):
    g = model_graph(comfy["dit"], "video_models.text_to_video", PARAMS)
    g.nodes["load"].params.update({"text_encoder": comfy["text_encoder"], "vae": comfy["vae"]})
    return g


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_the_three_files_make_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch):
    import diffusers
    import torch
    from transformers import AutoTokenizer

    from nodes.video_models.families.qwenimage.configs import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.QwenImagePipeline, dict)
    said = []
    clips = [Executor().run(_graph(comfy), targets=["gen"], device="cpu", use_cache=False,
                            on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
             .value("gen") for _ in range(2)]
    clip = clips[0]
    assert (clip.n_frames, clip.width, clip.height) == (1, 32, 16) and len(calls) == 2
    assert np.array_equal(clips[0].frames, clips[1].frames)  # one seed, one picture
    assert any("as true CFG" in s for s in said), said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert kw["prompt"] == "the cat" and kw["num_inference_steps"] == 2 and "num_frames" not in kw
    assert kw["true_cfg_scale"] == 5.0 and kw["negative_prompt"] == "" and "guidance_scale" not in kw
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    import os
    tok = AutoTokenizer.from_pretrained(os.path.join(os.path.dirname(comfy["text_encoder"]), "tokenizer"))
    tok.padding_side = "right"
    pipe = diffusers.QwenImagePipeline(transformer=p["transformer"], text_encoder=p["text_encoder"], tokenizer=tok,
                                       vae=p["vae"], scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**SCHEDULER))
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).images
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.shape == (1, 16, 32, 3) and want.std() > 0 and np.allclose(clip.frames, want, atol=1e-6)


def test_a_wrong_file_is_refused_in_words_before_any_weight_is_read(comfy, monkeypatch):
    from nodes.video_models.files import single_file
    from nodes.video_models.loading.load import load_video_model

    def no_reads(*a, **k):
        raise AssertionError("a weight was read before the files were checked")
    monkeypatch.setattr(single_file, "lean_load", no_reads)
    with pytest.raises(ModelError, match=r"was given as the text encoder but is a VAE"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["vae"], "vae": comfy["vae"]})
    with pytest.raises(ModelError, match=r"is a Qwen-Image DiT alone: set the VAE file"):
        load_video_model(comfy["dit"], base=None, device="cpu", parts={"text_encoder": comfy["text_encoder"]})
    with pytest.raises(ModelError, match=r"was given as the VAE but is a text encoder"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["text_encoder"], "vae": comfy["text_encoder"]})
    from nodes.video_models.base.registry import family
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("qwenimage").refuse_call("t2v", 5, 16, 16)


def test_the_released_dit_shapes_give_its_released_config():
    """Qwen-Image's DiT at its released size (built on the meta device): the config read from its shapes is the
    released one (Qwen/Qwen-Image transformer/config.json). Nothing allocated."""
    import diffusers
    from accelerate import init_empty_weights

    from nodes.video_models.families.qwenimage import configs
    released = dict(patch_size=2, in_channels=64, out_channels=16, num_layers=60, attention_head_dim=128,
                    num_attention_heads=24, joint_attention_dim=3584, guidance_embeds=False,
                    axes_dims_rope=(16, 56, 56))
    with init_empty_weights():
        dit = diffusers.QwenImageTransformer2DModel(**released)
    got = configs.transformer({k: tuple(v.shape) for k, v in dit.state_dict().items()}, "qwen_image_bf16")
    assert got == released
