"""LTX-2 Sound for Clip (video to audio, held-out 102/03) on the tiny random LTX-2 built from configs, on the CPU:
the clip is given to LTX2ConditionPipeline whole at strength 1 (its video tokens at timestep 0 at every step, only
the sound denoised), the clip comes out as it went in with the new sound, the sound follows the prompt and the seed,
and a clip of another length or size is read as LTX-2 needs, said. The prompt is shown on a tiny LTX-2.3 (the tiny
LTX-2.0's connectors give nearly the same text states for any prompt)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")
SIDE = 64


@pytest.fixture(scope="module")
def ltx2_dir(tiny):
    return tiny("ltx2", "tiny-ltx2-v2v", real_compression=True, audio_encoder=False)


def _frames(n: int, w: int = SIDE, h: int = SIDE):
    return np.random.RandomState(3).rand(n, h, w, 3).astype(np.float32)


def _graph(model_dir, n=9, w=SIDE, h=SIDE, **p):
    clip = source(f"test.ltx2_foley_clip_{n}_{w}_{h}", "video", "Video", lambda q: ArrayClip(_frames(n, w, h), 12.0))
    params = {"steps": 2, "guidance": 3.0, "prompt": "a singer sings into the camera", "preview_size": "off", "seed": 5, "negative_prompt": "", **p}
    return model_graph(model_dir, "video_models.ltx2_foley", params, video=(clip, "video"))


def _note(kw):
    c = (kw.get("conditions") or [None])[0]
    return {"n": kw.get("num_frames"), "size": (kw.get("width"), kw.get("height")), "rate": kw.get("frame_rate"),
            "strength": getattr(c, "strength", None), "index": getattr(c, "index", None),
            "cond_frames": len(getattr(c, "frames", ()) or ())}


@pytest.fixture
def timesteps(monkeypatch):
    from diffusers import LTX2VideoTransformer3DModel
    seen = []
    fwd = LTX2VideoTransformer3DModel.forward

    def forward(self, *a, **kw):
        seen.append((float(kw["timestep"].abs().max()), float(kw["audio_timestep"].flatten()[0])))
        return fwd(self, *a, **kw)
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", forward)
    return seen


@pytest.mark.fresh_models  # its spy patches the transformer class: a model the module loaded before is not spied on
def test_the_clip_is_held_whole_and_comes_out_unchanged_with_a_new_sound(ltx2_dir, monkeypatch, timesteps):
    from diffusers import LTX2ConditionPipeline
    calls, _ = spy_call(monkeypatch, LTX2ConditionPipeline, _note)
    clip, said = render(Executor(), _graph(ltx2_dir))
    assert calls == [{"n": 9, "size": (SIDE, SIDE), "rate": 12.0, "strength": 1.0, "index": 0, "cond_frames": 9}]
    assert timesteps and all(v == 0.0 for v, _ in timesteps)  # the video tokens clean at every step
    assert max(a for _, a in timesteps) > 0  # the sound denoised from noise
    assert np.array_equal(clip.chunk(0, 9), _frames(9))  # the given frames, not re-decoded
    assert clip.audio is not None and abs(clip.audio.duration - 9 / 12.0) < 0.05
    assert any("made for the clip's 9 frames" in t for t in said), said


@pytest.fixture(scope="module")
def ltx23_dir(tmp_path_factory):
    """A tiny LTX-2.3 (per-modality text projections in its connectors: the tiny LTX-2.0's connectors give nearly
    the same states for any prompt, so its sound cannot show the prompt) whose VAE compresses as LTX-2's."""
    from diffusers import LTX2VideoTransformer3DModel
    from diffusers.pipelines.ltx2 import LTX2TextConnectors

    from .tiny_ltx2 import build_ltx2
    real_t, real_c = LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__

    def t_init(self, *a, **k):
        real_t(self, *a, **dict(k, gated_attn=True, cross_attn_mod=True, audio_gated_attn=True,
                                audio_cross_attn_mod=True, use_prompt_embeddings=False))

    def c_init(self, *a, **k):
        real_c(self, *a, **dict(k, video_gated_attn=True, audio_gated_attn=True, per_modality_projections=True,
                                video_hidden_dim=16, audio_hidden_dim=8, video_connector_num_attention_heads=2,
                                video_connector_attention_head_dim=8, audio_connector_num_attention_heads=2,
                                audio_connector_attention_head_dim=4))
    LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__ = t_init, c_init
    try:
        return build_ltx2(str(tmp_path_factory.mktemp("ltx23-foley") / "tiny"), real_compression=True)
    finally:
        LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__ = real_t, real_c


def test_the_sound_follows_the_prompt_and_the_seed(ltx23_dir):
    def sound(**p):
        ex = Executor()
        return ex.run(_graph(ltx23_dir, **p), targets=["gen"], device="cpu", use_cache=False).value("gen", "audio")
    a, b, c, d = sound(), sound(), sound(prompt="a red fox"), sound(seed=6)
    assert np.array_equal(a.samples, b.samples)
    assert np.abs(a.samples - c.samples).max() > 1e-4
    assert np.abs(a.samples - d.samples).max() > 1e-4


def test_a_clip_of_another_length_and_size_is_read_as_ltx2_needs_and_said(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls, _ = spy_call(monkeypatch, LTX2ConditionPipeline, _note)
    clip, said = render(Executor(), _graph(ltx2_dir, n=12, w=100, h=60))
    assert calls[0]["n"] == 9 and calls[0]["size"] == (96, 64) and calls[0]["cond_frames"] == 9
    assert clip.n_frames == 9 and (clip.width, clip.height) == (100, 60)
    assert np.array_equal(clip.chunk(0, 9), _frames(12, 100, 60)[:9])
    assert any("12 frames scored as its first 9" in t for t in said), said
    assert any("at 96x64" in t and "keeps its own size" in t for t in said), said


def test_a_model_of_another_family_is_refused(tiny):
    from studio.core.errors import NodeExecutionError
    wan = tiny("wan-t2v")
    with pytest.raises(NodeExecutionError, match="LTX-2 Sound for Clip"):
        render(Executor(), _graph(wan))

