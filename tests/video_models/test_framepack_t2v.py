"""left25 (heldout114 04): Framepack Long Image to Video with no image makes text to video as FramePack's T2V ComfyUI
nodes do (dorpxam's ComfyUI-FramePack-F1-T2V, after tdrussell's T2V change to kijai's wrapper): every section's first
clean latent (the start's) is zeros and the transformer is given no image tokens; the take equals
HunyuanVideoFramepackPipeline called directly with those two answered in the test itself (tiny random model, CPU),
and differs from the take of a black start picture (what a picture-only reading would make)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 32, "height": 32, "frames": 9, "window": 2, "sections": 1, "steps": 2, "guidance": 6.0,
          "prompt": "a red fox running", "seed": 4, "sampling": "vanilla"}


@pytest.fixture(scope="module")
def fp_direct(tiny):
    from diffusers import HunyuanVideoFramepackPipeline
    pipe = HunyuanVideoFramepackPipeline.from_pretrained(tiny("framepack"))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _seen(pipe, store: list):
    """A forward pre-hook on ``pipe``'s transformer keeping each call's image tokens and start clean latent."""
    def pre(module, args, kwargs):
        store.append((kwargs["image_embeds"].shape[1], kwargs["latents_clean"][:, :, :1].abs().max().item()))
    return pipe.transformer.register_forward_pre_hook(pre, with_kwargs=True)


def test_text_to_video_starts_from_a_zero_latent_with_no_image_tokens(tiny, fp_direct, monkeypatch):
    import torch
    from diffusers import HunyuanVideoFramepackPipeline as FP
    from PIL import Image
    calls, orig = spy_call(monkeypatch, FP, dict)
    clip = Executor().run(model_graph(tiny("framepack"), "video_models.framepack", PARAMS), targets=["gen"],
                          device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert clip.n_frames == 9 and (clip.width, clip.height) == (32, 32)  # (1 section of 2 latent frames + the start's)
    black = Image.new("RGB", (32, 32))
    args = dict(prompt="a red fox running", height=32, width=32, num_frames=5, latent_window_size=2,
                num_inference_steps=2, guidance_scale=6.0, output_type="np", sampling_type="vanilla")
    seen: list = []
    handle = _seen(fp_direct, seen)
    try:
        pictured = orig(fp_direct, image=black, generator=torch.Generator().manual_seed(kw["generator"].initial_seed()),
                        **args).frames[0]
        assert seen and all(n > 0 for n, _ in seen)  # a picture's call: its image tokens
        seen.clear()
        s, cfg = fp_direct.vae_scale_factor_spatial, fp_direct.transformer.config
        monkeypatch.setattr(fp_direct, "prepare_image_latents", lambda image, dtype=None, device=None, generator=None,
                            latents=None: torch.zeros((1, cfg.in_channels, 1, 32 // s, 32 // s), dtype=dtype),
                            raising=False)
        monkeypatch.setattr(fp_direct, "encode_image", lambda image, device=None, dtype=None:
                            torch.zeros((1, 0, cfg.image_proj_dim)), raising=False)
        want = orig(fp_direct, image=black, generator=torch.Generator().manual_seed(kw["generator"].initial_seed()),
                    **args).frames[0]
        assert seen and all(n == 0 and z == 0 for n, z in seen)  # no image tokens, the start latent zeros
    finally:
        handle.remove()
    assert np.array_equal(clip.frames, np.clip(want, 0, 1))
    assert not np.allclose(clip.frames, np.clip(pictured, 0, 1))  # not a black picture's take


def test_a_last_image_without_a_first_is_refused_in_words(tiny):
    from tests.sources import source
    last = source("test.framepack_t2v_last", "image", "Image", lambda p: np.zeros((32, 32, 3), np.float32))
    with pytest.raises(Exception, match="a last image without a first one"):
        Executor().run(model_graph(tiny("framepack"), "video_models.framepack", PARAMS, last_image=(last, "image")),
                       targets=["gen"], device="cpu", use_cache=False)
