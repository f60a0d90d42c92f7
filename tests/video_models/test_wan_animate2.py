"""Wan Animate 2 (issue 56) on tiny random modular pipelines (tests/video_models/tiny_wan_animate2.py): the
Wan Animate 2 node's frames equal diffusers' WanAnimate2ModularPipeline called directly with the same
reference, driving video, prompts and seed, over several segments; the distilled folder runs its
own few steps without guidance; Load Video Model names both variants; bad input (no driving video,
another model, a segment no longer than its overlap, a single file with no base nor part files) is one message
naming the node or the file, before anything large is allocated. ComfyUI's int8 convrot file, with the
folder as its base, renders frames close to the folder's."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import functools
import json
import os

import numpy as np
import torch
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.params import Int
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeMessage, NodeProgress
from studio.engine.executor import Executor
from tests.sources import source

pytest.importorskip("diffusers")
N, H, W = 7, 24, 32  # the driving clip's frames and size; the reference's size


def _frames(n: int) -> np.ndarray:
    """Whole-byte values (so the node's 8-bit images are these exactly)."""
    return (np.random.default_rng(1).integers(0, 256, (n, H, W, 3)) / 255.0).astype(np.float32)


def _still() -> np.ndarray:
    return (np.random.default_rng(2).integers(0, 256, (H, W, 3)) / 255.0).astype(np.float32)


DRIVING = source("test.animate2_driving", "video", "Video",
                  lambda p: ArrayClip(_frames(p.frames), 16.0), (Int("frames", N, min=1, max=100),))


REFERENCE = source("test.animate2_ref", "image", "Image", lambda p: _still())


@pytest.fixture(scope="session")
def base_dir(tiny):  # read only: the session's tiny Wan Animate 2 (tests/tiny_models.py 'wan-animate-2')
    return tiny("wan-animate-2", "tiny-wan-animate-2")


@pytest.fixture(scope="session")
def distilled_dir(tiny):  # read only
    return tiny("wan-animate-2", "tiny-wan-animate-2-distilled", distilled=True)


def _graph(model, wire=("reference", "driving"), frames=N, base="", **params):
    g = Graph()
    g.add_node("video_models.load", {"model": model, **({"base": base} if base else {})}, node_id="load")
    g.add_node("test.animate2_driving", {"frames": frames}, node_id="drv")
    g.add_node("test.animate2_ref", {}, node_id="ref")
    p = {"prompt": "a red fox dancing", "steps": 2, "seed": 3, "window": 5, "width": 32, "height": 24}
    p.update(params)
    g.add_node("video_models.wan_animate_2", p, node_id="animate")
    g.connect("load", "model", "animate", "model")
    for name in wire:
        g.connect("ref", "image", "animate", "reference") if name == "reference" else \
            g.connect("drv", "video", "animate", "driving")
    return g


def _run(g, cls_name="WanAnimate2ModularPipeline"):
    """(the result, the pipeline's keyword arguments as the node called it, the node's events)."""
    import diffusers.modular_pipelines as mp
    cls = getattr(mp, cls_name)
    seen, orig, events = {}, cls.__call__, []

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(kw, seed=kw["generator"].initial_seed(), guidance=self.guider.guidance_scale)
        return orig(self, *a, **kw)
    cls.__call__ = spy
    try:
        r = Executor().run(g, targets=["animate", "load"], device="cpu", on_event=events.append)
    finally:
        cls.__call__ = orig
    return r, seen, events


def _direct(folder: str, seen: dict, n: int = N, pipe=None, **kw):
    """The modular pipeline called directly: made from the folder's index with the tiny parts built
    again (``pipe``: the one Load Video Model loaded, called as diffusers documents it)."""
    import torch
    from diffusers import ModularPipeline
    from PIL import Image

    from .tiny_wan_animate2 import tiny_parts
    if pipe is None:
        pipe = ModularPipeline.from_pretrained(folder)
        pipe.update_components(**tiny_parts(folder + ".direct"))
    to8 = lambda a: Image.fromarray((a * 255).round().astype(np.uint8))  # noqa: E731
    state = pipe(prompt="a red fox dancing", image=to8(_still()), driving_video=[to8(f) for f in _frames(n)],
                 height=24, width=32, segment_frame_length=5, generator=torch.Generator().manual_seed(seen["seed"]),
                 output_type="np", **kw)
    return np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1)


