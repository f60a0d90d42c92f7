"""CogVideoX-Fun InP (VideoX-Fun's inpaint models) in the CogVideoX family: a tiny random InP folder (its
transformer reading 2 * 4 + 1 channels, saved as CogVideoXPipeline as the releases are) is recognised as
CogVideoX Fun InP; the CogVideoX Fun InP node makes text, image (first and last frames) and video to video
through its own pipeline (fun_inp_pipeline.py, after VideoX-Fun's); the start image is what the transformer is
given at latent frame 0, the mask and the clip change the take, the take is the same twice; a plain CogVideoX
folder given the node, and the InP folder given the generic generators, are refused in one sentence each (CPU,
32 x 32, 9 frames, 2 steps)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render

pytest.importorskip("diffusers")

NODE = "video_models.cogvideox_fun_inp"
PARAMS = {"prompt": "a red fox running", "negative_prompt": "static", "steps": 2, "guidance": 6.0, "seed": 5,
          "frames": 9, "width": 32, "height": 32}


def _still(blue: float) -> np.ndarray:
    y, x = np.mgrid[0:32, 0:32].astype(np.float32)
    return np.stack([x / 32, y / 32, 0 * x + blue], -1)


def _clip() -> np.ndarray:
    f = np.zeros((9, 32, 32, 3), np.float32)
    for i in range(9):
        f[i, 8:24, 4 + 3 * i] = 1.0
    return f


START = source("test.fun_inp_start", "image", "Image", lambda p: _still(0.2))
OTHER = source("test.fun_inp_other", "image", "Image", lambda p: _still(0.9))
CLIP = source("test.fun_inp_clip", "video", "Video",
              lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_clip(), 8.0))


@pytest.fixture(scope="module")
def inp_dir(tiny):
    return tiny("cogvideox-fun-inp")


def _make(folder: str, params: dict | None = None, **feeds):
    clip, said = render(Executor(), model_graph(folder, NODE, dict(PARAMS, **(params or {})), **feeds))
    return clip, said


def test_an_inp_folder_is_recognised_and_makes_each_task(inp_dir):
    from nodes.video_models.catalog.listing import describe_folder
    assert describe_folder(inp_dir).variant.startswith("CogVideoX Fun InP")
    t2v, said = _make(inp_dir)
    assert (t2v.n_frames, t2v.width, t2v.height) == (9, 32, 32) and "9 frames at 32x32 from the prompt" in said
    i2v, said = _make(inp_dir, image=(START, "image"))
    assert i2v.frames.shape == (9, 32, 32, 3) and any("from the start image" in s for s in said)
    assert not np.array_equal(i2v.frames, t2v.frames)  # the mask and the image's latents reach the transformer
    again, _ = _make(inp_dir, image=(START, "image"))
    assert np.array_equal(again.frames, i2v.frames)  # the same seed: the same take
    other, _ = _make(inp_dir, image=(OTHER, "image"))
    assert not np.array_equal(other.frames, i2v.frames)
    ends, said = _make(inp_dir, image=(START, "image"), last_image=(OTHER, "image"))
    assert not np.array_equal(ends.frames, i2v.frames) and any("to the last image" in s for s in said)
    v2v, said = _make(inp_dir, {"strength": 0.5}, video=(CLIP, "video"))
    assert v2v.n_frames == 9 and not np.array_equal(v2v.frames, t2v.frames)
    assert any("made again from the clip at strength 0.5" in s for s in said)
    cut, said = _make(inp_dir, {"strength": 0.5, "frames": 8}, video=(CLIP, "video"))
    assert cut.n_frames == 5 and "5 of the clip's 8 frames made again: CogVideoX makes 4k + 1 frames" in said
    full, _ = _make(inp_dir, {"strength": 1.0}, video=(CLIP, "video"))
    assert np.allclose(full.frames, t2v.frames, atol=1e-6)  # strength 1: the clip read only through the mask (all made)


def test_the_start_image_is_the_transformers_latent_frame_0(inp_dir):
    """The condition the transformer reads beside the noise: the mask channel is the VAE's scaling factor where the
    first frame is kept and 0 where frames are made, and the masked video's latents are the VAE's of the start
    image followed by black (-1) frames, as the reference builds the masked video (CogVideoX's VAE normalises over
    time, so frame 0's latent is not the image's encoded alone)."""
    import torch

    from nodes.video_models.families.cogvideox.fun_inp_pipeline import CogVideoXFunInpaintPipeline, pixels
    pipe = CogVideoXFunInpaintPipeline.from_pretrained(inp_dir)
    pipe.transformer.register_to_config(add_noise_in_inpaint_model=False)  # (no noise: the latents compared exactly)
    img = _still(0.2)
    video = np.repeat(img[None], 9, 0)
    mask = np.ones((9, 32, 32), np.float32)
    mask[0] = 0
    cond = pipe.inpaint_latents(video, mask, (1, 3, 4, 4, 4), torch.float32, "cpu", torch.Generator().manual_seed(0),
                                0.0)
    assert tuple(cond.shape) == (1, 3, 5, 4, 4)
    k = pipe.vae.config.scaling_factor
    assert torch.allclose(cond[0, 0, 0], torch.full((4, 4), k)) and torch.all(cond[0, 1:, 0] == 0)
    masked = np.concatenate([img[None], np.zeros((8, 32, 32, 3), np.float32)])  # black: -1 in the VAE's range
    own = pipe.vae.encode(pixels(masked, "cpu", torch.float32)).latent_dist.mode()[0] * k  # [C, f, h, w]
    assert torch.allclose(cond[0, :, 1:], own.permute(1, 0, 2, 3), atol=1e-5)
    moved = pipe.inpaint_latents(np.repeat(_still(0.9)[None], 9, 0), mask, (1, 3, 4, 4, 4), torch.float32, "cpu",
                                 None, 0.0)
    assert (moved[0, 0, 1:] - cond[0, 0, 1:]).abs().mean() > (moved[0, 2, 1:] - cond[0, 2, 1:]).abs().mean()
    every = pipe.inpaint_latents(video, np.ones((9, 32, 32), np.float32), (1, 3, 4, 4, 4), torch.float32, "cpu",
                                 None, 0.0)
    assert not every.any()  # every pixel made (text, video to video): the reference's zeros


def test_a_plain_cogvideox_folder_and_the_generic_generators_are_refused_in_words(inp_dir, tiny):
    plain = tiny("cogvideox")
    with pytest.raises(StudioError, match="CogVideoX Fun InP: the model '.*' is CogVideoX.*, not a CogVideoX-Fun InP "
                                          "model: load VideoX-Fun's CogVideoX-Fun-\\*-InP folder"):
        Executor().run(model_graph(plain, NODE, PARAMS), targets=["gen"], device="cpu", use_cache=False)
    g = model_graph(inp_dir, "video_models.text_to_video", {"prompt": "a fox", "frames": 9, "steps": 1, "width": 32,
                                                            "height": 32})
    with pytest.raises(StudioError, match="is a CogVideoX-Fun InP model: .* text to video does not give it: use the "
                                          "CogVideoX Fun InP node"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="a last image needs a first one"):
        Executor().run(model_graph(inp_dir, NODE, PARAMS, last_image=(OTHER, "image")), targets=["gen"], device="cpu",
                       use_cache=False)
    with pytest.raises(StudioError, match="8 frames: CogVideoX makes 4k \\+ 1 frames; set frames to 5 or 9"):
        Executor().run(model_graph(inp_dir, NODE, dict(PARAMS, frames=8)), targets=["gen"], device="cpu",
                       use_cache=False)


def test_a_videox_fun_lora_goes_on_the_inp_transformer(inp_dir, tmp_path):
    """A LoRA in VideoX-Fun's own layout (kohya's ``lora_unet__`` names, as LoadCogVideoXFunLora's files are) through
    Video LoRA changes the take made by the InP node's pipeline."""
    import torch
    from diffusers import CogVideoXTransformer3DModel
    from safetensors.torch import save_file

    from studio.core.graph import Graph
    t, g, sd = CogVideoXTransformer3DModel.from_pretrained(inp_dir, subfolder="transformer"), \
        torch.Generator().manual_seed(0), {}
    for c in ("to_q", "to_k", "to_v"):
        m = t.get_submodule(f"transformer_blocks.0.attn1.{c}")
        k = f"lora_unet__transformer_blocks_0_attn1_{c}"
        sd[k + ".lora_down.weight"] = torch.randn(2, m.in_features, generator=g)
        sd[k + ".lora_up.weight"] = torch.randn(m.out_features, 2, generator=g)
        sd[k + ".alpha"] = torch.tensor(2.0)
    save_file(sd, str(tmp_path / "fun_lora.safetensors"))
    plain, _ = _make(inp_dir)
    gr = Graph()
    gr.add_node("video_models.load", {"model": inp_dir}, node_id="load")
    gr.add_node("video_models.lora", {"lora": str(tmp_path / "fun_lora.safetensors"), "strength": 1.0}, node_id="lora")
    gr.add_node(NODE, PARAMS, node_id="gen")
    gr.connect("load", "model", "lora", "model")
    gr.connect("lora", "model", "gen", "model")
    lit, _ = render(Executor(), gr)
    assert lit.frames.shape == plain.frames.shape and not np.allclose(lit.frames, plain.frames, atol=1e-4)


