"""FLUX.1's still picture (families/flux1/): ComfyUI's files (the diffusion model in Black Forest Labs' names, CLIP-L,
T5 and the ldm VAE: tiny_flux1_files.py) read with no folder, their configs from the shapes, the transformer renamed
by the family's own converter, diffusers' FluxPipeline made of them; Text to Video with one frame makes the
pipeline's picture exactly (fp32, CPU), the same twice for one seed, at the size asked, its guidance dev's embedded
guidance. Wrong files are refused in words naming the file, before any weight is read."""
from __future__ import annotations

import pytest

from nodes.video_models.base.errors import ModelError

from . import tiny_flux1_files as files
from .refusals import refuse_loads, refused
from .still_takes import assert_the_pipelines_picture, one_frame_takes

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("flux1-comfy")))


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight read fails: a message raised with it in place came before anything was allocated."""
    from nodes.video_models.families.flux1 import pipeline
    from nodes.video_models.files import parts, single_file
    refuse_loads(monkeypatch, "a weight was read before the parts were checked", (single_file, "lean_load"),
                 (single_file, "converted_load"), (parts, "load_part"), (pipeline, "load_part"),
                 (pipeline, "_transformer"))


def test_the_files_writer_is_the_inverse_of_the_familys_converter(comfy):
    import torch
    from safetensors.torch import load_file

    from nodes.video_models.families.flux1 import layouts
    back, _, unplaced = layouts.to_diffusers(load_file(comfy["transformer"]))
    want = comfy["parts"]["transformer"].state_dict()
    assert not unplaced and set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


def test_at_the_released_width_the_converter_names_and_shapes_as_diffusers_own():
    """FLUX.1 dev at its released size (built on the meta device, written in Black Forest Labs' names): the family's
    converter gives the names and shapes diffusers' own converter (fixed at the released width) gives, and the
    config read from the shapes is the released one. Nothing is allocated."""
    import diffusers
    import torch
    from accelerate import init_empty_weights
    from diffusers.loaders.single_file_utils import convert_flux_transformer_checkpoint_to_diffusers

    from nodes.video_models.families.flux1 import configs, layouts
    released = dict(patch_size=1, in_channels=64, out_channels=None, num_layers=19, num_single_layers=38,
                    attention_head_dim=128, num_attention_heads=24, joint_attention_dim=4096,
                    pooled_projection_dim=768, guidance_embeds=True, axes_dims_rope=(16, 56, 56))
    with init_empty_weights():
        model = diffusers.FluxTransformer2DModel(**released)
    bfl = files.bfl({k: v for k, v in model.state_dict().items()})
    assert configs.transformer({k: tuple(v.shape) for k, v in bfl.items()}, "flux1-dev") == released
    ours, _, unplaced = layouts.to_diffusers(dict(bfl))
    theirs = convert_flux_transformer_checkpoint_to_diffusers({"model.diffusion_model." + k: v for k, v in bfl.items()})
    assert not unplaced and {k: tuple(v.shape) for k, v in ours.items()} == \
        {k: tuple(v.shape) for k, v in theirs.items()}
    assert all(v.device == torch.device("meta") for v in ours.values())


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_the_files_make_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch):
    """The T5 given in the first slot and CLIP-L in the second (as a DualCLIPLoader may hold them): told apart by
    their tensors, said; the take is FluxPipeline's own picture from the original models."""
    import diffusers

    from nodes.video_models.families.flux1.configs import DEV_SCHEDULER
    clip, orig, kw, seed = one_frame_takes(
        monkeypatch, comfy["transformer"], diffusers.FluxPipeline, "FLUX.1 dev transformer tiny_flux1-dev.safetensors",
        parts={"text_encoder": comfy["t5"], "text_encoder_2": comfy["clip"], "vae": comfy["vae"]}, size=(48, 32))
    assert kw["guidance_scale"] == 5.0  # the generator's guidance: dev's embedded guidance
    p = comfy["parts"]
    pipe = diffusers.FluxPipeline(
        transformer=p["transformer"], vae=p["vae"], text_encoder=p["text_encoder"], text_encoder_2=p["text_encoder_2"],
        tokenizer=comfy["tokenizer"], tokenizer_2=comfy["tokenizer_2"],
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**DEV_SCHEDULER))
    assert_the_pipelines_picture(clip, orig, pipe, kw, seed)


