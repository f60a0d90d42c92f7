"""'continue_from''s declared settings (takes/continue_from.py): how many of the clip's last frames the take starts
from ('continue_frames', or 'continue_seconds' at the clip's own rate: a ComfyUI continuation's 'last N' or 'last 5 s'),
cut to a length the VAE encodes whole; and 'continue_output: new frames only' (the frames continued cut from the
output, with the sound under them: a workflow saving only what follows its context frames); width and height 0:
the clip's. Tiny LTX-2 (its VAE: 2
frames a latent frame), CPU."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from nodes.video_models.base.calls import to_pil
from nodes.video_models.takes.continue_from import CONTINUE_PARAMS, FIRST, NEW_ONLY, asked_count, lead_count

from .graphs import model_graph, said, spy_frames

pytest.importorskip("diffusers")


class _P:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def test_the_frames_asked_are_cut_to_a_whole_vae_length_within_the_clip_and_window():
    assert lead_count(200, 241, 8, 73) == 73 and lead_count(200, 241, 8, 120) == 113
    assert lead_count(40, 241, 8, 120) == 33 and lead_count(200, 97, 8, 120) == 89  # the clip's, the window's
    assert asked_count(_P(continue_seconds=5.0, continue_frames=9), 24.0) == 120  # seconds first, at the clip's rate
    assert asked_count(_P(continue_seconds=0.0, continue_frames=9), 24.0) == 9
    # LTX-2's VAE (8 frames a latent frame): seconds to the end of the latent frame they fall in, as its masks by
    # time keep them (ComfyUI keeps 105 of a clip's first 4 s at 25 fps, 121 of 5 s at 24 fps)
    assert asked_count(_P(continue_seconds=4.0), 25.0, 8) == 105 and asked_count(_P(continue_seconds=5.0), 24.0, 8) == 121
    assert asked_count(_P(continue_seconds=4.0), 24.0, 8) == 97 and lead_count(300, 241, 8, 105) == 105
    assert {q.name for q in CONTINUE_PARAMS} == {"continue_frames", "continue_seconds", "continue_output",
                                                 "continue_part"}


def _graph(ltx2_dir, **params):
    return model_graph(str(ltx2_dir), "video_models.ltx2", {
        "frames": 17, "width": 0, "height": 0, "steps": 1, "guidance": 1.0, "prompt": "a fox", "previews": False,
        "preview_size": "off", **params},
        continue_from=("source.shapes", "video", {"frames": 12, "fps": 24.0, "width": 64, "height": 32}))


def test_ltx2_continues_the_last_seconds_asked_and_cuts_them_from_its_output(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls = spy_frames(monkeypatch, LTX2ConditionPipeline)
    g = _graph(ltx2_dir, continue_seconds=0.25, continue_output=NEW_ONLY)  # 6 frames at 24 fps -> 7 (2m + 1: the
    # latent frame 0.25 s falls in kept whole, as LTX-2's masks by time keep it)
    ev = []
    out = Executor().run(g, targets=["gen", "continue_from"], device="cpu", use_cache=False, on_event=ev.append)
    src, made = out.value("continue_from"), out.value("gen")
    cond = calls[0][0]["conditions"][0]
    assert cond.index == 0 and [np.asarray(f).tolist() for f in cond.frames] == [
        np.asarray(to_pil(src.frame(i))).tolist() for i in range(5, 12)]  # the clip's last 7 of 12
    assert made.n_frames == 10 and (made.width, made.height) == (64, 32)  # 17 made, its first 7 (the clip's) cut;
    # width and height 0: the clip's
    whole = calls[0][1]
    assert np.allclose(made.frame(0), np.clip(whole[7], 0, 1), atol=1e-5)  # what follows them
    sound = out.value("gen", "audio")
    assert sound is made.audio and abs(sound.duration - 10 / 24) < 0.03  # the sound under the 7 cut too (its made
    # length is the vocoder's: about 17 / 24 s)
    assert any("the last 7 of its 12 frames (asked: 0.25 s at 24 fps, to the end of the latent frame it falls in: 7)"
               in t and "cut from the output" in t
               for t in said(ev, "gen", "info"))


def test_ltx2_continues_the_clips_first_frames_where_continue_part_says_so(ltx2_dir, monkeypatch):
    """'continue_part: its first frames' (a noise-mask window keeping a whole clip's first seconds, the rest remade:
    ckinpdx's LTX23_Continuation): the condition at frame 0 is the clip's first 5 frames, the output starts with them."""
    from diffusers import LTX2ConditionPipeline
    calls = spy_frames(monkeypatch, LTX2ConditionPipeline)
    ev = []
    out = Executor().run(_graph(ltx2_dir, continue_frames=5, continue_part=FIRST), targets=["gen", "continue_from"],
                         device="cpu", use_cache=False, on_event=ev.append)
    src, made = out.value("continue_from"), out.value("gen")
    cond = calls[0][0]["conditions"][0]
    assert cond.index == 0 and [np.asarray(f).tolist() for f in cond.frames] == [
        np.asarray(to_pil(src.frame(i))).tolist() for i in range(5)]  # the clip's first 5 of 12
    assert made.n_frames == 17 and any("the first 5 of its 12 frames" in t for t in said(ev, "gen", "info"))


def test_ltx2_continue_sound_holds_the_clips_last_sound_first_and_makes_the_rest(ltx2_a2v_dir, monkeypatch):
    """'continue_sound': the clip's sound under the 5 frames continued, encoded, given clean with an audio timestep
    of 0 on its tokens at every call, the later tokens at the step's; what the audio VAE decodes starts with it."""
    import torch
    from diffusers import AutoencoderKLLTX2Audio

    from nodes.video_models.families.ltx2 import sound_continue
    encoded, decoded = [], []
    enc = sound_continue.encoded_sound
    monkeypatch.setattr(sound_continue, "encoded_sound", lambda *a: encoded.append(enc(*a)) or encoded[-1])
    dec = AutoencoderKLLTX2Audio.decode
    monkeypatch.setattr(AutoencoderKLLTX2Audio, "decode", lambda self, z, *a, **k: decoded.append(z.detach().clone())
                        or dec(self, z, *a, **k))
    from diffusers import LTX2VideoTransformer3DModel
    steps_seen = []
    fwd = LTX2VideoTransformer3DModel.forward
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", lambda self, *a, **k: steps_seen.append(
        k.get("audio_timestep")) or fwd(self, *a, **k))
    g = _graph(ltx2_a2v_dir, continue_frames=5, continue_sound=True, steps=2)
    ev = []
    Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    lead = encoded[0].float()
    held = lead.shape[2]
    for t in steps_seen:  # every call: the clip's sound tokens clean (timestep 0), the rest at the step's
        assert t.ndim == 2 and bool((t[:, :held] == 0).all()) and bool((t[:, held:] > 0).all())
    made = decoded[-1].float()[:, :, :lead.shape[2]]
    assert lead.shape[2] >= 1 and torch.allclose(made, lead.to(made.dtype), atol=1e-3, rtol=1e-3)
    assert any("continue_sound: the clip's last 0.21 s of sound is the take's first" in t for t in said(ev, "gen", "info"))
    assert not any("its sound is not continued" in t for t in said(ev, "gen", "info"))


