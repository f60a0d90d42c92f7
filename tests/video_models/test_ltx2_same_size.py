"""LTX-2 Latent Upscale at 'scale' x1 (task ltxmid21: LTX-2.3's same-size middle pass): no upsampler file, the take's
latents (the VAE's, as LTX2LatentUpsamplePipeline encodes them) sampled again at the take's size from the sigmas
given. Checked on the tiny random LTX-2 built from configs (tests/video_models/tiny_ltx2.py): the size and frame
count are kept, the frames equal diffusers' LTX2Pipeline called by hand with those latents and sigmas (so the sigmas
given are the ones used), other sigmas give other frames, a second run gives the same frames, and a start picture
put in place again equals LTX2ImageToVideoPipeline called with the picture's latent on the first latent frame."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

pytest.importorskip("diffusers")
N_FRAMES = 9  # one window (the VAE's 8k+1)
PROMPT = "a red ball rolls across a table"
SIGMAS = [0.975, 0.725, 0.4219]

CLIP = source("test.ltx2_x1_clip", "video", "Video",
              lambda p: ArrayClip(np.random.default_rng(5).random((N_FRAMES, 64, 64, 3), dtype=np.float32), 12.0))
PICTURE = source("test.ltx2_x1_picture", "image", "Image",
                 lambda p: np.random.default_rng(6).random((48, 80, 3), dtype=np.float32))


@pytest.fixture(scope="session")
def ltx2_real(tiny):  # read only: the session's tiny LTX-2 with LTX-2's own compression
    return tiny("ltx2")


def _graph(model, picture: bool = False, **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node(CLIP, {}, node_id="clip")
    g.add_node("video_models.ltx2_latent_upscale", dict({"scale": "x1", "prompt": PROMPT, "seed": 7,
                                                         "sigmas": "0.975, 0.725, 0.4219, 0.0"}, **p), node_id="up")
    g.connect("load", "model", "up", "model")
    g.connect("clip", "video", "up", "video")
    if picture:
        g.add_node(PICTURE, {}, node_id="pic")
        g.connect("pic", "image", "up", "image")
    return g


def _direct(model_dir, sigmas, picture=None):
    """diffusers called by hand: the frames encoded by the VAE (the latent distribution sampled with seed 0, as
    LTX2LatentUpsamplePipeline does), the scheduler without dynamic shift, noise_scale the first sigma; with a
    picture, its latent (its centre cut square, resized to 64x64, the mode) on the first latent frame and LTX2ImageToVideoPipeline."""
    import cv2
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2ImageToVideoPipeline, LTX2Pipeline
    from diffusers.video_processor import VideoProcessor
    pipe = LTX2Pipeline.from_pretrained(model_dir)
    proc = VideoProcessor(vae_scale_factor=pipe.vae.spatial_compression_ratio)
    frames = np.random.default_rng(5).random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    video = proc.preprocess_video(list(frames), height=64, width=64)
    latents = pipe.vae.encode(video).latent_dist.sample(torch.Generator().manual_seed(0)).float()
    if picture is not None:
        pic = cv2.resize(picture[:, 16:64], (64, 64), interpolation=cv2.INTER_LINEAR)  # (48x80: its centre 48x48)
        latents[:, :, :1] = pipe.vae.encode(proc.preprocess_video([pic], height=64, width=64)).latent_dist.mode()
        pipe = LTX2ImageToVideoPipeline(**pipe.components)
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                 shift_terminal=None)
    video = pipe(latents=latents, prompt=PROMPT, height=64, width=64, num_frames=N_FRAMES, frame_rate=12.0,
                 num_inference_steps=len(sigmas), sigmas=sigmas, noise_scale=sigmas[0], guidance_scale=1.0,
                 audio_guidance_scale=1.0, stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0,
                 audio_modality_scale=1.0, generator=torch.Generator().manual_seed(7), output_type="np",
                 return_dict=False)[0]
    return np.clip(np.asarray(video[0], np.float32), 0, 1)


def test_x1_keeps_the_size_and_frames_and_uses_the_sigmas_given(ltx2_real):
    said = []
    clip = Executor().run(_graph(ltx2_real), targets=["up"], device="cpu",
                          on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (N_FRAMES, 64, 64, 12.0)
    assert np.array_equal(clip.frames, _direct(ltx2_real, SIGMAS))
    assert any("sampled again at the take's size (x1, no upsampler) in 3 steps" in s for s in said)
    other = Executor().run(_graph(ltx2_real, sigmas="0.5, 0.25"), targets=["up"], device="cpu").value("up")
    assert not np.allclose(other.frames, clip.frames)
    again = Executor().run(_graph(ltx2_real), targets=["up"], device="cpu", use_cache=False).value("up")
    assert np.array_equal(again.frames, clip.frames)  # deterministic


def test_x1_needs_no_upsampler_and_puts_the_start_picture_in_place(ltx2_real):
    from nodes.video_models.families.ltx2.upsample import LTX2LatentUpscale
    assert LTX2LatentUpscale.preflight({"scale": "x1", "upsampler": ""}, None) == []
    assert "no latent upsampler chosen" in LTX2LatentUpscale.preflight({"scale": "x2", "upsampler": ""}, None)[0]
    clip = Executor().run(_graph(ltx2_real, picture=True), targets=["up"], device="cpu").value("up")
    picture = np.random.default_rng(6).random((48, 80, 3), dtype=np.float32)
    assert (clip.n_frames, clip.width, clip.height) == (N_FRAMES, 64, 64)
    assert np.array_equal(clip.frames, _direct(ltx2_real, SIGMAS, picture))
    assert not np.allclose(clip.frames, _direct(ltx2_real, SIGMAS))  # (the picture changed the pass)
    said = []
    Executor().run(_graph(ltx2_real, upsampler="up.safetensors", adain=0.5), targets=["up"], device="cpu",
                   on_event=lambda e: said.append(getattr(e, "text", "")))
    assert any("'upsampler', 'adain' not used: at 'scale' x1 nothing is upsampled" in x for x in said)
    with pytest.raises(Exception, match="'scale' is x1 but there is no prompt"):
        Executor().run(_graph(ltx2_real, prompt=""), targets=["up"], device="cpu")