def test_the_load_says_what_each_file_is(comfy):
    import torch

    from nodes.video_models.loading.load import load_video_model
    said = []
    ref = load_video_model(comfy["transformer"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                           info=said.append, parts={"text_encoder": comfy["t5"], "text_encoder_2": comfy["clip"],
                                                    "vae": comfy["vae"]})
    assert ref.family == "flux1" and type(ref.module).__name__ == "FluxPipeline"
    assert "text encoder: clip_l_tiny.safetensors: CLIP text (given as the second text encoder: told by its " \
           "tensors), fp32" in said
    assert "second text encoder: t5xxl_tiny_fp32.safetensors: T5 (width 32, 2 blocks) (given as the text encoder: " \
           "told by its tensors), fp32" in said
    sched = dict(ref.module.scheduler.config)
    assert (sched["use_dynamic_shifting"], sched["base_shift"], sched["max_shift"]) == (True, 0.5, 1.15)


def test_wrong_files_are_refused_in_words_before_any_weight_is_read(comfy, tmp_path, no_loads):
    """Two CLIPs, a T5 of another width than the transformer reads, a VAE of other latent channels, a missing VAE,
    five frames asked: each refused naming the file (or the family), nothing read."""
    import torch
    from safetensors.torch import load_file, save_file
    t5, vae = load_file(comfy["t5"]), load_file(comfy["vae"])
    den = comfy["transformer"]
    refused(den, r"the text encoders '.*clip_l_tiny\.safetensors' and '.*clip_l_tiny\.safetensors' are both CLIP",
            text_encoder=comfy["clip"], text_encoder_2=comfy["clip"], vae=comfy["vae"])
    wide = {k: (torch.zeros(v.shape[0], 48) if k == "shared.weight" else v) for k, v in t5.items()}
    wide = {k: (torch.zeros(48) if "layer_norm" in k else v) for k, v in wide.items()}
    save_file(wide, str(tmp_path / "t5_other.safetensors"))
    refused(den, r"the text encoder '.*t5_other\.safetensors' .* gives states 48 wide, but the transformer "
                 r"'tiny_flux1-dev\.safetensors' reads 32-value T5 text states",
            text_encoder=comfy["clip"], text_encoder_2=str(tmp_path / "t5_other.safetensors"), vae=comfy["vae"])
    eight = dict(vae)
    eight["decoder.conv_in.weight"] = torch.zeros(eight["decoder.conv_in.weight"].shape[0], 8, 3, 3)
    save_file(eight, str(tmp_path / "vae_8.safetensors"))
    refused(den, r"the VAE '.*vae_8\.safetensors' .* makes latents of 8 channels, but the transformer "
                 r"'tiny_flux1-dev\.safetensors' takes 16", text_encoder=comfy["clip"], text_encoder_2=comfy["t5"],
            vae=str(tmp_path / "vae_8.safetensors"))
    refused(den, r"is FLUX.1's diffusion model alone: set the VAE file", text_encoder=comfy["clip"],
            text_encoder_2=comfy["t5"])
    from nodes.video_models.base.registry import family
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("flux1").refuse_call("t2v", 5, 16, 16)


def test_an_all_in_one_checkpoint_loads_its_own_text_encoders_and_vae(comfy, tmp_path):
    """ComfyUI's all-in-one FLUX.1 checkpoint given alone as 'model': its transformer, CLIP-L, T5 and VAE read from
    it (said), the same weights as the separate files."""
    import torch

    from nodes.video_models.loading.load import load_video_model
    ckpt = files.write_checkpoint(comfy, str(tmp_path))
    said = []
    ref = load_video_model(ckpt, base=None, device=torch.device("cpu"), dtype_name="fp32", info=said.append)
    assert ref.family == "flux1" and ref.variant.startswith("FLUX.1")
    assert "text encoder: flux1-dev-tiny-fp8.safetensors: CLIP-L (in the checkpoint), fp32" in said
    assert "second text encoder: flux1-dev-tiny-fp8.safetensors: T5-XXL (in the checkpoint), fp32" in said
    assert any(s.startswith("VAE: read from 'flux1-dev-tiny-fp8.safetensors' itself") for s in said), said
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2"):
        got, held = getattr(ref.module, name).state_dict(), comfy["parts"][name].state_dict()
        assert all(torch.equal(got[k], held[k]) for k in held if "position_ids" not in k), name


def test_a_scaled_fp8_transformer_makes_the_picture_of_its_dequantised_weights(comfy, tmp_path):
    """The transformer as ComfyUI's scaled fp8 (its blocks' linear weights in e4m3fn beside a per-tensor scale): the
    joined q, k, v and linear1 split by the family's converter each keep their whole's scale; the picture is the one
    the dequantised weights make."""
    import copy

    import diffusers
    import numpy as np
    import torch
    from safetensors.torch import load_file, save_file

    from nodes.video_models.families.flux1 import layouts
    from nodes.video_models.families.flux1.configs import DEV_SCHEDULER
    from nodes.video_models.loading.load import load_video_model

    from .file_formats import scaled_fp8
    state = scaled_fp8(load_file(comfy["transformer"]), lambda k, v: "blocks." in k and k.endswith(".weight")
                       and v.ndim == 2)
    path = str(tmp_path / "flux1-dev-tiny-fp8_scaled.safetensors")
    save_file(state, path)
    said = []
    ref = load_video_model(path, base=None, device=torch.device("cpu"), dtype_name="fp32", info=said.append,
                           parts={"text_encoder": comfy["clip"], "text_encoder_2": comfy["t5"], "vae": comfy["vae"]})
    assert "scaled" in said[0], said[0]
    plain = {k: (v.float() * state[k[: -len(".weight")] + ".scale_weight"] if v.dtype == torch.float8_e4m3fn else v)
             for k, v in state.items() if not k.endswith(".scale_weight") and k != "scaled_fp8"}
    back, _, _ = layouts.to_diffusers(plain)
    p = comfy["parts"]
    den = copy.deepcopy(p["transformer"])
    den.load_state_dict(back)
    pipe = diffusers.FluxPipeline(transformer=den, vae=p["vae"], text_encoder=p["text_encoder"],
                                  text_encoder_2=p["text_encoder_2"], tokenizer=comfy["tokenizer"],
                                  tokenizer_2=comfy["tokenizer_2"],
                                  scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**DEV_SCHEDULER))
    kw = dict(prompt="the cat", height=32, width=48, num_inference_steps=2, guidance_scale=3.5, output_type="np",
              max_sequence_length=32)
    want = pipe(**kw, generator=torch.Generator().manual_seed(3)).images
    got = ref.module(**kw, generator=torch.Generator().manual_seed(3)).images
    # (x @ (W s) against (x @ W) s, step after step: the order of the products alone differs)
    assert want.std() > 0 and np.allclose(got, want, atol=1e-3)


