"""A middle picture on Wan image to video with a strength per expert (families/wan/middle_frame.py,
sampling/middle_frame.py), the ComfyUI-Wan22FMLF pack's rule on a tiny random Wan 2.2 A14B I2V (two experts,
boundary 0.9): the picture laid at its latent frame's last pixel frame of the video the VAE encodes; the mask of
that latent frame the high-noise expert's strength in its condition, the low-noise expert's in its own; at a low
strength of 0 the low-noise expert's latent is the video encoded without the picture (the pack's second encode); the
low-noise expert's conditional calls get its condition, its unconditional ones the high-noise one (the pack's
negative); what cannot be done is refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, ramp, render

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

N, SIZE = 17, 32  # 5 latent frames; the pack's middle at ratio 0.5: frame 8, latent frame 2


@pytest.fixture(scope="module")
def i2v22(tiny):
    return tiny("wan22-a14b", i2v=True)


def test_the_packs_frame_and_its_latent_frame():
    from nodes.video_models.families.wan.middle_frame import latent_frame
    from nodes.video_models.sampling.middle_frame import pack_frame
    assert pack_frame(0.5, 81) == 40 and latent_frame(40, 81) == 10  # 78/06's takes: pixel 40, latent frame 10
    assert pack_frame(0.5, N) == 8 and latent_frame(8, N) == 2
    assert pack_frame(0.0, 81) == 4 and pack_frame(1.0, 81) == 76  # kept in 4 .. length - 5
    assert latent_frame(38, 81) == 10 and latent_frame(41, 81) == 11  # Wan's grouping: 37..40 in 10, 41.. in 11


class _Ctx:
    def __init__(self):
        self.said = []

    def info(self, t):
        self.said.append(t)

    warn = info


def _encoded(pipe, video):
    """The pipeline's normalised latent of ``video`` [1, 3, F, H, W] in [-1, 1] (its VAE's mode)."""
    cfg = pipe.vae.config
    mean = torch.tensor(cfg.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(cfg.latents_std).view(1, -1, 1, 1, 1)
    with torch.no_grad():
        z = pipe.vae.encode(video).latent_dist.mode()
    return (z - mean) / std


def _call(pipe, strength_2: float):
    """One call of the pipeline with a first, a middle and a last picture; (the block, what each expert's patch
    embedding got, by expert and call name)."""
    from PIL import Image

    from nodes.video_models.base.hooks import call_name
    from nodes.video_models.families.wan.middle_frame import middle_on
    first, last = ramp(SIZE, SIZE, 0.1), ramp(SIZE, SIZE, 0.9)[::-1].copy()
    middle = ramp(SIZE, SIZE, 0.5)[:, ::-1].copy()
    got = {}
    handles = []
    for name in ("transformer", "transformer_2"):
        mod = getattr(pipe, name)

        def keep(m, args, _name=name, _mod=mod):
            where = None
            try:
                where = _mod._diffusers_hook.get_hook("studio_wan_middle_frame")  # (its call name when hooked)
            except Exception:
                pass
            tag = call_name(where.where) if where is not None else len(got.get(_name, {}))
            got.setdefault(_name, {})[tag] = args[0].detach().clone()
        handles.append(mod.patch_embedding.register_forward_pre_hook(keep))
    block = middle_on(_Ctx(), pipe, middle, 8, 0.8, strength_2)
    try:
        with block:
            pipe(image=Image.fromarray((first * 255).astype(np.uint8)),
                 last_image=Image.fromarray((last * 255).astype(np.uint8)), prompt="a dot", negative_prompt="",
                 height=SIZE, width=SIZE, num_frames=N, num_inference_steps=2, guidance_scale=2.0,
                 guidance_scale_2=2.0, generator=torch.Generator().manual_seed(0), output_type="latent")
    finally:
        for h in handles:
            h.remove()
    return block, got, (first, middle, last)


def _video(pipe, first, middle, last):
    """The grey video the pack encodes ([-1, 1]: 0 is its grey 0.5), its pictures laid."""
    def frame(x):
        img = np.asarray(pipe.video_processor.preprocess(
            __import__("PIL").Image.fromarray((x * 255).astype(np.uint8)), height=SIZE, width=SIZE))
        return torch.from_numpy(img)[:, :, None]
    parts = [frame(first), torch.zeros(1, 3, N - 2, SIZE, SIZE), frame(last)]
    video = torch.cat(parts, dim=2)
    if middle is not None:
        video[:, :, 8] = torch.from_numpy(middle.copy()).permute(2, 0, 1)[None] * 2 - 1
    return video


def test_each_expert_holds_the_middle_picture_with_its_own_strength(i2v22):
    ex = Executor()
    pipe = pipeline_of(ex, _graph(i2v22), "i2v")
    block, got, (first, middle, last) = _call(pipe, 0.0)
    assert block.at == 2
    k = 4  # the mask channels
    high, low = block.high, block.low
    assert torch.all(high[:, :k, 2] == 0.8) and torch.all(low[:, :k, 2] == 0.0)  # the middle's latent frame
    for c in (high, low):  # diffusers' own mask elsewhere: the first frame and the last (pixel) frame given, the rest not
        assert torch.all(c[:, :k, 0] == 1) and torch.all(c[:, 3, 4] == 1) and torch.all(c[:, :3, 4] == 0)
        assert torch.all(c[:, :k, 1] == 0) and torch.all(c[:, :k, 3] == 0)
    with_it = _encoded(pipe, _video(pipe, first, middle, last))
    without = _encoded(pipe, _video(pipe, first, None, last))
    assert torch.allclose(high[:, k:], with_it, atol=1e-6)  # the picture in the high-noise expert's video
    assert torch.allclose(low[:, k:], without, atol=1e-6)  # the low-noise expert's encoded without it (strength 0)
    apart = (with_it[:, :, 2] - without[:, :, 2]).abs().max().item()
    assert apart > 1e-4, apart  # (the tiny random VAE's two encodes differ where the picture is: 6e-4)
    # what each expert was given: the high-noise expert its condition in both calls; the low-noise one its own in
    # its conditional call, the high-noise one in its unconditional call (the pack's negative)
    hi, lo = got["transformer"], got["transformer_2"]
    for x in hi.values():
        assert torch.allclose(x[:, 16:].float(), high.float(), atol=1e-6)
    assert torch.allclose(lo["cond"][:, 16:].float(), low.float(), atol=1e-6)
    assert torch.allclose(lo["uncond"][:, 16:].float(), high.float(), atol=1e-6)
    assert block.given == 1


def test_a_low_strength_above_zero_keeps_the_picture_and_masks_it_so(i2v22):
    ex = Executor()
    pipe = pipeline_of(ex, _graph(i2v22), "i2v")
    block, _, _ = _call(pipe, 0.5)
    assert torch.all(block.low[:, :4, 2] == 0.5) and torch.all(block.high[:, :4, 2] == 0.8)
    assert torch.equal(block.low[:, 4:], block.high[:, 4:])  # the same video, the picture in it


def _graph(model_dir, middle=True, **p):
    still = source("test.mid_still", "image", "Image", lambda q: ramp(SIZE, SIZE, 0.3))
    feeds = {"image": (still, "image")}
    if middle:
        feeds["middle_image"] = (source("test.mid_pic", "image", "Image", lambda q: ramp(SIZE, SIZE, 0.7)), "image")
    return model_graph(model_dir, "video_models.image_to_video", {
        "frames": N, "width": SIZE, "height": SIZE, "steps": 2, "guidance": 1.0, "prompt": "a dot",
        "previews": False, "preview_size": "off", "hold_colour": "off", **p}, **feeds)


def test_image_to_video_takes_it_and_it_changes_the_take(i2v22):
    ex = Executor()
    plain = render(ex, _graph(i2v22, middle=False))[0].frames
    made, said = render(ex, _graph(i2v22, middle_strength=1.0, middle_strength_2=0.0))
    assert made.n_frames == N
    assert any(t.startswith("middle picture at frame 8: held with strength 1.0 for the high-noise expert and 0.0 "
                            "for the low-noise one") for t in said), said
    assert not np.allclose(made.frames, plain, atol=1e-4)
    moved, said = render(ex, _graph(i2v22, middle_frame=6))  # (frame 6 is in latent frame 2: laid at its last, 8)
    assert "middle_frame 6: the picture is laid at frame 8, the last frame of the latent frame holding 6 (as the " \
        "Wan22FMLF pack aligns it)" in said, said
    assert np.allclose(moved.frames, render(ex, _graph(i2v22, middle_frame=8))[0].frames, atol=1e-6)


def test_what_cannot_be_done_is_refused_in_words(i2v22, tiny):
    ex = Executor()
    with pytest.raises(StudioError, match="the middle picture cannot be applied \\(the take of 33 frames is made in "
                                          "windows of 17"):
        ex.run(_graph(i2v22, frames=33, window=17, long_take="continue"), targets=["gen"], device="cpu",
               use_cache=False)
    with pytest.raises(StudioError, match="middle_frame 2 is not between"):
        ex.run(_graph(i2v22, middle_frame=2), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="a middle picture was read for Wan image to video only"):
        ex.run(_graph(tiny("ltx")), targets=["gen"], device="cpu", use_cache=False)