def test_wan_animate_2_frames_equal_the_modular_pipeline_called_directly(base_dir):
    r, seen, events = _run(_graph(base_dir))
    assert (r.value("load").fam.key, r.value("load").variant) == ("wan_animate2", "Wan Animate 2")
    clip = r.value("animate")
    assert clip.n_frames == N  # 7 driving frames: two segments of 5 (the tail reflected, then cut off)
    assert seen["segment_frame_length"] == 5 and seen["prev_segment_conditioning_frames"] == 1
    assert seen["num_inference_steps"] == 2 and seen["guidance"] == 3.0  # the base model's own guider
    assert seen["prompt_ref"] == "人物动作的参考视频"
    calls = [e for e in events if isinstance(e, NodeProgress) and e.node_id == "animate" and e.total]
    assert calls and calls[-1].step == calls[-1].total == 2 * 2  # 2 segments of 2 scheduler steps (issue 98)
    assert any(e.preview is not None for e in calls)  # a step preview: its blocks take no step callback
    assert any(isinstance(e, NodeMessage) and "7 frames in 2 segments of 5" in e.text for e in events)
    want = _direct(base_dir, seen, num_inference_steps=2)
    assert clip.frames.std() > 0.01
    assert np.array_equal(clip.frames, want)


def test_guidance_is_set_for_the_call_and_put_back(base_dir):
    r, seen, _ = _run(_graph(base_dir, guidance=1.0))
    assert seen["guidance"] == 1.0
    assert r.value("load").module.guider.guidance_scale == 3.0  # the cached model's own guider again


def test_the_distilled_model_runs_its_own_few_steps_without_guidance(distilled_dir):
    r, seen, events = _run(_graph(distilled_dir, steps=0, frames=5), "WanAnimate2DistilledModularPipeline")
    assert r.value("load").variant == "Wan Animate 2 distilled"
    assert seen["num_inference_steps"] == 10 and seen["guidance"] == 1.0
    calls = [e for e in events if isinstance(e, NodeProgress) and e.node_id == "animate" and e.total]
    assert calls[-1].step == calls[-1].total == 10  # one segment of its own 10 steps
    want = _direct(distilled_dir, seen, num_inference_steps=10, n=5, pipe=r.value("load").module)  # the loaded one
    assert np.array_equal(r.value("animate").frames, want)


def test_no_driving_video_is_refused_naming_the_node(base_dir):
    with pytest.raises(Exception, match=r"(?s)animate.*driving"):
        Executor().run(_graph(base_dir, wire=("reference",)), targets=["animate"], device="cpu")


def test_a_segment_no_longer_than_its_overlap_is_refused_before_the_call(base_dir):
    with pytest.raises(Exception, match=r"'Wan Animate 2' \(animate\): overlap \(5\) must be smaller than the "
                                        r"window \(5 frames\)"):
        _run(_graph(base_dir, overlap=5))
    with pytest.raises(NodeExecutionError, match=r"Wan Animate 2: 'overlap' 5 must be fewer than the 5 frames of a "
                                                 r"segment"):  # a window of 7 made 4k + 1: 5
        _run(_graph(base_dir, window=7, overlap=5))


def test_another_model_is_refused_naming_the_node(animate_dir):
    v1 = animate_dir  # the session's tiny Wan 2.2 Animate
    with pytest.raises(NodeExecutionError, match=r"Wan Animate 2: the model .* is Wan 2.2 Animate.*not a Wan Animate 2 "
                                                 r"model .*WanAnimateTransformer3DModel.*goes with the Wan Animate node"):
        Executor().run(_graph(v1), targets=["animate"], device="cpu")


