"""LTX-2 Latent Upscale (issue 59 item 4): a clip made twice as large through diffusers'
LTX2LatentUpsamplePipeline with the LTX-2 model's VAE and a latent upsampler from the models folder
(a diffusers folder, or the released single file whose config is in its metadata). Frames equal the
pipeline called directly; a long clip goes in windows (the last padded to the VAE's 8k+1 and cut
back); bad upsamplers and sizes are refused in words. Tiny random LTX-2 with LTX-2's real
compression (tests/video_models/tiny_ltx2.py) and a tiny upsampler built from its config."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.core.spec import SOURCE, Node, Out
from studio.core.registry import default_registry
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor

pytest.importorskip("diffusers")
N_FRAMES = 12  # two windows of 9: 9 frames, then 3 padded to 9 and cut back


class _Clip(Node):
    id = "test.ltx2_up_clip"
    timing = SOURCE
    outputs = (Out("video", "Video"),)

    def run(self, ctx):
        rng = np.random.default_rng(3)
        return ArrayClip(rng.random((N_FRAMES, 64, 64, 3), dtype=np.float32), 12.0)


if _Clip.id not in default_registry():
    default_registry().register(_Clip)


@pytest.fixture(scope="module")
def ltx2_real(tmp_path_factory):
    from .tiny_ltx2 import build_ltx2
    return build_ltx2(str(tmp_path_factory.mktemp("ltx2") / "ltx2"), real_compression=True)


@pytest.fixture(scope="module")
def upsampler(ltx2_real, tmp_path_factory):
    """(the diffusers folder, the released single file with its config in the metadata)."""
    import torch
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("up")
    torch.manual_seed(0)
    cfg = {"in_channels": 4, "mid_channels": 32, "num_blocks_per_stage": 1, "dims": 3, "spatial_upsample": True,
           "temporal_upsample": False}
    model = LTX2LatentUpsamplerModel(**cfg, use_rational_resampler=False)
    folder = str(root / "latent_upsampler")
    model.save_pretrained(folder, safe_serialization=True)
    single = str(root / "latent_upscale_models" / "ltx-2-spatial-upscaler-x2-tiny.safetensors")
    os.makedirs(os.path.dirname(single))
    released = dict(cfg, _class_name="LatentUpsampler", spatial_scale=2.0, rational_resampler=False)
    save_file(model.state_dict(), single, metadata={"config": json.dumps(released)})
    return folder, single


def _graph(model, upsampler, **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("test.ltx2_up_clip", {}, node_id="clip")
    g.add_node("video_models.ltx2_latent_upscale", dict({"upsampler": upsampler, "window": 9}, **p), node_id="up")
    g.connect("load", "model", "up", "model")
    g.connect("clip", "video", "up", "video")
    return g


def _direct(model_dir, upsampler_dir, frames):
    import torch
    from diffusers import LTX2LatentUpsamplePipeline, LTX2Pipeline
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    vae = LTX2Pipeline.from_pretrained(model_dir).vae
    pipe = LTX2LatentUpsamplePipeline(vae=vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(upsampler_dir))
    return np.asarray(pipe(video=list(frames), height=64, width=64, generator=torch.Generator().manual_seed(0),
                           output_type="np", return_dict=False)[0][0], np.float32)


def test_frames_equal_the_pipeline_called_directly_window_by_window(ltx2_real, upsampler):
    folder, single = upsampler
    said = []
    clip = Executor().run(_graph(ltx2_real, folder), targets=["up"], device="cpu",
                          on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (N_FRAMES, 128, 128, 12.0)
    src = np.random.default_rng(3).random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    first = _direct(ltx2_real, folder, src[:9])
    last = _direct(ltx2_real, folder, np.concatenate([src[9:], np.repeat(src[-1:], 6, 0)]))[:3]
    assert np.array_equal(clip.frames, np.clip(np.concatenate([first, last]), 0, 1))
    assert any("12 frames in 2 windows of up to 9" in s for s in said)
    # the released single file (config in its metadata) is the same upsampler
    again = Executor().run(_graph(ltx2_real, single), targets=["up"], device="cpu").value("up")
    assert np.array_equal(again.frames, clip.frames)


def test_found_by_name_in_latent_upscale_models(ltx2_real, upsampler, monkeypatch):
    _folder, single = upsampler
    monkeypatch.setenv("STUDIO_MODELS", os.path.dirname(os.path.dirname(single)))
    from nodes.video_models.families.ltx2.upsample import find_upsampler
    assert find_upsampler(os.path.basename(single)) == single
    # a name never leaves the models folder it is looked up in (studio.core.models.resolve's check)
    root = os.path.dirname(os.path.dirname(single))
    outside = os.path.join(os.path.dirname(root), "outside.safetensors")
    open(outside, "wb").close()
    inner, name = os.path.join(root, "inner"), "../../../outside.safetensors"
    os.makedirs(os.path.join(inner, "latent_upscale_models"), exist_ok=True)
    assert os.path.exists(os.path.join(inner, "latent_upscale_models", name))  # there, but outside 'inner'
    with pytest.raises(Exception, match="not found"):
        find_upsampler(name, dirs=[inner])


def test_bad_upsamplers_sizes_and_models_are_refused_in_words(ltx2_real, upsampler, wan_dir, tmp_path):
    import torch
    from safetensors.torch import save_file

    from nodes.video_models.families.ltx2.upsample import windows
    folder, single = upsampler

    def error(g):
        with pytest.raises(Exception) as e:
            Executor().run(g, targets=["up"], device="cpu")
        return str(e.value)
    bare = str(tmp_path / "bare.safetensors")
    save_file({"x": torch.zeros(2)}, bare)
    assert "carries no configuration in its metadata" in error(_graph(ltx2_real, bare))
    other = str(tmp_path / "other.safetensors")
    save_file({"initial_conv.weight": torch.zeros(3)}, other, metadata={"config": json.dumps({"in_channels": 4,
                                                                                                 "mid_channels": 32})})
    assert "could not be loaded" in error(_graph(ltx2_real, other)) or "does not match" in error(_graph(ltx2_real, other))
    assert "not found" in error(_graph(ltx2_real, "nowhere.safetensors"))
    assert "LTX-2 Latent Upscale needs an LTX-2 model" in error(_graph(wan_dir, folder))
    assert windows(12, 9, 8) == [(0, 9, 9), (9, 3, 9)] and windows(17, 121, 8) == [(0, 17, 17)]
