"""AnimateDiff from ComfyUI's files with no folder (families/animatediff/parts.py): the motion module
(animatediff_models/, AnimateDiff's original names) as 'model' on the SD 1.5 checkpoint it animates (checkpoints/,
Stability's ldm layout) as 'image_model', renamed by diffusers' own converters, configs from the shapes, the CLIP
tokenizer from beside the checkpoint or the ComfyUI folder. The tiny files (tiny_animatediff_files.py) are written
by the inverse of diffusers' converters, checked here by a round trip; the node's frames equal
AnimateDiffPipeline built from the same diffusers components and called directly with the node's arguments
(fp32, CPU, exactly). Missing or wrong files are refused in words before any weight is read."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_animatediff_files as files
from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 8, "steps": 2, "guidance": 4.0, "prompt": "the cat",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 5}


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("animatediff-comfy")))


def _graph(made: dict, **load):
    g = model_graph(made["motion"], "video_models.text_to_video", PARAMS)
    g.nodes["load"].params.update(image_model=made["checkpoint"], **load)
    return g


def test_the_writers_are_the_inverse_of_diffusers_converters(comfy):
    import torch
    from diffusers.loaders.single_file_utils import (convert_animatediff_checkpoint_to_diffusers,
                                                     convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint)
    p = comfy["parts"]
    for model, back in ((p["unet"], convert_ldm_unet_checkpoint(files.unet_ldm(p["unet"].state_dict()),
                                                                files.UNET_CFG)),
                        (p["vae"], convert_ldm_vae_checkpoint(files.vae_ldm(p["vae"].state_dict(), 2), files.VAE_CFG)),
                        (p["motion_adapter"], convert_animatediff_checkpoint_to_diffusers(
                            files.motion_original(p["motion_adapter"].state_dict())))):
        want = {k: v for k, v in model.state_dict().items() if "pos_embed" not in k}
        assert set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_a_motion_module_on_its_sd15_checkpoint_makes_the_pipelines_frames(comfy, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.families.animatediff.parts import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffPipeline, dict)
    said = []
    r = Executor().run(_graph(comfy), targets=["gen"], device="cpu", use_cache=False,
                       on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (8, 16, 16) and len(calls) == 1
    assert any("the motion module tiny_mm_v2.safetensors" in s and "tiny_sd15.safetensors" in s for s in said), said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    pipe = diffusers.AnimateDiffPipeline(vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=comfy["tokenizer"],
                                         unet=p["unet"], motion_adapter=p["motion_adapter"],
                                         scheduler=diffusers.DDIMScheduler(**SCHEDULER))
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.std() > 0 and np.array_equal(clip.frames, want)


def test_what_is_missing_or_wrong_is_refused_in_words(comfy, tmp_path, tiny, monkeypatch):
    from nodes.video_models.families.animatediff import parts
    from nodes.video_models.loading.load import load_video_model
    with pytest.raises(ModelError, match="read with the Stable Diffusion 1.5 checkpoint it animates: set 'image_model'"):
        load_video_model(comfy["motion"], base=None, device="cpu")
    from nodes.video_models.base.recognise import family_from_keys
    from nodes.video_models.files.weight_formats import read_weight_file
    ckpt = read_weight_file(comfy["checkpoint"])  # alone, the checkpoint is SD 1.5's still picture (families/sd15)
    assert family_from_keys({k: tuple(v.shape) for k, v in ckpt.tensors.items()}).key == "sd15"
    with pytest.raises(ModelError, match="holds no Stable Diffusion UNet"):  # the motion module given twice
        load_video_model(comfy["motion"], base=None, device="cpu", parts={"image_model": comfy["motion"]})
    from diffusers import MotionAdapter
    from safetensors.torch import save_file
    other = MotionAdapter(**dict(files.MOTION_CFG, block_out_channels=(32, 32)))  # another image model's widths
    odd = str(tmp_path / "odd_mm.safetensors")
    save_file({k: v.contiguous() for k, v in files.motion_original(other.state_dict()).items()}, odd)
    with pytest.raises(ModelError, match=r"made for an image UNet of widths \[32, 32\], but the checkpoint"):
        load_video_model(odd, base=None, device="cpu", parts={"image_model": comfy["checkpoint"]})
    wan = os.path.join(tiny("wan-t2v"), "transformer", "diffusion_pytorch_model.safetensors")
    with pytest.raises(ModelError, match="read beside AnimateDiff motion modules only, but the model is Wan's"):
        load_video_model(wan, base=tiny("wan-t2v"), device="cpu", parts={"image_model": comfy["checkpoint"]})
    alone = tmp_path / "alone"  # the checkpoint with no tokenizer beside it, no ComfyUI folder, no cache
    alone.mkdir()
    ckpt = shutil.copy(comfy["checkpoint"], alone / "sd15.safetensors")
    monkeypatch.setattr(parts, "_comfyui_dir", lambda: "")
    with pytest.raises(ModelError, match="CLIP tokenizer of 'sd15.safetensors' was not found .* Preferences > ComfyUI"):
        load_video_model(comfy["motion"], base=None, device="cpu", parts={"image_model": str(ckpt)})
    comfyui = tmp_path / "ComfyUI"  # ComfyUI keeps it in its code: comfy/sd1_tokenizer/
    files.tokenizer_files(str(comfyui / "comfy" / "sd1_tokenizer"))
    monkeypatch.setattr(parts, "_comfyui_dir", lambda: str(comfyui))
    ref = load_video_model(comfy["motion"], base=None, device="cpu", parts={"image_model": str(ckpt)})
    assert type(ref.module).__name__ == "AnimateDiffPipeline" and len(ref.module.tokenizer) == len(comfy["tokenizer"])


def test_the_released_sd15_and_motion_module_shapes_give_their_released_configs():
    """SD 1.5's UNet, VAE and CLIP ViT-L text encoder and AnimateDiff v2's motion module at their released sizes
    (built on the meta device, written under ComfyUI's names as shapes only): the configs read from the shapes are
    the released ones, and the renamed tensors fit the models those configs build. Nothing is allocated."""
    import diffusers
    from accelerate import init_empty_weights
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint
    from transformers import CLIPTextConfig, CLIPTextModel

    from nodes.video_models.families.animatediff import parts
    vae_cfg = dict(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                   up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2)
    with init_empty_weights():  # diffusers' UNet2DConditionModel and MotionAdapter defaults are SD 1.x's and v2's
        unet, vae = diffusers.UNet2DConditionModel(cross_attention_dim=768), diffusers.AutoencoderKL(**vae_cfg)
        motion = diffusers.MotionAdapter()
        text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                            num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77))

    def shapes(state, prefix=""):
        return {k.removeprefix(prefix): tuple(v.shape) for k, v in state.items()}
    ldm = files.unet_ldm(unet.state_dict())
    got = {"unet": parts.unet_config(shapes(ldm, parts.UNET), "sd15"),
           "vae": parts.vae_config(shapes(files.vae_ldm(vae.state_dict(), 4), parts.VAE), "sd15"),
           "motion": parts.motion_config(shapes(files.motion_original(motion.state_dict())), "mm")}
    for name, model in (("unet", unet), ("vae", vae), ("motion", motion)):
        differ = {k: (v, model.config[k]) for k, v in got[name].items()
                  if k in model.config and k != "sample_size" and
                  (tuple(v) if isinstance(v, (list, tuple)) else v) != (tuple(model.config[k])
                                                                        if isinstance(model.config[k], (list, tuple))
                                                                        else model.config[k])}
        assert not differ, (name, differ)
    assert got["unet"]["sample_size"] == 64 and got["vae"]["scaling_factor"] == 0.18215
    assert got["motion"]["motion_max_seq_length"] == 32 and got["motion"]["use_motion_mid_block"]

    class Tok:  # CLIP ViT-L/14's tokenizer as its numbers
        bos_token_id, eos_token_id, pad_token_id = 49406, 49407, 49407

        def __len__(self):
            return 49408
    ccfg = parts.clip_config(shapes({f"{k}": v for k, v in text.state_dict().items()}), "sd15", Tok())
    assert (ccfg["hidden_size"], ccfg["num_hidden_layers"], ccfg["num_attention_heads"], ccfg["intermediate_size"],
            ccfg["max_position_embeddings"]) == (768, 12, 12, 3072, 77)
    meta = {k: v for k, v in ldm.items()}
    parts.fitted(unet, shapes(convert_ldm_unet_checkpoint(meta, got["unet"])), "image UNet", "sd15")


def test_animatediff_follows_a_prompt_schedule(comfy):
    """A Prompt Schedule on Text to Video's 'schedule' (the keyframed prompts a converted FizzNodes or
    AnimateDiff-Evolved schedule gives): AnimateDiff's encode_prompt (which takes num_images_per_prompt) encodes
    each prompt, and the frames differ from the same take made from the first prompt alone."""
    g = _graph(comfy)
    g.nodes["gen"].params.update(window=4, overlap=1)
    base = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    g.add_node("video_models.prompt_schedule", {"mode": "keyframes", "prompts": "0: the cat\n4: th the", "frames": 8},
               node_id="sched")
    g.connect("sched", "schedule", "gen", "schedule")
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 8 and not np.array_equal(clip.frames, base)


def test_a_motion_lora_in_animatediffs_own_names_goes_on_the_motion_modules(comfy, tmp_path):
    """A motion LoRA as ComfyUI-AnimateDiff-Evolved loads one (AnimateDiff's original names, '...processor.to_q_lora
    .down.weight') given to a Video LoRA: renamed to diffusers' (files/motion_loras.py), every key applies to the
    motion modules, and the frames differ from the take without it."""
    import torch
    from safetensors.torch import save_file
    torch.manual_seed(3)
    sd = {}
    for k, t in comfy["parts"]["motion_adapter"].state_dict().items():
        proj = next((p for p in ("to_q", "to_k", "to_v", "to_out.0") if k.endswith(f".{p}.weight")), None)
        if proj is None:
            continue
        orig = next(iter(files.motion_original({k: t})))  # the layer's original name
        stem = orig[: -len(f".{proj}.weight")] + f".processor.{proj.split('.')[0]}_lora"
        sd[f"{stem}.down.weight"] = torch.randn(2, t.shape[1]) * 0.5
        sd[f"{stem}.up.weight"] = torch.randn(t.shape[0], 2) * 0.5
    assert sd and all(".temporal_transformer." in k for k in sd)
    path = str(tmp_path / "tiny_motion_lora.safetensors")
    save_file(sd, path)
    g = _graph(comfy)
    base = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    g.add_node("video_models.lora", {"lora": path, "strength": 1.0}, node_id="lora")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "gen", "model")
    said = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "text", "") or ""))).value("gen")
    assert not any("not applied" in s for s in said), said
    assert clip.n_frames == 8 and not np.array_equal(clip.frames, base)
