"""Wan S2V and SCAIL-2 through the one Sampler (issue 98): their own pipelines make the take window by window in
one call the Sampler makes, so they get what every family gets: live step previews, and after a Stop the
finished windows and the last finished step kept, a re-run resuming there ("resumed from step N") with the
frames an uninterrupted run makes, the windows before it not sampled again."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from studio.core.errors import Cancelled
from studio.engine.events import NodeProgress
from tests.node_run import Recorder, run_node

from .test_wan_s2v import _image, _speech
from .test_wan_scail2 import _clip, _mask
from .tiny_wan_s2v import build_wan_s2v
from .tiny_wan_scail import build_wan_scail

CPU = torch.device("cpu")


def _s2v(tmp):
    from nodes.video_models.families.wan_s2v.node import SpeechToVideo
    from nodes.video_models.loading.load import load_video_model
    f = build_wan_s2v(tmp)
    model = load_video_model(f["denoiser"], base=None, device=CPU, dtype_name="fp32",
                             parts={"text_encoder": f["text_encoder"], "vae": f["vae"]})
    model.module.transformer.register_to_config(motion_frames=5)  # 5 motion frames, not 73: the CPU test stays short
    # two windows: the first gives 4 - 3 = 1 frame, the second 4; 2 steps each
    params = {"prompt": "a red fox", "frames": 5, "window": 4, "steps": 2, "guidance": 1.0, "width": 64,
              "height": 64, "seed": 3}
    return SpeechToVideo, model, params, dict(image=_image(), speech=_speech(frames=12))


def _scail(tmp):
    from nodes.video_models.families.wan_scail.node import SCAIL2Character
    from nodes.video_models.loading.load import load_video_model
    f = build_wan_scail(tmp)
    model = load_video_model(f["denoiser"], base=None, device=CPU, dtype_name="fp32",
                             parts={"text_encoder": f["text_encoder"], "vae": f["vae"],
                                    "image_encoder": f["clip_vision"]})
    ref = np.random.default_rng(5).random((32, 32, 3), dtype=np.float32)
    # two segments of 9 frames, the second carrying the first's last 5; 2 steps each
    params = {"prompt": "a red fox", "frames": 13, "window": 9, "overlap": 5, "steps": 2, "guidance": 1.0,
              "width": 32, "height": 32, "seed": 3, "mode": "replace"}
    return SCAIL2Character, model, params, dict(reference=ref, driving=_clip(h=32, w=32),
                                                driving_mask=_mask(h=32, w=32))


FAMILIES = {"wan_s2v": _s2v, "wan_scail": _scail}


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    """key -> (node, model, params, inputs) of that family, its tiny model built once."""
    got = {}

    def get(key: str):
        if key not in got:
            got[key] = FAMILIES[key](str(tmp_path_factory.mktemp(key)))
        return got[key]
    return get


class Calls:
    """The denoiser's calls counted (a hook on it); with ``stop_at``, Stop pressed as the n-th call begins."""

    def __init__(self, model, stop_at: int = 0):
        self.n, self.stop_at, self.runtime = 0, stop_at, Recorder()
        self.handle = model.module.transformer.register_forward_pre_hook(self._called)

    def _called(self, *_):
        self.n += 1
        if self.n == self.stop_at:
            self.runtime.cancel.cancel()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.remove()


def stopped(node, model, params, inputs, at: int) -> Recorder:
    """A run of the node stopped as the denoiser's ``at``-th call begins: what it said."""
    with Calls(model, stop_at=at) as c, pytest.raises(Cancelled):
        run_node(node, params, runtime=c.runtime, model=model, **inputs)
    return c.runtime


def made(node, model, params, inputs) -> tuple[np.ndarray, Recorder, int]:
    """(the frames of a run of the node, what it said, the denoiser's calls it made)."""
    with Calls(model) as c:
        frames = np.array(run_node(node, params, runtime=c.runtime, model=model, **inputs)["video"].frames)
    return frames, c.runtime, c.n