# ComfyUI's names of the diffusers ones (Wan 2.1 I2V's, diffusers' converter renames them back)
COMFY_NAMES = ((".to_q.", ".q."), (".to_k.", ".k."), (".to_v.", ".v."), (".to_out.0.", ".o."),
               (".add_k_proj.", ".k_img."), (".add_v_proj.", ".v_img."), (".norm_added_k.", ".norm_k_img."))


def _comfy_int8_file(base_dir: str, path: str) -> None:
    """The base folder's transformer written as ComfyUI's wan_animate_2_int8_convrot.safetensors: Wan 2.1
    I2V's names under 'model.diffusion_model.', the blocks' Linear weights int8 convrot (group 16: the
    tiny layers are 32 wide; ComfyUI's are 256, the group is read from each marker) by the test's own
    quantiser (test_comfy_int8.int8_convrot), the rest bf16."""
    from safetensors.torch import load_file, save_file

    from .test_comfy_int8 import int8_convrot, mark
    out = {}
    for k, v in load_file(os.path.join(base_dir, "transformer", "diffusion_pytorch_model.safetensors")).items():
        name = k
        for new, old in COMFY_NAMES:
            name = name.replace(new, old) if (".self_attn." in name or ".cross_attn." in name) else name
        name = "model.diffusion_model." + name
        if k.startswith("blocks.") and k.endswith(".weight") and v.dim() == 2:
            layer = name[: -len(".weight")]
            out[name], out[layer + ".weight_scale"], _ = int8_convrot(v.float(), 16)
            out[layer + ".comfy_quant"] = mark(16)
        else:
            out[name] = v.to(torch.bfloat16).contiguous()
    save_file(out, path)


def test_comfyuis_int8_convrot_file_loads_and_its_frames_are_close_to_the_folders(base_dir, tmp_path):
    """ComfyUI's wan_animate_2_int8_convrot.safetensors with the diffusers folder as its base: told by
    its name, read through diffusers' converter (a renaming) with its Linear layers kept in int8, and
    the Wan Animate 2 node's frames close to the folder's (within the int8 rounding's effect)."""
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files.comfy_int8 import Int8Linear
    from nodes.video_models.files.weight_formats import read_weight_file
    f = tmp_path / "diffusion_models" / "wan_animate_2_int8_convrot.safetensors"
    f.parent.mkdir()
    _comfy_int8_file(base_dir, str(f))
    wf = read_weight_file(str(f))
    r = recognise({k: v.shape for k, v in wf.tensors.items()}, filename=f.name)
    assert (r.kind, r.family, r.variant) == ("denoiser", "wan_animate2", "Wan Animate 2 (width 32)")
    assert wf.fmt == "int8 convrot mixed (bf16 elsewhere)"
    res, seen, _ = _run(_graph(str(f), base=base_dir, frames=5))
    ref = res.value("load")
    assert ref.path == str(f) and "int8 convrot mixed" in ref.weights and "dequantised per layer" in ref.weights
    den = ref.module.transformer
    int8 = [m for m in den.modules() if isinstance(m, Int8Linear)]
    assert len(int8) == 2 * 12 and all(m.group == 16 for m in int8)  # 2 blocks x (4 self, 6 cross, 2 ffn)
    from diffusers import WanAnimate2Transformer3DModel

    from nodes.video_models.files.comfy_int8 import dequantise
    folder = dict(WanAnimate2Transformer3DModel.from_pretrained(os.path.join(base_dir, "transformer")).named_modules())
    for name, m in den.named_modules():  # each int8 layer is its folder layer's weight, within int8 rounding
        if isinstance(m, Int8Linear):
            w = folder[name].weight.detach()
            err = float((dequantise(m.int8(), torch.float32) - w).abs().max() / w.abs().max())
            assert 0 < err < 0.05, name
    clip = res.value("animate").frames
    want = _run(_graph(base_dir, frames=5))[0].value("animate").frames
    diff = np.abs(clip - want)
    print(f"int8 convrot vs folder: mean |diff| {diff.mean():.2e}, max {diff.max():.2e}, std of frames {want.std():.3f}")
    assert diff.mean() < 0.02 and diff.max() < 0.25
    assert not np.array_equal(clip, want)  # the int8 weights were used, not the folder's