def test_text_to_video_cuts_the_frames_it_continues_from_its_output(ltx2_dir):
    g = model_graph(ltx2_dir, "video_models.text_to_video", {
        "frames": 17, "window": 17, "width": 0, "height": 0, "steps": 1, "guidance": 1.0, "prompt": "a fox",
        "previews": False, "preview_size": "off", "hold_colour": "off", "continue_frames": 3,
        "continue_output": NEW_ONLY},
        continue_from=("source.shapes", "video", {"frames": 8, "width": 64, "height": 32}))
    made = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.n_frames == 14 and (made.width, made.height) == (64, 32)  # 17 made, the clip's last 3 first: cut


def test_the_sound_continued_is_under_the_clips_first_frames_where_continue_part_says_so(monkeypatch):
    """lead_sound cuts the clip's sound under the frames continued: its first seconds with 'continue_part: its first
    frames', else its last (what the audio VAE encodes: its own encode, test above)."""
    from types import SimpleNamespace

    from studio.core.values import Audio
    from nodes.video_models.families.ltx2 import sound_continue
    cut = []
    monkeypatch.setattr(sound_continue, "encoded_sound", lambda ctx, pipe, part, k, fps: cut.append(part) or part)
    monkeypatch.setattr(sound_continue, "held_tokens", lambda pipe, latents: np.zeros((1, 3, 2)))
    sound = Audio(np.arange(100, dtype=np.float32) / 100, 10)  # 10 s at 10 Hz
    for part, first in ((FIRST, 0.0), ("its last frames", 0.7)):
        ctx = SimpleNamespace(params=_P(continue_part=part), info=lambda *_: None, warn=lambda *_: None)
        sound_continue.lead_sound(ctx, None, sound, 6, 2.0)  # 6 frames at 2 fps: 3 s
        assert cut[-1].samples.shape[0] == 30 and abs(float(cut[-1].samples[0, 0]) - first) < 1e-6