def test_t5s_tokenizer_is_comfyuis_own_where_the_file_holds_none(comfy, tmp_path, monkeypatch):
    """A T5 file with no 'spiece_model' (as ComfyUI's t5xxl_fp16 is): its tokenizer from the ComfyUI folder's
    comfy/text_encoders/t5_tokenizer/; with no ComfyUI folder set, refused saying where Studio looked."""
    import torch
    from safetensors.torch import load_file, save_file

    from nodes.video_models.families.flux1 import pipeline
    bare = str(tmp_path / "t5xxl_bare.safetensors")
    save_file({k: v for k, v in load_file(comfy["t5"]).items() if k != "spiece_model"}, bare)
    monkeypatch.setattr(pipeline, "comfyui_folder", lambda: "")
    refused(comfy["transformer"], r"\(T5-XXL\) carries no tokenizer .* ComfyUI's folder \(not set in Preferences\)",
            text_encoder=comfy["clip"], text_encoder_2=bare, vae=comfy["vae"])
    home = tmp_path / "ComfyUI"
    comfy["tokenizer_2"].save_pretrained(str(home / "comfy" / "text_encoders" / "t5_tokenizer"))
    monkeypatch.setattr(pipeline, "comfyui_folder", lambda: str(home))
    got = {}
    monkeypatch.setattr(pipeline, "_t5_tokenizer", lambda part, f=pipeline._t5_tokenizer: got.setdefault("tok", f(part)))
    from nodes.video_models.loading.load import load_video_model
    load_video_model(comfy["transformer"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                     parts={"text_encoder": comfy["clip"], "text_encoder_2": bare, "vae": comfy["vae"]})
    assert got["tok"]("the cat").input_ids == comfy["tokenizer_2"]("the cat").input_ids


def test_a_wrong_file_in_a_graph_is_one_error_naming_load_video_model(comfy, no_loads):
    """Through the graph: two CLIP files given as FLUX.1's text encoders stop the run with one error naming the node
    (Load Video Model) and both files, before any weight is read."""
    import os

    from studio.engine.executor import Executor

    from .graphs import model_graph
    g = model_graph(comfy["transformer"], "video_models.text_to_video",
                    {"frames": 1, "width": 32, "height": 32, "steps": 1, "previews": False, "preview_size": "off"})
    g.base_dir = os.path.dirname(os.path.dirname(comfy["transformer"]))
    for k, v in (("text_encoder", comfy["clip"]), ("text_encoder_2", comfy["clip"]), ("vae", comfy["vae"])):
        g.set_param("load", k, v)
    with pytest.raises(Exception, match=r"node 'Load Video Model' \(load\) failed: the text encoders .* are both CLIP"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