def test_a_single_file_without_its_base_or_part_files_is_refused_in_words(base_dir, tmp_path):
    f = tmp_path / "wan_animate_2_int8_convrot.safetensors"
    _comfy_int8_file(base_dir, str(f))
    with pytest.raises(Exception, match=r"is a single Wan Animate 2 denoiser: set Load Video Model's text_encoder "
                                        r"\(umt5_xxl\) and vae \(the Wan 2.1 VAE\) and clip_vision \(clip_vision_h\) "
                                        r"files \(as ComfyUI's Wan Animate 2 templates load them\), or 'base' to a Wan "
                                        r"Animate 2 diffusers folder"):
        Executor().run(_graph(str(f)), targets=["animate"], device="cpu")


def test_a_folder_with_a_model_index_beside_its_modular_index_is_read_as_modular(base_dir, tmp_path):
    """Wan-AI/Wan2.2-Animate-2-14B-Diffusers holds a model_index.json (a class diffusers has no pipeline
    of) beside modular_model_index.json: the modular index is read."""
    import shutil

    from nodes.video_models.loading.modular import modular_folder
    both = str(tmp_path / "both")
    shutil.copytree(base_dir, both)
    with open(os.path.join(both, "model_index.json"), "w") as fh:
        json.dump({"_class_name": "WanAnimate2Pipeline", "_diffusers_version": "0.42.1"}, fh)
    assert modular_folder(both) and not modular_folder(str(tmp_path))
    from nodes.video_models.catalog.listing import describe_folder
    assert describe_folder(both).family == "wan_animate2"


def test_the_converted_distilled_template_renders_on_the_tiny_distilled_folder(distilled_dir):
    """ComfyUI's video_wan_animate2_distilled.json converted (issue 55), its model set to a Wan Animate 2
    folder (its part files, which the converter set, emptied: the folder has its own) and its image and video to
    the project's own media: the Wan Animate 2 node makes the clip."""
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "video_wan_animate2_distilled.json"),
              encoding="utf-8") as f:
        g = convert(json.load(f), "video_wan_animate2_distilled").graph
    media = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "media")
    by = {n.type_id: n for n in g.nodes.values()}
    by["video_models.load"].params.update(model=distilled_dir, text_encoder="", vae="", clip_vision="")
    by["io.load_image"].params["path"] = os.path.abspath(os.path.join(media, "portrait.png"))
    by["io.load_video"].params["path"] = os.path.abspath(os.path.join(media, "driving.mp4"))
    gen = by["video_models.wan_animate_2"]
    assert gen.params["steps"] == 10 and gen.params["prompt_ref"].startswith("A man doing energetic street dance")
    gen.params.update(width=32, height=32, frames=5, window=5, steps=2)
    for n in g.nodes.values():  # the template's resizes of the picture and the clip, made at the node's size
        if n.type_id == "transform.scale":
            assert (n.params["width"], n.params["height"]) == (482, 854)  # (dyncombo10: the templates' own)
            n.params.update(width=32, height=32)
    clip = Executor().run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and clip.frames.std() > 0.01


