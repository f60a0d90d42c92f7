"""Tiled Diffusion Upscale (nodes/finishing/tiled_diffusion_upscale.py): the plan's tiles cover the frame once in
the order asked; on a tiny SD 1.5 checkpoint (Stability's layout, tests/video_models/tiny_animatediff_files.py, its
weights random, built from configs) the clip comes out at the factor's size, redrawn (not the plain resize), the same
twice for one seed; the order, the seam fix and the frame seed change what it makes; a file that is no upscaler is
refused in words naming the node before the image model's img2img pipeline is made."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.finishing.tiled_diffusion import plan
from nodes.finishing.tiled_diffusion.refine import resized
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

pytest.importorskip("diffusers")


@pytest.mark.parametrize("mode", plan.REDRAW_MODES)
@pytest.mark.parametrize("seam_fix", plan.SEAM_FIXES)
def test_the_tiles_cover_the_frame_once_in_the_order_asked(mode, seam_fix):
    s = plan.Settings(tile_width=64, tile_height=48, padding=16, mode=mode, seam_fix=seam_fix, seam_fix_width=16)
    w, h = 200, 104  # not a whole number of tiles either way
    jobs = list(plan.jobs(w, h, s))
    tiles = [j for j in jobs if j.kind == "tile"]
    assert (len(tiles), len(jobs) - len(tiles)) == plan.count(w, h, s)
    if mode == "None":
        assert tiles == []
    else:
        assert len(tiles) == 4 * 3 and np.array_equal(sum(j.mask for j in tiles), np.ones((h, w), np.float32))
        firsts = [(j.crop[0] // 64, j.crop[1] // 48) for j in tiles]
        corners = [tuple(int(v) for v in np.argwhere(j.mask)[0][::-1] // (64, 48)) for j in tiles]
        assert corners == ([(x, y) for y in range(3) for x in range(4)] if mode == "Linear" else
                           [(x, y) for y in range(3) for x in range(4) if (x + y) % 2 == 0]
                           + [(x, y) for y in range(3) for x in range(4) if (x + y) % 2 == 1]), firsts
    for j in jobs:
        x0, y0, x1, y1 = j.crop
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        assert j.size[0] % 8 == 0 and j.size[1] % 8 == 0
        ys, xs = np.nonzero(j.mask)
        assert xs.min() >= x0 and xs.max() < x1 and ys.min() >= y0 and ys.max() < y1  # the mask inside its crop
    if seam_fix != "None":
        assert all(j.denoise == s.seam_fix_denoise for j in jobs if j.kind != "tile")


def test_the_upscaled_size_is_the_factor_rounded_to_eights():
    from nodes.finishing.tiled_diffusion_upscale import TiledDiffusionUpscale
    assert plan.upscaled_size(40, 32, 2.0) == (80, 64)
    assert plan.upscaled_size(41, 30, 1.5) == (64, 48)
    seen = TiledDiffusionUpscale.foresee({"factor": 1.5}, None, {"video": {"width": 41, "height": 30, "frames": 9}})
    assert seen == {"video": {"frames": 9, "width": 64, "height": 48, "bytes": 64 * 48 * 32}}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tests.video_models import tiny_animatediff_files as files
    return files.write(str(tmp_path_factory.mktemp("usdu-sd15")))


@pytest.fixture(scope="module")
def sd15(tiny):
    from nodes.video_models.loading.load import load_video_model
    return tiny["checkpoint"], load_video_model(tiny["checkpoint"], base=None, device="cpu")


def _clip(n=2, w=48, h=24, same=False):
    rng = np.random.default_rng(3)
    f = rng.random((1 if same else n, h, w, 3), dtype=np.float32)
    return ArrayClip(np.repeat(f, n, 0) if same else f, 12.0)


BASE = dict(factor=2.0, steps=1, guidance=1.0, denoise=0.5, tile_width=64, tile_height=64, padding=16, mask_blur=4,
            prompt="a cat", seed=5)


def _run(ref, clip, **over):
    rec = Recorder()
    out = run_node(_node(), dict(BASE, **over), runtime=rec, video=clip, model=ref)
    return np.asarray(out.chunk(0, len(out))), out, rec


def _node():
    from nodes.finishing.tiled_diffusion_upscale import TiledDiffusionUpscale
    return TiledDiffusionUpscale


def test_the_clip_comes_out_at_the_factor_redrawn_and_the_same_for_one_seed(sd15):
    _, ref = sd15
    clip = _clip()
    a, out, _ = _run(ref, clip)
    assert (len(out), out.width, out.height) == (2, 96, 48) and a.shape == (2, 48, 96, 3)
    plain = np.stack([resized(f, (96, 48)) for f in clip.frames])
    assert np.abs(a - plain).mean() > 1e-3  # the tiles were redrawn
    b, _, _ = _run(ref, clip)
    assert np.array_equal(a, b)
    kept, _, _ = _run(ref, clip, denoise=0.0)  # denoise 0: as upscaled
    assert np.allclose(kept, plain, atol=1e-6)


def test_order_and_seam_fix_change_what_is_made(sd15):
    _, ref = sd15
    clip = _clip(n=1, w=96, h=24)  # 192x48: three tiles in a row
    linear, _, _ = _run(ref, clip, mode="Linear")
    chess, _, _ = _run(ref, clip, mode="Chess")
    assert np.abs(linear - chess).max() > 1e-4  # the middle tile's padding sees its right neighbour redrawn first
    banded, _, _ = _run(ref, clip, mode="Linear", seam_fix="Band Pass", seam_fix_width=16, seam_fix_denoise=0.5)
    assert np.abs(banded - linear).max() > 1e-4
    assert np.array_equal(banded[:, :, :40], linear[:, :, :40])  # nothing changed left of the first band's crop


def test_the_frame_seed_is_the_seeds_draw_per_frame_or_the_same(sd15):
    _, ref = sd15
    clip = _clip(n=2, w=32, h=24, same=True)  # two identical frames, one tile each
    per_frame, _, rec = _run(ref, clip)
    assert not np.array_equal(per_frame[0], per_frame[1])  # per frame: each frame its own noise
    assert any("2 frame(s) 32x24 -> 64x48 by Lanczos; 1 tile(s) of 64x64 redrawn a frame (Linear) by the Stable "
               "Diffusion 1.5 "
               "model's img2img (StableDiffusionImg2ImgPipeline)" in m and "seed per frame" in m
               for m in rec.messages("info")), rec.messages()
    same, _, _ = _run(ref, clip, frame_seed="same")
    assert np.array_equal(same[0], same[1]) and np.array_equal(same[0], per_frame[0])


def test_a_file_that_is_no_upscaler_is_refused_before_the_img2img_pipeline_is_made(sd15, monkeypatch):
    """The tiny SD 1.5 checkpoint set as the upscaler: refused from its header (its weights never read: the
    upscaler's reader not called) and before the img2img pipeline is made."""
    from nodes.finishing import upscaler_files
    from nodes.finishing.tiled_diffusion_upscale import TiledUpscaleError
    ckpt, ref = sd15
    reads = []
    real = upscaler_files.read_state_dict
    monkeypatch.setattr(upscaler_files, "read_state_dict", lambda *a, **k: reads.append(a) or real(*a, **k))
    ref.shared.pipes.pop("img2img", None)
    with pytest.raises(TiledUpscaleError, match=r"^Tiled Diffusion Upscale: upscaler '.*tiny_sd15.safetensors' is "
                                                r"Stable Diffusion 1.5 all-in-one checkpoint .* not an upscaler"):
        _run(ref, _clip(), upscaler=ckpt)
    assert "img2img" not in ref.shared.pipes and reads == []
    assert "not an upscaler" in _node().preflight({"upscaler": ckpt}, None)[0]
    assert _node().preflight({"upscaler": ckpt + ".missing"}, None)[0].startswith("Tiled Diffusion Upscale: ")
    assert _node().preflight({"upscaler": ""}, None) == []


def test_an_upscaler_runs_once_then_lanczos_to_the_factor(sd15, tmp_path):
    """A tiny x2 ESRGAN (spandrel's class, random weights) at factor 3: the frame through it once, then Lanczos to
    three times the size (denoise 0: nothing redrawn, so exactly that)."""
    import torch
    from safetensors.torch import save_file

    from nodes.finishing.upscaler_files import import_spandrel
    import_spandrel()
    from spandrel.architectures.ESRGAN import ESRGAN
    torch.manual_seed(0)
    net = ESRGAN(in_nc=3, out_nc=3, num_filters=8, num_blocks=1, scale=2).eval()
    path = str(tmp_path / "tiny_x2.safetensors")
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, path)
    _, ref = sd15
    clip = _clip(n=1, w=32, h=24)
    made, out, rec = _run(ref, clip, upscaler=path, factor=3.0, denoise=0.0)
    with torch.inference_mode():
        x = torch.from_numpy(np.array(clip.frames[:1])).permute(0, 3, 1, 2)
        x2 = net(x).clamp(0, 1)[0].permute(1, 2, 0).numpy()
    assert (out.width, out.height) == (96, 72)
    assert np.allclose(made[0], resized(x2, (96, 72)), atol=1e-4)
    assert any("by 'tiny_x2.safetensors' (ESRGAN x2) then Lanczos" in m for m in rec.messages("info"))


