"""A take made with context windows is decoded in time tiles (issue 47's memory aim): the latent stays on the
device and its frames reach the host a tile at a time; the frames are those of the whole decode exactly."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import spy_call, windowed

pytest.importorskip("diffusers")


def _whole(pipe, latents):
    """The pipeline's own decode of a latent (WanPipeline's, after its last step): [T, H, W, C]."""
    import torch
    vae = pipe.vae
    c = vae.config.z_dim
    mean = torch.tensor(vae.config.latents_mean).view(1, c, 1, 1, 1)
    std = 1.0 / torch.tensor(vae.config.latents_std).view(1, c, 1, 1, 1)
    with torch.inference_mode():
        video = vae.decode(latents / std + mean, return_dict=False)[0]
        return pipe.video_processor.postprocess_video(video, output_type="pt")[0].permute(0, 2, 3, 1).numpy()


@pytest.mark.parametrize("tile", [1, 2, 3])
def test_a_latent_decoded_in_time_tiles_gives_the_frames_of_the_whole_decode(wan_dir, tile):
    import torch
    from diffusers import WanPipeline

    from nodes.video_models.takes.time_tiles import can_tile, decode_take
    pipe = WanPipeline.from_pretrained(wan_dir)
    latents = torch.randn(1, 16, 7, 4, 4, generator=torch.Generator().manual_seed(1))
    assert can_tile(pipe)
    tiled = decode_take(None, pipe, latents, tile=tile)
    whole = _whole(pipe, latents)
    assert tiled.shape == whole.shape == (25, 32, 32, 3)
    assert np.array_equal(tiled, whole)
    pipe.vae.enable_tiling()
    assert not can_tile(pipe)  # a spatially tiled decode caches per tile: the pipeline's own decode then


def test_a_context_window_take_is_sampled_for_its_latent_and_decoded_here(wan_dir, monkeypatch):
    """The pipeline is called once, for its latent (nothing decoded inside it); the clip's frames are the
    whole decode of that latent."""
    from diffusers import WanPipeline
    seen = []
    orig = WanPipeline.__call__

    @functools.wraps(orig)
    def spy(this, *a, **k):
        out = orig(this, *a, **k)
        seen.append((k, out.frames, this))
        return out
    monkeypatch.setattr(WanPipeline, "__call__", spy)
    g = windowed(wan_dir, "context windows", 17, 9, 4)
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(seen) == 1 and seen[0][0]["output_type"] == "latent" and seen[0][1].shape[2] == 5
    assert clip.n_frames == 17 and np.array_equal(clip.frames, _whole(seen[0][2], seen[0][1]))


def _ltx_call(**kw):
    import torch
    return dict(prompt="a red ball", num_frames=21, height=32, width=32, num_inference_steps=1, guidance_scale=1.0,
                generator=torch.Generator().manual_seed(3), **kw)


def test_an_ltx_latent_decoded_in_time_tiles_gives_the_pipelines_frames_with_its_own_time_tiling(ltx_dir):
    """LTXPipeline's latent, unpacked and denormalised as the pipeline does, decoded a tile at a time: the
    frames of the same call decoded by the pipeline with the VAE's framewise decoding on; no decoder call sees
    more than a tile."""
    import torch
    from diffusers import LTXPipeline

    from nodes.video_models.takes.time_tiles import can_tile, decode_take
    pipe = LTXPipeline.from_pretrained(ltx_dir)
    t = pipe.vae_temporal_compression_ratio
    pipe.vae.tile_sample_min_num_frames, pipe.vae.tile_sample_stride_num_frames = 2 * t, t
    assert can_tile(pipe)
    call = _ltx_call(output_type="latent")
    latents = pipe(**call).frames
    seen = []
    hook = pipe.vae.decoder.register_forward_pre_hook(lambda m, a: seen.append(a[0].shape[2]))
    tiled = decode_take(None, pipe, latents, call)
    hook.remove()
    pipe.vae.use_framewise_decoding = True
    own = pipe(**_ltx_call(output_type="pt")).frames[0].permute(0, 2, 3, 1).numpy()
    assert tiled.shape == own.shape == (21, 32, 32, 3)
    assert np.array_equal(tiled, own)
    assert seen and max(seen) <= 3 < latents.shape[1] // 64  # 6 latent frames of 8x8 tokens, 3 a call at most


def test_an_ltx_context_window_take_is_decoded_in_time_tiles(ltx_dir, monkeypatch):
    from diffusers import LTXPipeline
    seen, orig = spy_call(monkeypatch, LTXPipeline, lambda k: k["output_type"])
    g = windowed(ltx_dir, "context windows", 41, 17, 8, size=32)
    res = Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    clip = res.value("gen")
    assert seen == ["latent"] and clip.n_frames == 41
    assert np.isfinite(clip.frames).all() and 0 <= clip.frames.min() and clip.frames.max() <= 1


class _MostFrames:
    """The most frames of ``side`` x ``side`` pixels in any tensor an op makes inside the block (a torch dispatch
    mode: every op of the pipeline and the VAE; [B, C, T, H, W], [T, C, H, W] and [T, H, W, C] are read; tensors on
    the meta device, which hold no memory, are not)."""

    def __init__(self, side: int):
        self.side, self.most = side, 0

    def frames(self, t) -> int:
        if t.is_meta:  # no memory: a first run's decode is counted on a meta copy of the VAE (estimates/decode_cost.py)
            return 0
        sh = tuple(t.shape)
        if t.ndim == 5 and sh[-2:] == (self.side, self.side):
            return sh[2]
        if t.ndim == 4 and (sh[-2:] == (self.side, self.side) or sh[1:3] == (self.side, self.side)):
            return sh[0]
        return 0

    def __enter__(self):
        import torch
        from torch.utils._python_dispatch import TorchDispatchMode
        from torch.utils._pytree import tree_leaves
        spy = self

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                spy.most = max([spy.most] + [spy.frames(t) for t in tree_leaves(out) if isinstance(t, torch.Tensor)])
                return out
        self.mode = Mode()
        self.mode.__enter__()
        return self

    def __exit__(self, *exc):
        return self.mode.__exit__(*exc)


def test_no_tensor_of_the_whole_take_is_made_when_it_is_decoded_in_time_tiles(wan_dir, monkeypatch):
    """No tensor any op makes while a 49-frame context-window take is sampled and decoded in time tiles holds more
    than a tile's frames (16); the pipeline's own decode makes one of the whole clip (the spy catches it)."""
    from nodes.video_models.takes import time_tiles
    g = windowed(wan_dir, "context windows", 49, 17, 4)
    ex = Executor()
    ex.run(g, targets=["load"], device="cpu")
    with _MostFrames(16) as tiled:
        clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    monkeypatch.setattr(time_tiles, "can_tile", lambda pipe: False)
    with _MostFrames(16) as whole:
        again = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 49 and np.array_equal(clip.frames, again.frames)
    assert 0 < tiled.most <= 4 * time_tiles.TILE < 49 <= whole.most
