"""A take's latents handed on (task ltx2x22): LTX-2 Video + Sound gives the latents its frames were decoded from on
'latent', and LTX-2 Latent Upscale samples them again at x1 (or upsamples them at x2) as made, as ComfyUI's later
passes take the take's latent, with no VAE round trip; the x2 refine's start picture put in place at the refine's
size. Checked on the tiny random LTX-2 built from configs (tests/video_models/tiny_ltx2.py), against diffusers'
pipelines called by hand."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

pytest.importorskip("diffusers")
PROMPT = "a red ball rolls across a table"
SIGMAS = [0.975, 0.725, 0.4219]
TAKE = {"prompt": PROMPT, "steps": 2, "width": 64, "height": 64, "frames": 9, "fps": 12.0, "guidance": 1.0,
        "seed": 5, "preview_size": "off"}
OTHER = source("test.ltx2_latent_other_clip", "video", "Video",
               lambda p: ArrayClip(np.random.default_rng(5).random((9, 64, 64, 3), dtype=np.float32), 12.0))
PICTURE = source("test.ltx2_latent_picture", "image", "Image",
                 lambda p: np.random.default_rng(6).random((48, 80, 3), dtype=np.float32))


@pytest.fixture(scope="session")
def ltx2_real(tiny):  # read only: the session's tiny LTX-2 with LTX-2's own compression
    return tiny("ltx2")


@pytest.fixture(scope="module")
def upsampler(tmp_path_factory) -> str:
    """A tiny random LTX-2 latent upsampler (diffusers' folder), as test_ltx2_upsample.py builds it."""
    import torch
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    torch.manual_seed(0)
    model = LTX2LatentUpsamplerModel(in_channels=4, mid_channels=32, num_blocks_per_stage=1, dims=3,
                                     spatial_upsample=True, temporal_upsample=False, use_rational_resampler=False)
    folder = str(tmp_path_factory.mktemp("up") / "latent_upsampler")
    model.save_pretrained(folder, safe_serialization=True)
    return folder


def _graph(model, latent: bool = True, take: dict | None = None, clip=None, picture: bool = False, **p):
    """Load -> LTX-2 Video + Sound ('gen') -> LTX-2 Latent Upscale ('up', x1 unless told), its 'latent' wired from
    the take's where ``latent``; ``clip``: another clip on its 'video'."""
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.ltx2", dict(TAKE, **(take or {})), node_id="gen")
    g.add_node("video_models.ltx2_latent_upscale", dict({"scale": "x1", "prompt": PROMPT, "seed": 7,
                                                         "sigmas": "0.975, 0.725, 0.4219, 0.0"}, **p), node_id="up")
    for k in ("gen", "up"):
        g.connect("load", "model", k, "model")
    if clip is not None:
        g.add_node(clip, {}, node_id="clip")
        g.connect("clip", "video", "up", "video")
    else:  # the take's frames without its sound (the pass holds a clip's sound clean: none here, as by hand)
        g.add_node("edit.replace_audio", {}, node_id="mute")
        g.connect("gen", "video", "mute", "video")
        g.connect("mute", "video", "up", "video")
    if latent:
        g.connect("gen", "latent", "up", "latent")
    if picture:
        g.add_node(PICTURE, {}, node_id="pic")
        g.connect("pic", "image", "up", "image")
    return g


def _pipe(model_dir, cls=None):
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2Pipeline
    pipe = LTX2Pipeline.from_pretrained(model_dir)
    pipe = cls(**pipe.components) if cls is not None else pipe
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                 shift_terminal=None)
    return pipe


def _sampled(pipe, latents, size: int):
    """The refine pass called by hand on ``latents`` (diffusers' two-stage example, the node's arguments)."""
    import torch
    video = pipe(latents=latents, prompt=PROMPT, height=size, width=size, num_frames=9, frame_rate=12.0,
                 num_inference_steps=len(SIGMAS), sigmas=SIGMAS, noise_scale=SIGMAS[0], guidance_scale=1.0,
                 audio_guidance_scale=1.0, stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0,
                 audio_modality_scale=1.0, generator=torch.Generator().manual_seed(7), output_type="np",
                 return_dict=False)[0]
    return np.clip(np.asarray(video[0], np.float32), 0, 1)