def test_the_wan_animate_node_sends_a_wan_animate_2_model_to_its_own_node(base_dir):
    """Wan Animate (Wan 2.2 Animate's pose and face clips) given a Wan Animate 2 model: refused before the
    run (the folder's index foreseen: advice.py), naming the node that takes it."""
    g = Graph()
    g.add_node("video_models.load", {"model": base_dir}, node_id="load")
    g.add_node("test.animate2_driving", {}, node_id="drv")
    g.add_node("test.animate2_ref", {}, node_id="ref")
    g.add_node("video_models.wan_animate", {"steps": 1, "window": 5}, node_id="v1")
    g.connect("load", "model", "v1", "model")
    g.connect("ref", "image", "v1", "reference")
    g.connect("drv", "video", "v1", "pose")
    g.connect("drv", "video", "v1", "face")
    with pytest.raises(Exception, match=r"'Wan Animate' \(v1\): this model \(Wan Animate 2\) is run by its own node: "
                                        r"use Wan Animate 2"):
        Executor().run(g, targets=["v1"], device="cpu")


@pytest.mark.fresh_models
def test_stop_inside_a_step_then_the_cached_model_runs_again(base_dir):
    from .stopping import stop_inside_a_step
    ex = Executor()
    g = _graph(base_dir, frames=5)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    stop_inside_a_step(ex, g, "animate", list(ref.module.transformer.blocks))
    clip = ex.run(g, targets=["animate"], device="cpu").value("animate")  # no hook left behind
    assert clip.n_frames == 5 and not any(b._forward_pre_hooks for b in ref.module.transformer.blocks)


def test_a_folder_missing_its_image_encoder_is_refused_naming_it_before_loading(base_dir, tmp_path):
    import shutil
    bad = str(tmp_path / "no-image-encoder")
    shutil.copytree(base_dir, bad)
    shutil.rmtree(os.path.join(bad, "image_encoder"))
    with pytest.raises(Exception, match=r"component 'image_encoder' is missing: Wan Animate 2's character animation "
                                        r"needs a folder 'image_encoder/'"):
        Executor().run(_graph(bad), targets=["animate"], device="cpu")


def test_the_transformer_file_alone_is_told_as_wan_animate_2_not_wan_i2v(base_dir):
    """The diffusers folder's transformer weights given alone: Wan's head, diffusers' attention names (no
    Wan file has both); told by the picker's recogniser as Wan Animate 2, not as a Wan 2.1 I2V denoiser."""
    from safetensors import safe_open

    from nodes.video_models.base.recognise import recognise
    with safe_open(os.path.join(base_dir, "transformer", "diffusion_pytorch_model.safetensors"), "pt") as f:
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    r = recognise(shapes, filename="diffusion_pytorch_model.safetensors")
    assert (r.kind, r.family, r.variant) == ("denoiser", "wan_animate2", "Wan Animate 2 (width 32)")


@pytest.mark.fresh_models
def test_text_to_video_given_wan_animate_2_is_refused_before_the_model_loads(base_dir):
    """Said at validation from the folder's index (advice.py), naming the node that runs it."""
    g = Graph()
    g.add_node("video_models.load", {"model": base_dir}, node_id="load")
    g.add_node("video_models.text_to_video", {"steps": 1, "frames": 5, "width": 32, "height": 32}, node_id="t2v")
    g.connect("load", "model", "t2v", "model")
    loaded = []
    import nodes.video_models.loading.modular as modular
    orig = modular.load_modular
    modular.load_modular = lambda *a, **k: loaded.append(1) or orig(*a, **k)
    try:
        with pytest.raises(Exception, match=r"this model \(Wan Animate 2\) is run by its own node: use Wan Animate 2"):
            Executor().run(g, targets=["t2v"], device="cpu")
    finally:
        modular.load_modular = orig
    assert loaded == []


def test_text_to_video_given_the_loaded_model_says_which_node_runs_it(base_dir):
    """When the model was not foreseen (the Model wire from an earlier run), the run says it in the
    family's words before the pipeline is called (it failed in MiniMax H3's sizing)."""
    ex = Executor()
    g = _graph(base_dir)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    from nodes.video_models.sampling.modular_run import modular_video

    class _Ctx:  # the node's settings modular_video reads before the call (no run: the refusal comes first)
        params = type("P", (), {"keyframes": "", "guidance": 5.0, "guidance_2": 0.0})()
    with pytest.raises(Exception, match=r"Wan Animate 2 animates a reference character from a driving video: use the "
                                        r"Wan Animate 2 node"):
        modular_video(_Ctx(), ref, "a fox", "", None, None, {}, 5, 1, 0)


