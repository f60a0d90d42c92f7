"""Kandinsky 6 as a Studio family (issue 72): a diffusers Kandinsky 6 folder loads through Load Video
Model and is listed with its family; Kandinsky 6 Video + Sound makes, frame for frame and sample for
sample, what Kandinsky6TI2VAPipeline called directly makes with the same seed (text to video and image
to video; tiny random models, CPU, fp32), and its sound rides on the clip."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, said, spy_call
from .tiny_kandinsky6 import native_name

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 5.0, "prompt": "a red fox running",
          "negative_prompt": "static cartoon", "previews": False, "preview_size": "off", "seed": 5}
DIRECT = dict(prompt="a red fox running", negative_prompt="static cartoon", height=32, width=32, num_frames=5,
              num_inference_steps=2, guidance_scale=5.0, frame_rate=24.0, max_sequence_length=32, output_type="np")


@pytest.fixture(scope="session")
def k6_dir(tiny):
    return tiny("kandinsky6")


@pytest.fixture(scope="module")
def k6_direct(k6_dir):
    """The tiny folder as diffusers loads it, for the direct calls (loaded once for the module)."""
    from diffusers import Kandinsky6TI2VAPipeline
    pipe = Kandinsky6TI2VAPipeline.from_pretrained(k6_dir)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _still() -> np.ndarray:
    """A 32 x 32 still whose values are whole bytes (so the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.kandinsky6_still", "image", "Image", lambda p: _still())


def _run(model_dir, node="video_models.kandinsky6", image=False, **p):
    g = model_graph(model_dir, node, dict(PARAMS, **p), **({"image": (STILL, "image")} if image else {}))
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False).outputs["gen"]


def test_kandinsky6_folder_loads_and_is_listed_with_its_family(k6_dir):
    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.load import load_video_model
    e = describe_folder(k6_dir)
    assert (e.kind, e.family, e.variant) == ("pipeline", "kandinsky6", "Kandinsky 6 TI2V")
    ref = load_video_model(k6_dir, base=None, device="cpu")
    assert ref.pipeline("t2v") is ref.pipeline("i2v")  # one pipeline, the image optional


@pytest.mark.parametrize("image", [False, True])
def test_video_and_sound_are_the_pipeline_called_directly(k6_dir, k6_direct, monkeypatch, image):
    import torch
    from diffusers import Kandinsky6TI2VAPipeline as K6
    from PIL import Image
    calls, orig = spy_call(monkeypatch, K6, dict)
    out = _run(k6_dir, image=image)
    clip, sound = out["video"], out["audio"]
    assert clip.n_frames == 5 and len(calls) == 1 and clip.audio is sound
    kw = calls[0]
    more = {"image": Image.fromarray(np.round(_still() * 255).astype(np.uint8))} if image else {}
    if image:
        assert np.array_equal(np.asarray(kw["image"]), np.asarray(more["image"]))
    direct = orig(k6_direct, **DIRECT, **more,
                  generator=torch.Generator().manual_seed(kw["generator"].initial_seed()))
    assert np.array_equal(clip.frames, direct.frames[0])
    want = np.clip(direct.audio[0], -1, 1)
    assert sound.rate == 16000 and sound.samples.shape == (want.shape[0], 1)
    assert np.array_equal(sound.samples[:, 0], want) and np.abs(want).max() > 0


def test_sound_off_samples_no_sound_and_input_keeps_the_given_track(k6_dir, monkeypatch):
    from diffusers import Kandinsky6TI2VAPipeline as K6
    calls, _ = spy_call(monkeypatch, K6, dict)
    off = _run(k6_dir, sound="off")
    assert calls[0]["sample_audio"] is False  # one branch of the DiT less, the audio VAE and vocoder not run
    assert off["audio"] is None and off["video"].audio is None and np.isfinite(off["video"].frames).all()


CLIP_IN = source("test.kandinsky6_small_clip", "video", "Video", lambda p: _small_clip())


def _small_clip():
    """Two frames of 16 x 16 (whole bytes) with a second of sound: padded to the K-VAE's 4k + 1 by the node."""
    from studio.core.values import Audio
    from studio.engine.clip import ArrayClip
    frames = (np.random.RandomState(4).randint(0, 256, (2, 16, 16, 3)) / 255.0).astype(np.float32)
    return ArrayClip(frames, 24.0, Audio(np.zeros((2000, 1), np.float32), 16000))