def test_videox_fun_lora_names_and_scale():
    """Each ``lora_unet__`` layer is the diffusers layer it names, its update ``alpha / rank * up @ down`` as
    VideoX-Fun's merge_lora adds; a key naming no layer is kept for the check to say."""
    import torch

    from nodes.video_models.families.cogvideox.fun_lora import from_videox_fun
    down, up = torch.randn(4, 8), torch.randn(6, 4)
    out = from_videox_fun({"lora_unet__transformer_blocks_3_attn1_to_out_0.lora_down.weight": down,
                           "lora_unet__transformer_blocks_3_attn1_to_out_0.lora_up.weight": up,
                           "lora_unet__transformer_blocks_3_attn1_to_out_0.alpha": torch.tensor(2.0),
                           "lora_unet__ff_net_0_proj.lora_down.weight": down,
                           "lora_unet__ff_net_0_proj.lora_up.weight": up})
    a = out["transformer.transformer_blocks.3.attn1.to_out.0.lora_A.weight"]
    b = out["transformer.transformer_blocks.3.attn1.to_out.0.lora_B.weight"]
    assert torch.allclose(b @ a, 0.5 * up @ down)
    assert "lora_unet__ff_net_0_proj.lora_down.weight" in out  # (no top-level ff: named no layer, kept)


def test_a_v1_5_transformer_makes_an_even_count_of_latent_frames(tiny):
    """CogVideoX 1.5's transformer (``patch_size_t`` 2) takes latent frames in pairs: 9 frames asked (3 latent
    frames) make 5, said, as VideoX-Fun's pipeline cuts them; fewer than 5 are refused in words."""
    folder = tiny("cogvideox-fun-inp", patch_size_t=2)
    clip, said = _make(folder, image=(START, "image"))
    assert clip.n_frames == 5 and "5 of the 9 frames asked: CogVideoX-Fun 1.5 makes an even count of latent " \
                                  "frames" in " ".join(said)
    with pytest.raises(StudioError, match="1 frames: this model \\(CogVideoX 1.5\\) makes at least 5"):
        Executor().run(model_graph(folder, NODE, dict(PARAMS, frames=1)), targets=["gen"], device="cpu",
                       use_cache=False)
