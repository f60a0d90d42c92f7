"""Wan Animate 2 from ComfyUI's own files (issue 56), no diffusers folder: the denoiser file in ComfyUI's
layout (wan_animate_2_*.safetensors) with the files ComfyUI's Wan Animate 2 templates load beside it
(umt5_xxl with its ``spiece_model``, the Wan 2.1 VAE in the Wan repository's names, clip_vision_h), set
on Load Video Model as plain Wan's are. A tiny Wan Animate 2 (tests/video_models/tiny_wan_animate2.py
wide_parts: 128-value heads, so its config reads from the shapes) written both as a diffusers folder and
as those four files: the Wan Animate 2 node's frames from the files equal the folder's (fp32, same
seed). A missing part file is named before anything is allocated; a part of another kind is named."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model
from studio.engine.executor import Executor

from .test_comfy_parts import no_loads  # noqa: F401 (a fixture: any weight load fails)
from .test_wan_animate2 import _graph  # noqa: F401  (registers the test's driving and reference nodes too)

pytest.importorskip("diffusers")
CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(the diffusers folder, its components as ComfyUI's files: name -> path)."""
    from .tiny_wan_animate2 import build_wide_wan_animate2, write_comfy_files
    root = tmp_path_factory.mktemp("wa2files")
    folder = build_wide_wan_animate2(str(root / "tiny-wan-animate-2"))
    return folder, write_comfy_files(folder, str(root / "models"))


@pytest.fixture(scope="module")
def want(made):
    """The Wan Animate 2 node's frames from the diffusers folder (5 driving frames, 2 steps, seed 3)."""
    return Executor().run(_graph(made[0], frames=5), targets=["animate"], device="cpu").value("animate").frames


def _load(files, **skip):
    """Load Video Model's parameters for the files (``skip``: a part left empty)."""
    p = {"text_encoder": files["text_encoder"], "vae": files["vae"], "clip_vision": files["clip_vision"]}
    return {k: v for k, v in p.items() if k not in skip}


def _files_graph(files, frames=5, **skip):
    g = _graph(files["denoiser"], frames=frames)
    g.nodes["load"].params.update(_load(files, **skip))
    return g


def test_the_four_files_render_the_folders_frames_exactly(made, want):
    _, files = made
    ex = Executor()
    res = ex.run(_files_graph(files), targets=["animate", "load"], device="cpu")
    ref = res.value("load")
    assert (ref.fam.key, ref.variant, type(ref.module).__name__) == ("wan_animate2", "Wan Animate 2",
                                                                      "WanAnimate2ModularPipeline")
    assert ref.path == files["denoiser"] and ref.config["base"] is None
    assert "text encoder UMT5" in ref.weights and "VAE Wan 2.1 VAE" in ref.weights and "CLIP vision" in ref.weights
    pipe = ref.module
    assert type(pipe.scheduler).__name__ == "FlowMatchEulerDiscreteScheduler" and pipe.scheduler.config.shift == 5.0
    assert pipe.guider.guidance_scale == 3.0  # the base blocks' own guider
    assert type(pipe.tokenizer).__name__.startswith("T5Tokenizer")  # from the file's spiece_model
    got = res.value("animate").frames
    assert got.shape == want.shape == (5, 16, 32, 3) and want.std() > 0.01  # the reference's aspect
    assert np.array_equal(got, want)


def test_each_component_is_the_folders(made):
    """The parts read from ComfyUI's files hold the folder's weights exactly, under diffusers' and
    transformers' names (the VAE and denoiser renamed from the originals)."""
    folder, files = made
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                  "image_encoder": files["clip_vision"]})
    two = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("transformer", "vae", "text_encoder", "image_encoder"):
        a, b = getattr(one.module, name).state_dict(), getattr(two.module, name).state_dict()
        assert a.keys() == b.keys(), name
        assert all(torch.equal(a[k], b[k]) for k in a), name
    def cfg(m):
        return {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in m.transformer.config.items()
                if not k.startswith("_")}
    assert cfg(one.module) == cfg(two.module)  # the config read from the shapes is the folder's
    assert any(s.startswith("scheduler: FlowMatchEulerDiscreteScheduler, shift 5") for s in said)
    assert "text encoder: umt5_xxl_tiny.safetensors: UMT5 (width 32), fp32, tokenizer from the file" in said