def test_a_model_that_is_no_image_model_is_refused_in_words(tiny):
    """The tiny AnimateDiff (its motion module on the SD 1.5 checkpoint): a video model, refused naming the node and
    what to load, before any img2img pipeline is made of it."""
    from nodes.finishing.tiled_diffusion_upscale import TiledUpscaleError
    from nodes.video_models.loading.load import load_video_model
    ref = load_video_model(tiny["motion"], base=None, device="cpu", parts={"image_model": tiny["checkpoint"]})
    with pytest.raises(TiledUpscaleError, match=r"^Tiled Diffusion Upscale: the model '.*tiny_mm_v2.safetensors' is "
                                                r".*, not an image model .* load an SD 1.5 or SDXL checkpoint"):
        _run(ref, _clip())
    assert "img2img" not in ref.shared.pipes


def test_an_embedding_the_prompt_names_is_loaded_on_the_image_model_and_changes_the_tiles(sd15, tmp_path,
                                                                                          monkeypatch):
    """ComfyUI's 'embedding:NAME' (loading/embeddings.py): a textual inversion in a models folder's embeddings/ loaded
    on SD 1.5's text encoder for the tiles' img2img; a pickled one refused before any tile is drawn."""
    import torch
    from safetensors.torch import save_file

    from nodes.video_models.base.errors import ModelError
    _, ref = sd15
    (tmp_path / "embeddings").mkdir()
    width = ref.module.text_encoder.config.hidden_size
    g = torch.Generator().manual_seed(1)
    for name in ("style", "other"):
        save_file({"emb_params": torch.randn(2, width, generator=g) * 3},
                  str(tmp_path / "embeddings" / f"{name}.safetensors"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path))
    clip = _clip()
    a, _, rec = _run(ref, clip, prompt="a cat, embedding:style")
    b, _, _ = _run(ref, clip, prompt="a cat, embedding:style")
    c, _, _ = _run(ref, clip, prompt="a cat, embedding:other")
    assert any("embedding 'style' loaded from" in m for m in rec.messages()), rec.messages()
    assert np.array_equal(a, b) and np.abs(a - c).mean() > 1e-4
    (tmp_path / "embeddings" / "old.pt").write_bytes(b"never read")
    with pytest.raises(ModelError, match=r"^Tiled Diffusion Upscale: the prompt's 'embedding:old' is .*old\.pt', a "
                                         r"pickled \.pt file, which Studio never unpickles"):
        _run(ref, clip, prompt="a cat, embedding:old")
