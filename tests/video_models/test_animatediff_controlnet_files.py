"""AnimateDiff with an SD 1.5 ControlNet from ComfyUI's files (families/animatediff/controlnet.py): a tiny ControlNet
built from the tiny checkpoint's UNet (diffusers' ControlNetModel.from_unet, its zero layers made to matter, its hint
encoder downsampling 2x as the tiny VAE does: its widths are read from the file's shapes) and
written in lllyasviel's original layout ('control_model.*', the inverse of diffusers' convert_controlnet_checkpoint,
checked by a round trip); the AnimateDiff ControlNet node's frames equal diffusers' AnimateDiffControlNetPipeline
built from the same components and called directly with the node's arguments (fp32, CPU, exactly); a missing, a
wrong and a mismatched file are refused in one sentence naming the node before any call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from . import tiny_animatediff_files as files
from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 8, "steps": 2, "guidance": 4.0, "prompt": "the cat",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 5, "strength": 0.8,
          "start": 0.0, "end": 0.6}


def _control() -> np.ndarray:
    f = np.zeros((8, 16, 16, 3), np.float32)
    for i in range(8):
        f[i, 4:12, 2 + i] = 1.0
    return f


CONTROL = source("test.animatediff_control", "video", "Video",
                 lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_control(), 8.0))


def controlnet_original(state: dict) -> dict:
    """A ControlNetModel's tensors under lllyasviel's names ('control_model.*') diffusers' converter reads."""
    from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING
    top = DIFFUSERS_TO_LDM_MAPPING["controlnet"]["layers"]
    unet = files.unet_ldm({k: v for k, v in state.items() if k.startswith(("down_blocks.", "mid_block."))},
                          files.UNET_CFG["layers_per_block"])
    out = {k.replace("model.diffusion_model.", ""): v for k, v in unet.items()}
    for k, t in state.items():
        if k in top:
            out[top[k]] = t
        elif k.startswith("controlnet_down_blocks."):
            _, i, w = k.split(".")
            out[f"zero_convs.{i}.0.{w}"] = t
        elif k.startswith("controlnet_mid_block."):
            out[f"middle_block_out.0.{k.rsplit('.', 1)[1]}"] = t
        elif k.startswith("controlnet_cond_embedding.blocks."):
            _, _, j, w = k.split(".")
            out[f"input_hint_block.{2 * (int(j) + 1)}.{w}"] = t
    return {f"control_model.{k}": v.contiguous() for k, v in out.items()}


def tiny_controlnet(unet, seed: int = 7):
    import torch
    from diffusers import ControlNetModel
    torch.manual_seed(seed)
    cn = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(16, 32))  # the tiny VAE's 2x
    with torch.no_grad():
        for p in cn.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    return cn.eval()


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("animatediff-controlnet")
    made = files.write(str(root))
    cn = tiny_controlnet(made["parts"]["unet"])
    path = str(root / "control_v11p_sd15_tiny.safetensors")
    save_file(controlnet_original(cn.state_dict()), path)
    return dict(made, controlnet=path, cn=cn)


def _graph(made: dict, **p):
    g = model_graph(made["motion"], "video_models.animatediff_controlnet",
                    dict(PARAMS, controlnet=made["controlnet"], **p), control=(CONTROL, "video"))
    g.nodes["load"].params.update(image_model=made["checkpoint"])
    return g


def test_the_writer_is_the_inverse_of_diffusers_converter(comfy):
    import torch
    from diffusers.loaders.single_file_utils import convert_controlnet_checkpoint
    want = comfy["cn"].state_dict()
    back = convert_controlnet_checkpoint(controlnet_original(want), dict(comfy["cn"].config))
    assert set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
def test_a_controlnet_steers_the_take_as_the_pipeline_called_directly(comfy, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.families.animatediff.parts import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    said = []
    r = Executor().run(_graph(comfy), targets=["gen"], device="cpu", use_cache=False,
                       on_event=lambda e: said.append(str(getattr(e, "text", "") or "")))
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (8, 16, 16) and len(calls) == 1
    assert any("ControlNet control_v11p_sd15_tiny.safetensors" in s for s in said), said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert (kw["controlnet_conditioning_scale"], kw["control_guidance_start"], kw["control_guidance_end"]) == \
        (0.8, 0.0, 0.6)
    assert np.array_equal(np.stack([np.asarray(f, np.float32) / 255.0 for f in kw["conditioning_frames"]]),
                          _control())
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    pipe = diffusers.AnimateDiffControlNetPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=comfy["tokenizer"], unet=p["unet"],
        motion_adapter=p["motion_adapter"], controlnet=comfy["cn"], scheduler=diffusers.DDIMScheduler(**SCHEDULER))
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.std() > 0 and np.array_equal(clip.frames, want)
    plain = orig(pipe, **dict(kw, output_type="np", controlnet_conditioning_scale=0.0),
                 generator=torch.Generator().manual_seed(seed)).frames[0]
    assert not np.array_equal(np.clip(np.asarray(plain, np.float32), 0, 1), want)  # the ControlNet matters


