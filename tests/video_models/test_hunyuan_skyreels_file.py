"""SkyReels V1 image to video from one transformer file (issue 112, heldout78 09): a tiny SkyReels V1 transformer
(twice the latent channels in) saved in Tencent's names with ComfyUI's prefix, as kijai's
skyreels_hunyuan_i2v_bf16.safetensors holds them, is told for SkyReels V1 (not HunyuanVideo) and loaded through
Load Video Model over a base folder, SkyReels V1's or HunyuanVideo's (the same Llama, CLIP, VAE and scheduler): Image
to Video makes, frame for frame, what HunyuanSkyreelsImageToVideoPipeline called directly on the SkyReels V1 folder
makes with the same seed (tiny random models, CPU)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.engine.executor import Executor
from studio.core.graph import Graph
from tests.sources import source

from .graphs import spy_call

pytest.importorskip("diffusers")
PREFIX = "model.diffusion_model."  # ComfyUI's diffusion_models files


def _still() -> np.ndarray:
    return (np.random.RandomState(7).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.skyreels_file_still", "image", "Image", lambda p: _still())


def _skyreels_file(folder: str, path: str, dtype=None) -> str:
    """The folder's transformer in Tencent's names (tiny_hunyuan's inverse of diffusers' converter), prefixed."""
    from safetensors.torch import load_file, save_file

    from .tiny_hunyuan import hunyuan_original_names
    state = load_file(os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors"))
    orig = hunyuan_original_names(state)
    save_file({PREFIX + k: (v if dtype is None else v.to(dtype)).contiguous() for k, v in orig.items()}, path)
    return path


def _graph(model: str, base: str, params: dict) -> Graph:
    g = Graph()
    g.add_node("video_models.load", {"model": model, "base": base}, node_id="load")
    g.add_node("video_models.image_to_video", params, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.add_node(STILL, {}, node_id="image")
    g.connect("image", "image", "gen", "image")
    return g


def test_a_skyreels_file_is_told_from_hunyuan_video_by_its_channels(tiny, tmp_path):
    import torch

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.families.hunyuan.recognise import recognise as hunyuan_recognise
    from nodes.video_models.base.recognise import Tensors
    from safetensors import safe_open
    path = _skyreels_file(tiny("hunyuan-skyreels"), str(tmp_path / "skyreels_hunyuan_i2v_bf16.safetensors"),
                          torch.bfloat16)
    e = describe_file(path)
    assert (e.family, e.variant) == ("hunyuan_skyreels", "SkyReels V1 I2V")
    import shutil  # the transformer in diffusers' names (Skywork's own release's) as one file: told the same way
    flat = shutil.copy(os.path.join(tiny("hunyuan-skyreels"), "transformer", "diffusion_pytorch_model.safetensors"),
                       str(tmp_path / "skyreels_v1_i2v_diffusers.safetensors"))
    assert (describe_file(flat).family, describe_file(flat).variant) == ("hunyuan_skyreels", "SkyReels V1 I2V")
    t2v = _skyreels_file(tiny("hunyuan"), str(tmp_path / "hunyuan_video_t2v.safetensors"), torch.bfloat16)
    e = describe_file(t2v)
    assert (e.family, e.variant) == ("hunyuan", "HunyuanVideo")
    with safe_open(t2v, "pt") as f:  # HunyuanVideo's own image to video: the two and a mask (2 x 4 + 1 in)
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    w = shapes[PREFIX + "img_in.proj.weight"]
    shapes[PREFIX + "img_in.proj.weight"] = (w[0], 2 * w[1] + 1, *w[2:])
    assert hunyuan_recognise(Tensors(shapes)).variant == "HunyuanVideo I2V"


@pytest.mark.parametrize("base", ["hunyuan-skyreels", "hunyuan"])
def test_image_to_video_from_the_file_is_the_skyreels_pipeline_called_directly(tiny, tmp_path, monkeypatch, base):
    import torch
    from diffusers import HunyuanSkyreelsImageToVideoPipeline as SR
    from PIL import Image
    folder = tiny("hunyuan-skyreels")
    path = _skyreels_file(folder, str(tmp_path / "skyreels_hunyuan_i2v.safetensors"))
    calls, orig = spy_call(monkeypatch, SR, dict)
    params = {"width": 16, "height": 16, "frames": 5, "steps": 2, "guidance": 1.0, "prompt": "an old man tips his hat",
              "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 14}
    ex = Executor()
    clip = ex.run(_graph(path, tiny(base), params), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 5 and len(calls) == 1
    kw = calls[0]
    assert kw["negative_prompt"] == "static" and kw["guidance_scale"] == 1.0 and "true_cfg_scale" not in kw
    image = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    out = orig(SR.from_pretrained(folder), image=image, prompt="an old man tips his hat", negative_prompt="static",
               height=16, width=16, num_inference_steps=2, num_frames=5, guidance_scale=1.0, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out)


def test_a_skyreels_file_over_another_family_s_base_is_refused(tiny, tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    path = _skyreels_file(tiny("hunyuan-skyreels"), str(tmp_path / "skyreels_hunyuan_i2v.safetensors"))
    with pytest.raises(ModelError, match="is a SkyReels V1 \\(HunyuanVideo\\) file but the base .* is a Mochi"):
        load_video_model(path, base=tiny("mochi"), device="cpu")


def test_an_fp8_file_over_hunyuan_videos_folder_runs_its_weights_as_stored(tiny, tmp_path, monkeypatch):
    """kijai's skyreels_hunyuan_i2v_fp8_e4m3fn: the weights kept in 8 bits and cast up as each layer runs, the same
    take as the pipeline called directly with the transformer's weights rounded to fp8 (and back)."""
    import torch
    from diffusers import HunyuanSkyreelsImageToVideoPipeline as SR
    from PIL import Image
    folder = tiny("hunyuan-skyreels")
    path = _skyreels_file(folder, str(tmp_path / "skyreels_hunyuan_i2v_fp8_e4m3fn.safetensors"), torch.float8_e4m3fn)
    calls, orig = spy_call(monkeypatch, SR, dict)
    params = {"width": 16, "height": 16, "frames": 5, "steps": 2, "guidance": 1.0, "prompt": "a hat tipped",
              "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 3}
    clip = Executor().run(_graph(path, tiny("hunyuan"), params), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    pipe = SR.from_pretrained(folder)
    with torch.no_grad():
        for p in pipe.transformer.parameters():
            p.copy_(p.to(torch.float8_e4m3fn).to(p.dtype))
    image = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    out = orig(pipe, image=image, prompt="a hat tipped", height=16, width=16, num_inference_steps=2, num_frames=5,
               guidance_scale=1.0, output_type="np",
               generator=torch.Generator().manual_seed(calls[0]["generator"].initial_seed())).frames[0]
    assert calls[0]["negative_prompt"] is None  # (no negative: no true CFG)
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out)


def test_a_gguf_file_over_hunyuan_videos_folder_is_the_pipeline_called_directly(tiny, tmp_path, monkeypatch):
    """A GGUF file of it (city96's / kijai's layout: Tencent's names) over HunyuanVideo's folder: diffusers' GGUF loader
    given the folder's transformer config made the file's (its channels in, a temporary folder) and the single blocks
    split by the file's width first; the tiny model's rows are no whole quantisation blocks, so F32 (equal take)."""
    import torch
    from diffusers import HunyuanSkyreelsImageToVideoPipeline as SR
    from PIL import Image
    from safetensors.torch import load_file

    from .tiny_formats import write_gguf
    from .tiny_hunyuan import hunyuan_original_names
    folder = tiny("hunyuan-skyreels")
    weights = os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors")
    state = hunyuan_original_names(load_file(weights))
    path = write_gguf(state, str(tmp_path / "skyreels_hunyuan_i2v-Q8_0.gguf"), "Q8_0")
    calls, orig = spy_call(monkeypatch, SR, dict)
    params = {"width": 16, "height": 16, "frames": 5, "steps": 2, "guidance": 1.0, "prompt": "a hat tipped",
              "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 4}
    clip = Executor().run(_graph(path, tiny("hunyuan"), params), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    image = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    out = orig(SR.from_pretrained(folder), image=image, prompt="a hat tipped", negative_prompt="static", height=16,
               width=16, num_inference_steps=2, num_frames=5, guidance_scale=1.0, output_type="np",
               generator=torch.Generator().manual_seed(calls[0]["generator"].initial_seed())).frames[0]
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out)


def test_a_quantised_single_blocks_rows_split_by_their_width_not_their_bytes():
    """HunyuanVideo's single blocks' fused linear1 in GGUF Q8_0 (34 bytes a block of 32): split at the width its
    quant_shape gives (q, k, v, then the MLP's rows), each part the same rows dequantised."""
    import gguf
    import torch
    from diffusers.quantizers.gguf.utils import GGUFParameter, dequantize_gguf_tensor

    from nodes.video_models.families.hunyuan.layouts import split_single_blocks
    width, mlp = 64, 256
    rows = torch.randn(3 * width + mlp, width).numpy()
    q = torch.from_numpy(gguf.quants.quantize(rows, gguf.GGMLQuantizationType.Q8_0))
    w = GGUFParameter(q, quant_type=gguf.GGMLQuantizationType.Q8_0)
    assert tuple(w.shape) != (3 * width + mlp, width) and tuple(w.quant_shape) == (3 * width + mlp, width)
    out = split_single_blocks({"single_blocks.0.linear1.weight": w})
    whole = dequantize_gguf_tensor(w)
    start = 0
    for part, n in (("attn.to_q", width), ("attn.to_k", width), ("attn.to_v", width), ("proj_mlp", mlp)):
        t = out[f"single_transformer_blocks.0.{part}.weight"]
        assert tuple(t.quant_shape) == (n, width)
        assert torch.equal(dequantize_gguf_tensor(t), whole[start:start + n])
        start += n