def _decoded(pipe, latents) -> np.ndarray:
    """``latents`` (unnormalised) decoded by the VAE as the pipeline decodes its own (no decode noise)."""
    import torch
    with torch.no_grad():
        video = pipe.vae.decode(latents.to(pipe.vae.dtype), None, return_dict=False)[0]
    return np.asarray(pipe.video_processor.postprocess_video(video, output_type="np")[0], np.float32)


def test_x1_samples_the_takes_latents_as_made_with_no_vae_round_trip(ltx2_real):
    said = []
    r = Executor().run(_graph(ltx2_real), targets=["gen", "up"], device="cpu",
                       on_event=lambda e: said.append(getattr(e, "text", "")))
    take, z, clip = r.value("gen", "video"), r.value("gen", "latent"), r.value("up", "video")
    pipe = _pipe(ltx2_real)
    assert tuple(z.shape)[:1] + tuple(z.shape)[2:] == (1, 2, 2, 2) and str(z.dtype) == "torch.float32"
    assert np.allclose(_decoded(pipe, z), take.frames, atol=1e-5)  # the latents the take's frames were decoded from
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (9, 64, 64, 12.0)
    assert np.array_equal(clip.frames, _sampled(pipe, z, 64))  # sampled from those latents, nothing encoded
    assert any("the take's latents on 'latent' sampled again as made (its 9 frames at once; the frames on 'video' "
               "not encoded again)" in s for s in said)
    encoded = Executor().run(_graph(ltx2_real, latent=False), targets=["up"], device="cpu").value("up")
    assert not np.allclose(encoded.frames, clip.frames)  # (the VAE round trip changes the pass)
    again = Executor().run(_graph(ltx2_real), targets=["up"], device="cpu", use_cache=False)
    assert np.array_equal(again.value("up").frames, clip.frames)  # deterministic
    out = again.value("up", "latent")  # the pass's own latents, handed on to a later pass
    assert tuple(out.shape) == tuple(z.shape) and np.allclose(_decoded(pipe, out), clip.frames, atol=1e-5)


def test_latents_of_another_size_are_said_and_the_frames_encoded(ltx2_real):
    said = []
    clip = Executor().run(_graph(ltx2_real, take={"width": 96, "height": 64}, clip=OTHER), targets=["up"],
                          device="cpu", on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
    assert (clip.n_frames, clip.width, clip.height) == (9, 64, 64)
    assert any("'latent' not used: the latents given make 9 frames at 96x64, the clip is 9 frames at 64x64; the "
               "frames on 'video' are encoded again" in s for s in said)
    plain = Executor().run(_graph(ltx2_real, latent=False, clip=OTHER), targets=["up"], device="cpu").value("up")
    assert np.array_equal(clip.frames, plain.frames)
    said.clear()
    Executor().run(_graph(ltx2_real, take={"frames": 17}, window=9), targets=["up"], device="cpu",
                   on_event=lambda e: said.append(getattr(e, "text", "")))
    assert any("'latent' not used: the take's 17 frames are more than 'window' (9), so its frames are encoded again "
               "window by window" in s for s in said)


def test_the_x2_refine_upsamples_the_takes_latents_and_puts_the_picture_in_place_at_its_size(ltx2_real, upsampler):
    import cv2
    import torch
    from diffusers import LTX2ImageToVideoPipeline, LTX2LatentUpsamplePipeline
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    folder = upsampler
    r = Executor().run(_graph(ltx2_real, picture=True, scale="x2", upsampler=folder, refine=True),
                       targets=["gen", "up"], device="cpu")
    z, clip = r.value("gen", "latent"), r.value("up", "video")
    assert (clip.n_frames, clip.width, clip.height) == (9, 128, 128)
    pipe = _pipe(ltx2_real, LTX2ImageToVideoPipeline)
    up = LTX2LatentUpsamplePipeline(vae=pipe.vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(folder))
    big = up(latents=z, generator=torch.Generator().manual_seed(0), output_type="latent", return_dict=False)[0]
    pic = np.random.default_rng(6).random((48, 80, 3), dtype=np.float32)
    pic = cv2.resize(pic[:, 16:64], (128, 128), interpolation=cv2.INTER_LINEAR)  # its centre 48x48 at the refine's size
    big = big.float().clone()
    big[:, :, :1] = pipe.vae.encode(pipe.video_processor.preprocess_video([pic], height=128, width=128)).latent_dist.mode()
    assert np.array_equal(clip.frames, _sampled(pipe, big, 128))
