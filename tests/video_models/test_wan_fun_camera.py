"""Wan Fun Camera (issue 57, families/wan/fun/camera.py): the camera embedding packed as VideoX-Fun's pipeline
packs it, the adapter read from the model's file, and the node's frames equal WanPipeline called directly
with a denoiser that reads the start image's channels and adds the adapter's output to its patch
embedding (computed here apart from the node); Zoom In and Static differ at one seed; refusals."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, ramp, render, spy_call
from .test_wan_fun import read_beside

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="session")
def cam_dir(tiny):  # read only: the session's tiny Wan 2.1 Fun camera model (the camera_move template's too)
    return tiny("wan-fun-camera")


def _start():
    return ramp(32, 32, 0.4)


def _graph(model_dir, preset="Zoom In", path_frames=9, **p):
    return model_graph(model_dir, "video_models.wan_fun_camera", {"steps": 2, "guidance": 1.0, "prompt": "a red fox",
                       "previews": False, "preview_size": "off", "seed": 3, **p},
                       camera=("motion.camera_path", "camera", {"preset": preset, "frames": path_frames}),
                       image=(source("test.cam_start", "image", "Image", lambda q: _start()), "image"))


def _reference_pack(emb):
    """VideoX-Fun@804a425 pipeline_wan_fun_control.py's packing of control_camera_video, step by step."""
    v = emb.permute(3, 0, 1, 2)[None]  # [b, 6, F, H, W]
    v = torch.concat([torch.repeat_interleave(v[:, :, 0:1], repeats=4, dim=2), v[:, :, 1:]], dim=2).transpose(1, 2)
    b, f, c, h, w = v.shape
    v = v.contiguous().view(b, f // 4, 4, c, h, w).transpose(2, 3)
    return v.contiguous().view(b, f // 4, c * 4, h, w).transpose(1, 2)


def test_the_embedding_packs_four_frames_a_latent_frame_as_the_reference_does():
    from nodes.video_models.families.wan.fun import camera
    emb = torch.randn(9, 4, 5, 6)
    packed = camera.pack_camera(emb)
    assert packed.shape == (1, 24, 3, 4, 5)
    assert torch.equal(packed, _reference_pack(emb))
    assert torch.equal(packed[0, 4 * 2 + 3, 0], emb[0, ..., 2])  # the first frame four times in latent frame 0
    assert torch.equal(packed[0, 4 * 5 + 1, 2], emb[6, ..., 5])  # frame 4j + k - 3 at channel 4c + k


def _adapter_add(path, sub="transformer"):
    """The adapter of the tiny model's file as VideoX-Fun's SimpleAdapter computes it, written here."""
    from safetensors.torch import load_file
    import torch.nn.functional as F
    st = {k[len("control_adapter."):]: v for k, v in
          load_file(f"{path}/{sub}/diffusion_pytorch_model.safetensors").items() if k.startswith("control_adapter.")}

    def run(x):  # [1, 24, F, H, W]
        b, c, f, h, w = x.shape
        y = F.pixel_unshuffle(x.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w), 8)
        y = F.conv2d(y, st["conv.weight"], st["conv.bias"], stride=2)
        r = F.conv2d(F.relu(F.conv2d(y, st["residual_blocks.0.conv1.weight"], st["residual_blocks.0.conv1.bias"],
                                     padding=1)), st["residual_blocks.0.conv2.weight"], st["residual_blocks.0.conv2.bias"],
                     padding=1)
        y = y + r
        return y.view(b, f, *y.shape[1:]).permute(0, 2, 1, 3, 4)
    return run


def test_the_node_equals_wan_pipeline_with_the_start_channels_and_the_adapter_on_the_patch_embedding(cam_dir,
                                                                                                      monkeypatch):
    from diffusers import WanPipeline
    from nodes.motion.camera import plucker, preset_path
    from nodes.video_models.families.wan.fun.fun import encode_frames
    from studio.core.values import CameraPath
    ex = Executor()
    g = _graph(cam_dir)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    assert ref.variant == "Wan 2.1 Fun Camera"
    pipe = ref.pipeline("t2v")
    seen, orig_call = spy_call(monkeypatch, WanPipeline)
    made, said = render(ex, g)
    made = made.frames
    assert any("the camera path (Zoom In, speed 1) read by the model's camera adapter" in t for t in said)
    assert any("image tokens are zeros" in t for t in said)  # a folder with no CLIP vision
    kept = ref.shared.own_modules  # the adapter read once, kept with the loaded model, in its dtype
    assert list(kept) == [("camera_adapter", f"{cam_dir}/transformer")]
    assert next(iter(kept.values())).conv.weight.dtype == ref.dtype
    with torch.inference_mode():
        y = torch.zeros(1, 16, 3, 4, 4)
        y[:, :, :1] = encode_frames(pipe, _start()[None])
        cam = _adapter_add(cam_dir)(_reference_pack(plucker(CameraPath(preset_path("Zoom In", 1.0, 9)), 32, 32)))
    tr = pipe.transformer
    put_back = read_beside(monkeypatch, pipe, y)
    handle = tr.patch_embedding.register_forward_hook(lambda m, a, out: out + cam)
    try:
        direct = orig_call(pipe, prompt="a red fox", height=32, width=32, num_frames=9, num_inference_steps=2,
                           guidance_scale=1.0, output_type="pt",
                           generator=torch.Generator().manual_seed(seen[0])).frames[0]
    finally:
        handle.remove()
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    put_back()
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_wan_fun") is None
    assert not tr.patch_embedding._forward_hooks  # the camera's hook removed with the call


def test_zoom_in_and_static_make_different_frames_at_one_seed(cam_dir):
    zoom = Executor().run(_graph(cam_dir, "Zoom In"), targets=["gen"], device="cpu").value("gen").frames
    static = Executor().run(_graph(cam_dir, "Static"), targets=["gen"], device="cpu").value("gen").frames
    assert zoom.shape == static.shape == (9, 32, 32, 3)
    assert np.abs(zoom - static).mean() > 1e-4


def test_a_model_without_the_camera_adapter_and_a_short_path_are_refused_in_words(cam_dir, wan_dir, tmp_path):
    with pytest.raises(NodeExecutionError, match="reads 16 channels, not the 32 of a Wan 2.1 Fun V1.1 camera model .* nor the 36 of a Wan 2.2 Fun camera model"):
        Executor().run(_graph(wan_dir), targets=["gen"], device="cpu")
    with pytest.raises(NodeExecutionError, match="the camera path has 9 frames but 13 are made"):
        Executor().run(_graph(cam_dir, frames=13), targets=["gen"], device="cpu")
    from .tiny_fun import _built
    plain = _built(str(tmp_path / "no-adapter"), 32)
    with pytest.raises(NodeExecutionError, match="has no camera adapter"):
        Executor().run(_graph(plain), targets=["gen"], device="cpu")


def test_comfyuis_camera_file_with_its_clip_vision_makes_the_folders_frames_with_the_start_images_tokens(tmp_path):
    """A Fun camera denoiser as ComfyUI's file (the original names under 'model.diffusion_model.', the
    adapter among them) with its text encoder, VAE and CLIP vision files makes the frames of the same
    model's diffusers folder; the start image's CLIP tokens are read (as WanImageToVideoPipeline reads
    them), not zeros."""
    from PIL import Image

    from nodes.video_models.families.wan.fun.camera import clip_tokens

    from . import tiny_parts as tp
    from .tiny_fun import add_adapter
    folder = tp.build(str(tmp_path / "cam"), i2v=True, in_channels=32)
    files = tp.write_parts(folder, str(tmp_path / "models"), prefix="model.diffusion_model.")
    add_adapter(f"{folder}/transformer/diffusion_pytorch_model.safetensors", 256)
    add_adapter(files["denoiser"], 256, prefix="model.diffusion_model.control_adapter.")

    def frames(**load):
        g = _graph("", path_frames=5, frames=5, width=16, height=16)
        g.nodes["load"].params.update(load)
        out, said = render(Executor(), g, every_node=True)
        return out.frames, " ".join(said)
    one, said = frames(model=files["denoiser"], text_encoder=files["text_encoder"], vae=files["vae"],
                       clip_vision=files["clip_vision"])
    two, _ = frames(model=folder)
    assert "image tokens are zeros" not in said and "read by the model's camera adapter" in said
    assert one.shape == (5, 16, 16, 3) and np.abs(one - two).max() < 1e-4
    ref = Executor().run(_graph(folder), targets=["load"], device="cpu").value("load")
    pipe = ref.pipeline("i2v")
    img = (_start()[:16, :16] * 255).round().astype(np.uint8)
    with torch.inference_mode():
        want = pipe.encode_image(Image.fromarray(img), "cpu")
    got = clip_tokens(ref.module.components, img / 255.0)
    assert got.shape == (1, 50, 32) and torch.allclose(got, want, atol=1e-5) and got.abs().sum() > 0


def test_wan22_fun_camera_is_wan_image_to_video_with_each_experts_own_adapter(tmp_path, monkeypatch):
    """Wan 2.2 Fun A14B camera (VideoX-Fun@804a425 pipeline_wan2_2_fun_control.py with control_camera_video
    and the start image as its inpaint video): the denoisers read Wan's image-to-video condition (mask and
    video latents: WanImageToVideoPipeline's), each expert adds its own adapter's output."""
    from diffusers import WanImageToVideoPipeline
    from nodes.motion.camera import plucker, preset_path
    from nodes.video_models.base.calls import to_pil
    from studio.core.values import CameraPath
    from .tiny_fun import build_wan22_fun_camera
    folder = build_wan22_fun_camera(str(tmp_path / "wan22-cam"))
    ex = Executor()
    g = _graph(folder, "Pan Left", steps=3)
    pipe = pipeline_of(ex, g, "i2v")
    seen, orig_call = spy_call(monkeypatch, WanImageToVideoPipeline)
    made, said = render(ex, g, every_node=True)
    made, said = made.frames, " ".join(said)
    assert "read by the model's camera adapters, the start image as the image-to-video condition" in said
    packed = _reference_pack(plucker(CameraPath(preset_path("Pan Left", 1.0, 9)), 32, 32))
    with torch.inference_mode():
        adds = {sub: _adapter_add(folder, sub)(packed) for sub in ("transformer", "transformer_2")}
    assert not torch.allclose(adds["transformer"], adds["transformer_2"])  # each expert its own
    calls = {"transformer": 0, "transformer_2": 0}

    def hook(sub):
        def add(m, a, out):
            calls[sub] += 1
            return out + adds[sub]
        return add
    handles = [getattr(pipe, sub).patch_embedding.register_forward_hook(hook(sub)) for sub in adds]
    try:
        direct = orig_call(pipe, image=to_pil(_start()), prompt="a red fox", height=32, width=32, num_frames=9,
                           num_inference_steps=3, guidance_scale=1.0, output_type="pt",
                           generator=torch.Generator().manual_seed(seen[0])).frames[0]
    finally:
        for h in handles:
            h.remove()
    assert calls["transformer"] and calls["transformer_2"]  # both experts ran
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)


def test_the_cameras_embedding_is_estimated_before_it_is_made(monkeypatch):
    """Issue 76 item 4: 4096x4096 at 81 frames (62 GB) refused in words, against the host's free memory."""
    from studio.core.errors import StudioError
    from studio.engine import model_cache
    from nodes.video_models.families.wan.fun.camera import camera_room
    monkeypatch.setattr(model_cache, "host_available", lambda: 8 << 30)
    camera_room(81, 832, 480)  # 1.6 GB: fits
    with pytest.raises(StudioError, match=r"Wan Fun Camera: the camera's embedding of 81 frames at 4096x4096 needs "
                                          r"62 GB of memory, 8\.0 GB is free: lower width, height or frames"):
        camera_room(81, 4096, 4096)