def test_super_resolution_is_the_sr_pipeline_called_directly(tiny, monkeypatch):
    import torch
    from diffusers import Kandinsky6SRPipeline as SR
    sr_dir = tiny("kandinsky6-sr")
    calls, orig = spy_call(monkeypatch, SR, dict)
    g = model_graph(sr_dir, "video_models.kandinsky6_sr", {"scale": "2", "steps": 2, "seed": 3},
                    video=(CLIP_IN, "video"))
    out = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert len(calls) == 1 and kw["video"].shape == (5, 16, 16, 3)  # padded with the last frame
    direct = orig(SR.from_pretrained(sr_dir), video=kw["video"], resolution_scale=2, num_inference_steps=2,
                  lq_noise_scale=0.7, min_overlap=0.2, output_type="np",
                  generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert out.frames.shape == (2, 32, 32, 3) and np.array_equal(out.frames, np.clip(direct[:2], 0, 1))
    assert out.audio is not None and out.audio.rate == 16000  # the clip's sound kept


WIDE_IN = source("test.kandinsky6_wide_clip", "video", "Video", lambda p: _wide_clip())


def _wide_clip():
    """A 40 x 16 clip of 5 frames: three 16 px tiles across at 2 x (the tiny SR DiT's 32 px tile, halved)."""
    from studio.engine.clip import ArrayClip
    return ArrayClip(np.random.RandomState(5).random((5, 16, 40, 3)).astype(np.float32), 24.0)


def test_super_resolution_goes_through_the_sampler_with_previews_and_says_a_stop_keeps_nothing(tiny, tmp_path,
                                                                                                 monkeypatch):
    """The SR call is the one Sampler's (one_call.py): progress over every tile's steps (the tiles counted as the
    pipeline cuts them), a live preview of the tile being refined, and a Stop said, nothing kept (tiles)."""
    from studio.core.errors import Cancelled
    from studio.engine.context import CancelToken
    from studio.engine.events import NodeProgress

    from nodes.video_models.families.kandinsky6.sr_node import tile_count
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))  # the run's estimates and anything kept: its own
    sr_dir = tiny("kandinsky6-sr")
    ev: list = []
    g = model_graph(sr_dir, "video_models.kandinsky6_sr", {"scale": "2", "steps": 2, "seed": 3},
                    video=(WIDE_IN, "video"))
    out = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    steps = [e for e in ev if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total]
    assert out.frames.shape == (5, 32, 80, 3) and steps[-1].total == 3 * 2 and steps[-1].step == 6
    assert sum(e.preview is not None for e in steps) >= 2  # each tile's first step at least
    from diffusers import Kandinsky6SRPipeline
    assert tile_count(Kandinsky6SRPipeline.from_pretrained(sr_dir), 40, 16, 2, 0.2) == 3

    tok, ev = CancelToken(), []
    from tests.video_models.test_every_family_resumes import _stop_after
    with monkeypatch.context() as m:  # Stop pressed as the second tile's first step is made (the step itself, not
        _stop_after(m, tok, 3)  # its event, which is throttled: under load it came after the last step)
        with pytest.raises(Cancelled):
            Executor().run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    assert any(t.startswith("stopped: the steps made are not kept (its call refines 3 tiles, each its own "
                            "denoising loop") for t in said(ev, "gen")), said(ev, "gen")
    # (a kept step resumed with the loops' latents handed back, as Framepack's sections are, was 0.42 off)