def _comfy_lora(path, den, seed: int = 4) -> tuple[str, dict]:
    """A LoRA in ComfyUI's Wan names on ``den`` (diffusers' names), in the forms ComfyUI's Wan LoRAs come in:
    lora_down/lora_up with an alpha (self-attention q and o, the image keys), lora_A/lora_B (the feed-forward),
    kohya's (cross-attention v), a bias offset (diff_b) and a norm's whole-weight offset (.diff, not applied).
    Returns (the file, {diffusers' module: (down, up, alpha / rank, bias offset)})."""
    import torch
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(seed)
    sd, want = {}, {}
    forms = (("self_attn.to_q", "self_attn.q", "down", 8.0), ("self_attn.to_out.0", "self_attn.o", "down", 2.0),
             ("cross_attn.add_k_proj", "cross_attn.k_img", "down", 4.0), ("ffn.0", "ffn.0", "A", None),
             ("cross_attn.to_v", "cross_attn.v", "kohya", 4.0))
    for i, _ in enumerate(den.blocks):
        for ours, theirs, form, alpha in forms:
            out_f, in_f = den.get_submodule(f"blocks.{i}.{ours}").weight.shape
            a, b = torch.randn(4, in_f, generator=g) * 0.3, torch.randn(out_f, 4, generator=g) * 0.3
            k = f"diffusion_model.blocks.{i}.{theirs}" if form != "kohya" else \
                f"lora_unet_blocks_{i}_{theirs.replace('.', '_')}"
            lo, up = ("lora_A", "lora_B") if form == "A" else ("lora_down", "lora_up")
            sd[f"{k}.{lo}.weight"], sd[f"{k}.{up}.weight"] = a, b
            if alpha is not None:
                sd[f"{k}.alpha"] = torch.tensor(alpha)
            bias = torch.randn(out_f, generator=g) * 0.1 if ours == "ffn.0" else None
            if bias is not None:
                sd[f"{k}.diff_b"] = bias
            want[f"blocks.{i}.{ours}"] = (a, b, (alpha or 4.0) / 4, bias)
    sd["diffusion_model.blocks.0.norm3.diff"] = torch.ones(den.blocks[0].norm3.weight.shape)
    save_file(sd, str(path))
    return str(path), want


def test_a_comfyui_lora_changes_the_frames_as_the_same_lora_merged_by_hand(base_dir, tmp_path):
    """The node with a Video LoRA (ComfyUI's names, strength 0.7) gives the frames of the pipeline called
    directly on a transformer with the same LoRA merged into its weights by hand (W + 0.7 * alpha / rank *
    up @ down, bias + 0.7 * diff_b); the '.diff' offset is said, not applied; the cached model is left
    without adapters."""
    import torch

    from .tiny_wan_animate2 import tiny_parts
    parts = tiny_parts(str(tmp_path / "parts"))
    path, want = _comfy_lora(tmp_path / "wan_animate_2_lora.safetensors", parts["transformer"])
    g = _graph(base_dir)
    g.add_node("video_models.lora", {"lora": path, "strength": 0.7}, node_id="lora")
    g.disconnect("animate", "model")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "animate", "model")
    r, seen, events = _run(g)
    said = [e.text for e in events if isinstance(e, NodeMessage)]
    assert any("1 whole-weight offsets ('.diff'" in t for t in said)
    den = r.value("load").module.transformer
    assert not getattr(den, "peft_config", None) and type(den.blocks[0].self_attn.to_q) is torch.nn.Linear
    with torch.no_grad():
        for name, (a, b, scale, bias) in want.items():
            lin = parts["transformer"].get_submodule(name)
            lin.weight += 0.7 * scale * (b @ a)
            if bias is not None:
                lin.bias += 0.7 * bias
    from diffusers import ModularPipeline
    pipe = ModularPipeline.from_pretrained(base_dir)
    pipe.update_components(**parts)
    merged = _direct(base_dir, seen, num_inference_steps=2, pipe=pipe)
    plain = _direct(base_dir, seen, num_inference_steps=2, pipe=r.value("load").module)  # the cached model, LoRA off
    frames = r.value("animate").frames
    assert np.abs(frames - plain).max() > 0.01  # the LoRA changes the frames
    np.testing.assert_allclose(frames, merged, atol=2e-4)