def test_a_distilled_file_makes_the_distilled_pipeline(made, tmp_path):
    """Told by its name (ComfyUI's wan_animate_2_distill_int8_convrot): the distilled blocks, no guidance."""
    import shutil
    _, files = made
    dist = str(tmp_path / "wan_animate_2_distill_tiny_fp32.safetensors")
    shutil.copyfile(files["denoiser"], dist)
    ref = load_video_model(dist, base=None, device=CPU, dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                  "image_encoder": files["clip_vision"]})
    assert (type(ref.module).__name__, ref.variant) == ("WanAnimate2DistilledModularPipeline",
                                                        "Wan Animate 2 distilled")
    assert ref.module.guider.guidance_scale == 1.0


@pytest.mark.parametrize("skip, words", [
    (("clip_vision",), r"set Load Video Model's clip_vision \(clip_vision_h\) file \(as ComfyUI's Wan Animate 2 "
                       r"templates load them\), or 'base' to a Wan Animate 2 diffusers folder"),
    (("text_encoder", "vae", "clip_vision"), r"set Load Video Model's text_encoder \(umt5_xxl\) and vae \(the Wan 2.1 "
                                             r"VAE\) and clip_vision \(clip_vision_h\) files")])
def test_a_missing_part_file_is_named_before_allocation(made, no_loads, skip, words):
    _, files = made
    with pytest.raises(Exception, match=r"is a single Wan Animate 2 denoiser: " + words):
        Executor().run(_files_graph(files, **dict.fromkeys(skip, True)), targets=["animate"], device="cpu")


def test_a_part_of_another_kind_or_family_is_named_before_allocation(made, no_loads, tmp_path):
    _, files = made
    with pytest.raises(ModelError, match=r"'.*wan_2.1_vae_tiny.safetensors' was given as the text encoder but is a "
                                         r"VAE"):
        load_video_model(files["denoiser"], base=None, device=CPU,
                         parts={"text_encoder": files["vae"], "vae": files["vae"], "image_encoder": files["clip_vision"]})
    from .tiny import build_ltx
    ltx = build_ltx(str(tmp_path / "ltx"))
    from safetensors.torch import load_file, save_file
    vae = str(tmp_path / "ltxv_vae.safetensors")
    save_file({"vae." + k: v for k, v in load_file(os.path.join(ltx, "vae", "diffusion_pytorch_model.safetensors"))
               .items()}, vae)
    with pytest.raises(ModelError, match=r"the VAE '.*ltxv_vae.safetensors' is .*, made for LTX-Video, but the "
                                         r"denoiser 'wan_animate_2_tiny_fp32.safetensors' is Wan Animate 2's"):
        load_video_model(files["denoiser"], base=None, device=CPU,
                         parts={"text_encoder": files["text_encoder"], "vae": vae, "image_encoder": files["clip_vision"]})


def test_part_files_with_a_base_folder_are_refused_saying_how_they_are_read(made):
    folder, files = made
    with pytest.raises(ModelError, match=r"text_encoder: not read with a Wan Animate 2 denoiser file \(its base's own "
                                         r"are used\); with 'base' empty they are read"):
        load_video_model(files["denoiser"], base=folder, device=CPU, parts={"text_encoder": files["text_encoder"]})