def test_a_missing_wrong_or_mismatched_controlnet_is_refused_naming_the_node(comfy, tmp_path, monkeypatch):
    import diffusers
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file
    calls, _ = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    other = tiny_controlnet(UNet2DConditionModel(**dict(files.UNET_CFG, block_out_channels=(32, 32))))
    odd = str(tmp_path / "sdxl_like_controlnet.safetensors")
    save_file(controlnet_original(other.state_dict()), odd)
    from studio.core.errors import GraphError
    with pytest.raises(GraphError, match="'AnimateDiff ControlNet' \\(gen\\): ControlNet '.*none.safetensors' not found: looked beside the graph"):
        Executor().run(_graph(dict(comfy, controlnet=str(tmp_path / "none.safetensors"))), targets=["gen"],
                       device="cpu", use_cache=False)
    pickled = tmp_path / "control_v11p_sd15_openpose.pth"
    pickled.write_bytes(b"not opened")
    with pytest.raises(StudioError, match="'AnimateDiff ControlNet' \\(gen\\): no ControlNet chosen: set 'controlnet' to an "
                                          "SD 1.5 ControlNet"):  # (said before the run: preflight)
        Executor().run(_graph(dict(comfy, controlnet="")), targets=["gen"], device="cpu", use_cache=False)
    for path, why in (
                      (str(pickled), "'control_v11p_sd15_openpose.pth': a ControlNet is read from a .safetensors file"),
                      (comfy["motion"], "'tiny_mm_v2.safetensors' is not an SD 1.5 ControlNet"),
                      (odd, "the ControlNet does not fit the SD 1.5 checkpoint's UNet it steers")):
        with pytest.raises(StudioError, match=f"AnimateDiff ControlNet: {why}"):
            Executor().run(_graph(dict(comfy, controlnet=path)), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="start 0.7 is not before end 0.6"):
        Executor().run(_graph(comfy, start=0.7), targets=["gen"], device="cpu", use_cache=False)
    assert not calls


def test_the_bare_and_the_diffusers_layouts_read_the_same_weights(comfy, tmp_path):
    """lllyasviel's names without 'control_model.' and diffusers' own names read into the same ControlNet."""
    import torch
    from diffusers import UNetMotionModel
    from safetensors.torch import save_file

    from nodes.video_models.families.animatediff.controlnet import read_controlnet
    p = comfy["parts"]
    unet = UNetMotionModel.from_unet2d(p["unet"], p["motion_adapter"])
    want = comfy["cn"].state_dict()
    for name, sd in (("bare", {k.removeprefix("control_model."): v for k, v in controlnet_original(want).items()}),
                     ("diffusers", {k: v.contiguous() for k, v in want.items()})):
        path = str(tmp_path / f"{name}.safetensors")
        save_file(sd, path)
        got = read_controlnet(path, unet, torch.float32, "T")[0].state_dict()
        assert set(got) == set(want) and all(torch.equal(got[k], want[k]) for k in want), name


def test_a_take_longer_than_its_window_is_denoised_in_context_windows_with_the_controlnet(comfy):
    """'window' 4 of 8 frames (overlap 1): one take, the UNet run window by window with the ControlNet's residuals
    cut to each window's frames; the frames differ from the one-call take."""
    g = _graph(comfy)
    whole = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    g.nodes["gen"].params.update(window=4, overlap=1)
    said = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "text", "") or ""))).value("gen")
    assert clip.n_frames == 8 and np.isfinite(clip.frames).all() and not np.array_equal(clip.frames, whole)
    assert any("context windows of 4 frames overlapping by 1" in s for s in said), said