def test_its_dit_as_a_single_file_is_told_and_loads_with_a_kandinsky6_base(k6_dir, k6_direct, tmp_path):
    """The DiT in diffusers' names, bare and under ComfyUI's prefix, and in the release's native names as
    ComfyUI saves it: the picker and the loader all call it Kandinsky 6 (not Kandinsky 5, whose DiT shares
    its visual names), and with the folder as base each makes the folder's frames."""
    import torch
    from safetensors.torch import load_file, save_file

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.files.weight_formats import check_single_file
    from nodes.video_models.loading.load import load_video_model
    sd = load_file(os.path.join(k6_dir, "transformer", "diffusion_pytorch_model.safetensors"))
    files = {"bare": str(tmp_path / "kandinsky6_tiny.safetensors"), "comfy": str(tmp_path / "kandinsky6_c.safetensors"),
             "native": str(tmp_path / "kandinsky6_n.safetensors")}
    save_file(sd, files["bare"])
    save_file({"model.diffusion_model." + k: v for k, v in sd.items()}, files["comfy"])
    native = {"model.diffusion_model." + native_name(k): v for k, v in sd.items()}  # as ComfyUI saves it
    assert len(native) == len(sd) and "model.diffusion_model.visual_blocks.0.videoT.feed_forward.in_layer.weight" in native
    save_file(native, files["native"])

    def frames(pipe):
        return pipe(**DIRECT, sample_audio=False, generator=torch.Generator().manual_seed(0)).frames

    want = frames(k6_direct)
    for path in files.values():
        assert describe_file(path).family == "kandinsky6" and check_single_file(path)[0].key == "kandinsky6"
    from nodes.video_models.families.kandinsky6.layouts import convert_transformer
    # ComfyUI's prefix removed from either layout, the native names renamed (kandinsky6/layouts.py): the
    # names alone for the diffusers-named file (it loads as the native one does, less the renaming)
    assert convert_transformer({"model.diffusion_model." + k: v for k, v in sd.items()}) == sd
    ref = load_video_model(files["native"], base=k6_dir, device="cpu")
    assert (ref.fam.key, ref.variant) == ("kandinsky6", "Kandinsky 6 TI2V")
    assert np.array_equal(frames(ref.pipeline("t2v")), want)


def test_the_picture_and_sound_template_renders_on_the_tiny_model(k6_dir, tmp_path, monkeypatch, capfd,
                                                                   render_on_one_thread):
    """kandinsky6_sound_clip as shipped, by `main.py render --preview` on the CPU, its model the tiny one
    under the name it gives (preview size made 32 px and 1 step): every one of its 121 frames, its
    sound written beside them, no warning."""
    from studio import cli
    from studio.engine.media import probe
    from nodes.video_models.sampling import generators
    from tests.tiny_models import NAMES
    name = "kandinskylab/Kandinsky-6.0-Pro-distill-5s-Diffusers"
    assert NAMES[name] == "kandinsky6"  # `python -m tests.tiny_models` writes it
    models = tmp_path / "models"
    (models / name).parent.mkdir(parents=True)
    (models / name).symlink_to(k6_dir, target_is_directory=True)
    for var, value in (("STUDIO_MODELS", models), ("STUDIO_CONFIG_DIR", tmp_path / "config"),
                       ("HF_HUB_CACHE", tmp_path / "no-hf-cache")):
        monkeypatch.setenv(var, str(value))
    monkeypatch.setattr(generators, "PREVIEW_SIDE", 32)
    monkeypatch.setattr(generators, "PREVIEW_STEPS", 1)
    graph = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs", "kandinsky6_sound_clip.json")
    out = tmp_path / "clip.mp4"
    rc = cli.main(["render", graph, "-o", str(out), "--device", "cpu", "--preview"])
    err = capfd.readouterr().err
    assert rc == 0, err
    info = probe(str(out))
    assert info["frames"] == 121 and (info["width"], info["height"]) == (32, 16) and info.get("audio_codec") == "aac"
    assert not [ln for ln in err.replace("\r", "\n").splitlines() if "warning" in ln.lower()]


def test_its_decode_in_time_tiles_is_counted_as_it_runs(k6_dir, monkeypatch):
    """Issue 104's walk: 121 frames decoded for about 50 s behind a full bar, "decoding 121 frames…" said once.
    HunyuanVideo's VAE decodes in overlapping time tiles, one decoder call a tile: 25 frames are 7 latent
    frames, tiles 3 latent frames apart: 3 calls, each said as its share of the clip."""
    from studio.engine.events import NodeNote

    from nodes.video_models.takes import decode_progress
    monkeypatch.setattr(decode_progress, "INTERVAL", 0.0)
    g = model_graph(k6_dir, "video_models.kandinsky6", dict(PARAMS, frames=25, steps=1, sound="off"))
    ev: list = []
    Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    notes = [e.text.split(" · ")[0] for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"
             and e.text.startswith("decoding")]  # (the time left after the frames where the run's estimate says one)
    assert notes[0] == "decoding 25 frames with the VAE…"
    assert notes[1:] == ["decoding 8 / 25 frames", "decoding 16 / 25 frames", "decoding 25 / 25 frames"], notes