def test_the_converted_templates_set_the_part_files_and_render_from_them(made):
    """ComfyUI's video_wan_animate2(_distilled).json converted: Load Video Model gets the denoiser, umt5_xxl,
    Wan 2.1 VAE and clip_vision_h files and no 'base'; with the tiny files in their places (and the
    project's own media) the base template's graph renders."""
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    _, files = made
    for name in ("video_wan_animate2", "video_wan_animate2_distilled"):
        with open(os.path.join(os.path.dirname(templates.__file__), "templates", f"{name}.json"), encoding="utf-8") as f:
            out = convert(json.load(f), name)
        load = next(n for n in out.graph.nodes.values() if n.type_id == "video_models.load")
        p = load.params
        assert (os.path.basename(p["model"]), p["text_encoder"], p["vae"], p["clip_vision"]) == (
            "wan_animate_2_distill_int8_convrot.safetensors" if "distilled" in name else
            "wan_animate_2_int8_convrot.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
            "Wan2_1_VAE_bf16.safetensors", "clip_vision_h.safetensors"), name
        assert not p.get("base")
        assert not any("not read for this modular pipeline" in s for s in out.log), name
    g = out.graph
    media = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "media")
    by = {n.type_id: n for n in g.nodes.values()}
    by["video_models.load"].params.update(model=files["denoiser"], **_load(files))
    by["io.load_image"].params["path"] = os.path.abspath(os.path.join(media, "portrait.png"))
    by["io.load_video"].params["path"] = os.path.abspath(os.path.join(media, "driving.mp4"))
    gen = by["video_models.wan_animate_2"]
    gen.params.update(width=32, height=32, frames=5, window=5, steps=2)
    for n in g.nodes.values():  # the template's resizes of the picture and the clip, made at the node's size
        if n.type_id == "transform.scale":
            assert (n.params["width"], n.params["height"]) == (482, 854)  # (dyncombo10: the templates' own)
            n.params.update(width=32, height=32)
    clip = Executor().run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and clip.frames.std() > 0.01


def test_comfyuis_int8_convrot_file_with_the_part_files_renders_close_to_the_folder(made, want, tmp_path):
    """The denoiser as ComfyUI ships it (its blocks' Linear layers int8 'convrot', the rest bf16), no folder:
    its int8 layers kept in int8, the config still read from the shapes, frames close to the folder's."""
    from nodes.video_models.files.comfy_int8 import Int8Linear

    from .test_wan_animate2 import _comfy_int8_file
    folder, files = made
    f = str(tmp_path / "wan_animate_2_int8_convrot.safetensors")
    _comfy_int8_file(folder, f)
    res = Executor().run(_files_graph({**files, "denoiser": f}), targets=["animate", "load"], device="cpu")
    ref = res.value("load")
    assert "int8 convrot mixed" in ref.weights and ref.variant == "Wan Animate 2"
    int8 = [m for m in ref.module.transformer.modules() if isinstance(m, Int8Linear)]
    assert len(int8) == 2 * 12  # 2 blocks x (4 self, 6 cross, 2 ffn)
    diff = np.abs(res.value("animate").frames - want)
    print(f"int8 convrot files vs folder: mean |diff| {diff.mean():.2e}, max {diff.max():.2e}")
    assert 0 < diff.mean() < 0.02 and diff.max() < 0.25


def test_the_released_14b_shapes_give_the_released_config_with_nothing_allocated():
    """A header with the 14B model's shapes in ComfyUI's names (diffusers' defaults are the released
    model's: 5120 wide, 40 blocks, 40 heads of 128): its config read back, on shapes alone."""
    from accelerate import init_empty_weights
    from diffusers import WanAnimate2Transformer3DModel

    from nodes.video_models.families.wan_animate2 import parts
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.files.weight_formats import TensorInfo, WeightFile

    from .tiny_wan_animate2 import comfy_denoiser_state
    import diffusers
    with init_empty_weights():
        real = WanAnimate2Transformer3DModel()
    shapes = {k: TensorInfo(tuple(v.shape), "BF16") for k, v in comfy_denoiser_state(real.state_dict()).items()}
    wf = WeightFile("wan_animate_2_int8_convrot.safetensors", "safetensors", shapes, {})
    cls_name, cfg, named = parts.denoiser_config(diffusers, FAMILIES["wan_animate2"], wf)
    want = {k: v for k, v in real.config.items() if k in cfg}
    assert cls_name == "WanAnimate2Transformer3DModel" and {**cfg, "patch_size": tuple(cfg["patch_size"])} == \
        {**want, "patch_size": tuple(want["patch_size"])}
    assert (cfg["dim"], cfg["num_layers"], cfg["num_heads"], cfg["ffn_dim"]) == (5120, 40, 40, 13824)
    assert set(named.tensors) == set(real.state_dict())  # every name renamed back to diffusers'