def test_a_controlnet_named_alone_is_found_in_a_models_folders_controlnet(comfy, tmp_path, monkeypatch):
    """As ComfyUI's ControlNetLoader names it ('control_v11p_sd15_tiny.safetensors'), the file is looked for beside
    the graph and in the models folders' controlnet/, as the other model files are."""
    import os
    import shutil

    from nodes.video_models.families.animatediff.controlnet_node import AnimateDiffControlNet
    from studio.core.models import model_dirs
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))  # (this test's own models folder, first)
    folder = os.path.join(model_dirs()[0], "controlnet")
    assert folder.startswith(str(tmp_path))
    os.makedirs(folder, exist_ok=True)
    want = shutil.copy(comfy["controlnet"], os.path.join(folder, "control_v11p_sd15_tiny.safetensors"))
    assert os.path.samefile(AnimateDiffControlNet._file("control_v11p_sd15_tiny.safetensors", str(tmp_path), ""), want)
    assert AnimateDiffControlNet.preflight({"controlnet": "control_v11p_sd15_tiny.safetensors"}, str(tmp_path)) == []
    assert "not found" in AnimateDiffControlNet.preflight({"controlnet": "other.safetensors"}, str(tmp_path))[0]


def _source(n: int = 8) -> np.ndarray:
    g = np.linspace(0.1, 0.9, 16, dtype=np.float32)
    f = np.zeros((n, 16, 16, 3), np.float32)
    for i in range(n):
        f[i, ..., 0], f[i, ..., 1], f[i, ..., 2] = g[None, :], g[:, None], 0.1 * i / n
    return f


SOURCE = source("test.animatediff_source", "video", "Video",
                lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_source(int(p["n"])), 8.0),
                params=(__import__("studio.core.params", fromlist=["Int"]).Int("n", 8),))


def _restyle(made: dict, n: int = 8, **p):
    g = _graph(made, **p)
    g.add_node(SOURCE, {"n": n}, node_id="video")
    g.connect("video", "video", "gen", "video")
    return g


@pytest.mark.fresh_models
def test_a_source_clip_is_restyled_as_the_video_to_video_controlnet_pipeline_called_directly(comfy, monkeypatch):
    """A source clip on 'video' (animdiff15: ComfyUI's AnimateDiff restyles of a VAEEncode'd clip with a ControlNet on
    the prompts): the frames equal diffusers' AnimateDiffVideoToVideoControlNetPipeline called directly with the
    node's arguments, the source at 'denoise' as its strength; the denoise and the ControlNet both matter."""
    import diffusers
    import torch

    from nodes.video_models.families.animatediff.parts import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffVideoToVideoControlNetPipeline, dict)
    clip = Executor().run(_restyle(comfy, denoise=0.75, steps=4), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (8, 16, 16) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert kw["strength"] == 0.75 and "num_frames" not in kw and len(kw["video"]) == 8
    assert np.abs(np.stack([np.asarray(f, np.float32) / 255.0 for f in kw["video"]]) - _source()).max() < 1 / 255
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    pipe = diffusers.AnimateDiffVideoToVideoControlNetPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=comfy["tokenizer"], unet=p["unet"],
        motion_adapter=p["motion_adapter"], controlnet=comfy["cn"], scheduler=diffusers.DDIMScheduler(**SCHEDULER))

    def direct(**changed):
        out = orig(pipe, **dict(kw, output_type="np", **changed), generator=torch.Generator().manual_seed(seed))
        return np.clip(np.asarray(out.frames[0], np.float32), 0, 1)
    want = direct()
    assert want.std() > 0 and np.array_equal(clip.frames, want)
    assert not np.array_equal(direct(strength=0.5), want)  # the denoise matters
    assert not np.array_equal(direct(controlnet_conditioning_scale=0.0), want)  # the ControlNet matters


def test_a_control_clip_shorter_than_the_restyled_frames_is_refused_naming_the_node(comfy, monkeypatch):
    import diffusers
    calls, _ = spy_call(monkeypatch, diffusers.AnimateDiffVideoToVideoControlNetPipeline, dict)
    with pytest.raises(StudioError, match="AnimateDiff ControlNet: the control clip has 8 frames but the take "
                                          "restyles 12 of the source clip"):
        Executor().run(_restyle(comfy, n=12, frames=0), targets=["gen"], device="cpu", use_cache=False)
    assert not calls


def test_a_restyle_longer_than_its_window_is_denoised_in_context_windows(comfy):
    """'window' 4 of the 8 restyled frames (overlap 1): one take, finite, other than the one-call restyle."""
    whole = Executor().run(_restyle(comfy), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    said = []
    clip = Executor().run(_restyle(comfy, window=4, overlap=1), targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "text", "") or ""))).value("gen")
    assert clip.n_frames == 8 and np.isfinite(clip.frames).all() and not np.array_equal(clip.frames, whole)
    assert any("context windows of 4 frames overlapping by 1" in s for s in said), said
    assert any("restyling the source clip at denoise 0.6" in s for s in said), said