def test_a_lora_of_another_family_is_refused_naming_it(base_dir, tmp_path):
    import torch
    from safetensors.torch import save_file
    path = str(tmp_path / "ltx.safetensors")
    save_file({"diffusion_model.transformer_blocks.0.attn1.to_q.lora_A.weight": torch.zeros(4, 8),
               "diffusion_model.transformer_blocks.0.attn1.to_q.lora_B.weight": torch.zeros(8, 4)}, path)
    g = _graph(base_dir)
    g.add_node("video_models.lora", {"lora": path}, node_id="lora")
    g.disconnect("animate", "model")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "animate", "model")
    with pytest.raises(NodeExecutionError, match=r"no key of the LoRA 'ltx.safetensors' names a layer of Wan Animate "
                                                 r"2's transformer"):
        _run(g)


def test_a_lightx2v_style_lora_maps_onto_the_released_14b_transformer_with_nothing_allocated():
    """The lightx2v step-distill LoRA's layout (Wan 2.1 I2V 14B: attention q/k/v/o and the image keys,
    the feed-forward, with alphas and diff_b; norms' .diff) on WanAnimate2Transformer3DModel at the released
    config's shapes, built on the meta device: every low-rank pair finds its layer; the norms' offsets are
    said."""
    import torch
    from diffusers import WanAnimate2Transformer3DModel

    from nodes.video_models.families.wan_animate2.lora import adapter_dict
    with meta_device():
        den = WanAnimate2Transformer3DModel(num_layers=40, dim=5120, ffn_dim=13824, num_heads=40)
    sd, pairs = {}, 0
    for i in range(40):
        for a, ps in (("self_attn", "qkvo"), ("cross_attn", ("q", "k", "v", "o", "k_img", "v_img"))):
            for p in ps:
                k = f"diffusion_model.blocks.{i}.{a}.{p}"
                sd.update({f"{k}.lora_down.weight": torch.zeros(64, 5120, device="meta"),
                           f"{k}.lora_up.weight": torch.zeros(5120, 64, device="meta"),
                           f"{k}.alpha": torch.tensor(64.0), f"{k}.diff_b": torch.zeros(5120, device="meta")})
                pairs += 1
        for f, (o, n) in (("ffn.0", (13824, 5120)), ("ffn.2", (5120, 13824))):
            k = f"diffusion_model.blocks.{i}.{f}"
            sd.update({f"{k}.lora_down.weight": torch.zeros(64, n, device="meta"),
                       f"{k}.lora_up.weight": torch.zeros(o, 64, device="meta"), f"{k}.alpha": torch.tensor(64.0)})
            pairs += 1
        sd[f"diffusion_model.blocks.{i}.norm3.diff"] = torch.zeros(5120, device="meta")
    out, said = adapter_dict(sd, den, "lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16.safetensors")
    assert len([k for k in out if k.endswith("lora_A.weight")]) == pairs == 40 * 12
    assert out["blocks.3.cross_attn.add_k_proj.lora_B.weight"].shape == (5120, 64)
    assert "blocks.3.self_attn.to_out.0.lora_B.bias" in out
    assert said == ["LoRA 'lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16.safetensors': 40 whole-weight offsets "
                    "('.diff': norms, modulations) are not applied (an adapter holds low-rank pairs only)"]