@pytest.mark.parametrize("key", list(FAMILIES))
def test_a_windowed_take_previews_and_resumes_in_its_second_window(key, family, tmp_path, monkeypatch):
    from nodes.video_models.resume import kept_steps, kept_windows
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    node, model, params, inputs = family(key)
    whole, rec, calls = made(node, model, params, inputs)
    assert calls == 4  # 2 windows of 2 steps, one denoiser call a step (guidance 1)
    previews = [e.preview for e in rec.events if getattr(e, "preview", None) is not None]
    assert previews and all(p.ndim == 3 and p.shape[2] == 3 for p in previews)  # live step previews
    prog = [e for e in rec.events if isinstance(e, NodeProgress) and e.total == 4]
    assert prog and prog[-1].step == 4  # progress over every window's steps
    # window 1's two steps and window 2's first made: Stop pressed in window 2's second
    stop = stopped(node, model, params, inputs, at=4)
    assert len(os.listdir(kept_steps.folder())) == 1 and len(os.listdir(kept_windows.folder())) == 1
    assert any(t.startswith("stopped: the take's first 3 steps are kept") for t in stop.messages())
    resumed, again, calls = made(node, model, params, inputs)
    said = again.messages()
    assert any(t.startswith("resumed from step 4") for t in said), said
    prog = [e.step for e in again.events if isinstance(e, NodeProgress) and e.total == 4]
    assert prog and min(prog) >= 3 and prog[-1] == 4  # window 1's steps counted made, not counted again from 0
    assert any("1 window of 2 came from an earlier run" in t for t in said), said
    assert calls <= 2  # window 1 loaded, not sampled; window 2's last step (and the call that learns its shape)
    assert resumed.shape == whole.shape and np.abs(resumed - whole).max() <= 1 / 255
    assert os.listdir(kept_steps.folder()) == [] and os.listdir(kept_windows.folder()) == []


def test_a_kept_step_of_a_window_whose_windows_before_are_gone_is_not_used(family, tmp_path, monkeypatch):
    """The kept windows were removed (pruned) but the kept step of window 2 is there: it is not put into window 1
    (that would make the wrong take); it is said, removed, and the take made from its first step (SCAIL-2's: the
    check is the kept steps' own, the same for S2V)."""
    from nodes.video_models.resume import kept_steps, kept_windows
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    node, model, params, inputs = family("wan_scail")
    whole = made(node, model, params, inputs)[0]
    stopped(node, model, params, inputs, at=4)
    for name in os.listdir(kept_windows.folder()):
        os.remove(os.path.join(kept_windows.folder(), name))
    again, rec, _ = made(node, model, params, inputs)
    assert any("the kept steps of an earlier run were not used (its step 3 is in window 2, and this run samples "
               "from window 1)" in t for t in rec.messages("warning")), rec.messages()
    assert np.array_equal(again, whole) and os.listdir(kept_steps.folder()) == []


def test_a_stop_at_a_windows_first_step_resumes_from_the_window_after_the_kept_one(family, tmp_path, monkeypatch):
    """Stopped in window 2's first step: window 1 is kept whole, and so is its last step; the re-run loads window 1
    and samples window 2 from its first step, saying nothing of the step it did not need."""
    from nodes.video_models.resume import kept_steps, kept_windows
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    node, model, params, inputs = family("wan_scail")
    whole = made(node, model, params, inputs)[0]
    stopped(node, model, params, inputs, at=3)
    assert len(os.listdir(kept_windows.folder())) == 1
    again, rec, calls = made(node, model, params, inputs)
    assert not [t for t in rec.messages("warning") if "kept" in t]
    assert any("1 window of 2 came from an earlier run" in t for t in rec.messages())
    assert calls <= 3  # window 2's two steps, and the one skipped before the kept step was found finished
    assert np.array_equal(again, whole) and os.listdir(kept_steps.folder()) == []


@pytest.mark.parametrize("key", list(FAMILIES))
def test_a_window_whose_decode_runs_out_of_memory_is_decoded_again_lighter(key, family, tmp_path, monkeypatch):
    """The Sampler's decode rescue reaches the windows' decodes: a decode that runs out of memory untiled is said
    and run again tiled, and the take is made (the node called its pipeline itself before: the error ended it)."""
    from diffusers import AutoencoderKLWan
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    node, model, params, inputs = family(key)
    orig = AutoencoderKLWan._decode

    def failing(self, z, *a, **k):
        if not self.use_tiling:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return orig(self, z, *a, **k)
    monkeypatch.setattr(AutoencoderKLWan, "_decode", failing)
    frames, rec, _ = made(node, model, params, inputs)
    assert frames.shape[0] == params["frames"] and np.isfinite(frames).all()
    assert any(t.startswith("decoding ran out of memory (CUDA out of memory") and "decoded again in tiles" in t
               for t in rec.messages("warning")), rec.messages()
    assert not model.module.vae.use_tiling  # as it was after the call
