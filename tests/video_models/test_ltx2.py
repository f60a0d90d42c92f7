"""LTX-2 Video + Sound on a tiny random pipeline: the node's frames and sound samples equal
LTX2Pipeline called directly with the same arguments; 'sound: input' keeps the input track;
Stop inside a step; Save Video writes the sound as AAC of the right length; the timeline plays it."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.values import Audio
from studio.engine.events import NodeMessage, NodeProgress
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import spy_call
from .stopping import stop_inside_a_step
from .tiny import still

pytest.importorskip("diffusers")

ARGS = {"prompt": "a red fox sings into the camera", "steps": 2, "width": 32, "height": 32, "frames": 9,
        "fps": 24.0, "guidance": 1.0, "seed": 5, "preview_size": "off"}


def _track(seconds=1.0, rate=8000):
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return Audio(np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 330 * t)], 1) * 0.5, rate)


TRACK = source("test.ltx2_track", "audio", "Audio", lambda p: _track())


def ltx2_graph(model, track=False, save=None, **params):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    gen = g.add_node("video_models.ltx2", dict(ARGS, **params), node_id="ltx2")
    g.connect(load.id, "model", gen.id, "model")
    if track:
        t = g.add_node(TRACK)
        g.connect(t.id, "audio", gen.id, "audio")
    if save:
        s = g.add_node("io.save_video", {"path": save, "embed_graph": False}, node_id="save")
        g.connect(gen.id, "video", s.id, "video")
    return g, load, gen


def with_still(g, gen) -> None:
    """A 64x32 still on the generator's image input."""
    s = g.add_node(source("test.ltx2_still", "image", "Image", lambda p: still(32, 64)))
    g.connect(s.id, "image", gen.id, "image")


@pytest.fixture(scope="module")
def made_and_saved(ltx2_dir, tmp_path_factory):
    """One run of the node into Save Video (the tests below read it): (its clip, its sound, the seed the
    pipeline was given, the events), and the file Save Video wrote."""
    from diffusers import LTX2Pipeline
    ev = []
    path = str(tmp_path_factory.mktemp("ltx2-made") / "talk.mp4")
    with pytest.MonkeyPatch.context() as mp:
        seeds, _ = spy_call(mp, LTX2Pipeline)
        g, _, gen = ltx2_graph(ltx2_dir, previews=True, save=path)
        r = Executor().run(g, targets=[gen.id, "save"], device="cpu", on_event=ev.append)
    return (r.value(gen.id, "video"), r.value(gen.id, "audio"), seeds[-1], ev), path


@pytest.fixture(scope="module")
def made(made_and_saved):
    """(clip, sound, seed, events) of the one run."""
    return made_and_saved[0]


def test_frames_and_sound_equal_the_pipeline_called_directly(ltx2_dir, made):
    import torch
    from diffusers import LTX2Pipeline
    clip, sound, seed, ev = made
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (9, 32, 32, 24.0)
    prog = [e for e in ev if isinstance(e, NodeProgress) and e.node_id == "ltx2"]
    assert [e.step for e in prog] == [1, 2] and any(e.preview is not None for e in prog)
    pipe = LTX2Pipeline.from_pretrained(ltx2_dir)
    out = pipe(prompt=ARGS["prompt"], negative_prompt=None, height=32, width=32, num_frames=9, frame_rate=24.0,
               num_inference_steps=2, guidance_scale=1.0, audio_guidance_scale=1.0, max_sequence_length=32,
               generator=torch.Generator().manual_seed(seed), output_type="np")
    assert np.array_equal(clip.frames, np.clip(np.asarray(out.frames[0], np.float32), 0, 1))
    samples = out.audio[0].float().numpy().T
    assert isinstance(sound, Audio) and sound.rate == pipe.vocoder.config.output_sampling_rate == 16000
    assert sound.samples.shape == samples.shape and samples.shape[0] > 1000
    assert np.array_equal(sound.samples, np.clip(samples, -1, 1))
    assert clip.audio is sound  # the sound rides on the clip: Save Video and the timeline take it from there


def test_sound_input_is_kept_when_asked(ltx2_dir):
    ex = Executor()  # one engine: the model loaded once for the three runs
    r = ex.run(ltx2_graph(ltx2_dir, track=True, sound="input", steps=1)[0], targets=["ltx2"], device="cpu")
    clip, sound = r.value("ltx2", "video"), r.value("ltx2", "audio")
    assert np.array_equal(sound.samples, _track().samples) and sound.rate == 8000 and clip.audio is sound
    with pytest.raises(NodeExecutionError, match="nothing is connected to the audio input"):
        ex.run(ltx2_graph(ltx2_dir, sound="input")[0], targets=["ltx2"], device="cpu")
    ev = []  # a connected track with 'sound: generated' is said to be unused, and the made sound goes out
    r = ex.run(ltx2_graph(ltx2_dir, track=True, steps=1)[0], targets=["ltx2"], device="cpu", on_event=ev.append)
    assert r.value("ltx2", "audio").rate == 16000
    assert any("audio input is not used" in e.text for e in ev if isinstance(e, NodeMessage) and e.level == "warning")


def test_a_model_of_another_family_is_refused(vace_dir):
    with pytest.raises(NodeExecutionError, match="is a Wan model: LTX-2 Video \\+ Sound needs an LTX-2 model"):
        Executor().run(ltx2_graph(vace_dir)[0], targets=["ltx2"], device="cpu")


def test_save_video_writes_the_sound_as_aac_of_its_length(made_and_saved):
    import av
    (_, sound, _, _), path = made_and_saved  # the file Save Video wrote from the run that made this sound
    with av.open(path) as c:
        (a,) = c.streams.audio
        assert a.codec_context.name == "aac" and a.codec_context.sample_rate == sound.rate
        assert a.duration * a.time_base == pytest.approx(sound.duration)  # the stream's length: the sound's
        got = np.concatenate([f.to_ndarray() for f in c.decode(a)], axis=1)
    # decoded: whole AAC frames of 1024 samples (priming and padding) holding that sound, per channel
    assert got.shape[0] == sound.channels and 0 <= got.shape[1] - sound.n_samples <= 1024
    np.testing.assert_allclose(got[:, 1024:sound.n_samples].mean(1), sound.samples.mean(0), atol=0.01)
    assert not np.allclose(sound.samples.mean(0), 0, atol=0.02)  # (not silence: the check above could fail)


def test_timeline_plays_the_made_sound(qtbot, made):
    from studio.engine.cache import FrameCache
    from studio.ui.preview.area import PreviewArea
    from tests.ui.test_playback import RecordingOutput
    clip, sound, _, _ = made
    out = RecordingOutput(block=256)
    area = PreviewArea(FrameCache(16 << 20), audio_output=out)
    try:
        area.auto_thumbnails = False
        area.show_value("ltx2", "LTX-2 Video + Sound", clip, "ltx2:video")
        assert area.player.audio is sound
        area.transport.toggle_play()
        qtbot.waitUntil(lambda: out.recorded().shape[0] >= sound.n_samples, timeout=5000)
        area.player.stop()
    finally:
        area.close()
    assert out.starts[0] == (sound.rate, sound.channels)
    rec = out.recorded()
    np.testing.assert_array_equal(rec[:sound.n_samples], sound.samples)


@pytest.mark.fresh_models
def test_stop_inside_a_step_and_the_cached_model_after(ltx2_dir):
    ex = Executor()
    g, load, gen = ltx2_graph(ltx2_dir, steps=2)
    ex.run(g, targets=[load.id], device="cpu")
    ref = ex.models.entries()[0].value["model"]
    blocks = list(ref.module.transformer.transformer_blocks)
    stop_inside_a_step(ex, g, gen.id, blocks)
    assert not any(m._forward_pre_hooks for m in ref.module.transformer.modules())
    r = ex.run(g, targets=[gen.id], device="cpu")  # the cached model, not loaded again
    assert r.value(gen.id, "video").n_frames == 9 and ex.run_counts.get("video_models.load", 0) == 1


def test_image_to_video_and_family(ltx2_dir, monkeypatch):
    from diffusers import LTX2ImageToVideoPipeline

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.base.recognise import family_from_keys
    assert family_from_keys(["audio_caption_projection.linear_1.weight", "av_cross_attn_audio_scale_shift.x",
                             "scale_shift_table", "caption_projection.linear_1.weight"]) is FAMILIES["ltx2"]
    calls, _ = spy_call(monkeypatch, LTX2ImageToVideoPipeline, lambda kw: kw)

    g, _, gen = ltx2_graph(ltx2_dir, steps=1, width=0, height=0)
    with_still(g, gen)
    r = Executor().run(g, targets=[gen.id], device="cpu")
    clip = r.value(gen.id, "video")
    assert (clip.width, clip.height) == (64, 32) and calls[0]["image"].size == (64, 32)
    assert r.value(gen.id, "audio").n_samples > 0


@pytest.mark.fresh_models
def test_a_cached_prompt_loads_no_gemma_and_makes_the_same_picture_and_sound(ltx2_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) for LTX-2: its Gemma states (before the connectors, which
    the call applies) kept at the node's own length; a second render with only the seed changed loads
    no Gemma (it waits on disk: the call's image CRF, which diffusers reads from the encoder, is given
    by the node from its config) and makes the picture and sound of a render with the cache off."""
    from transformers import Gemma3ForConditionalGeneration

    from .prompt_cache_check import NOT_LOADED, counted_loads
    runs = []
    real = Gemma3ForConditionalGeneration.forward
    monkeypatch.setattr(Gemma3ForConditionalGeneration, "forward", lambda self, *a, **k: runs.append(1) or real(self, *a, **k))
    loads = counted_loads(monkeypatch, Gemma3ForConditionalGeneration)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))

    def render(seed):
        msgs = []
        r = Executor().run(ltx2_graph(ltx2_dir, seed=seed, guidance=3.0, negative_prompt="blurry")[0],
                           targets=["ltx2"], device="cpu",
                           on_event=lambda e: msgs.append(getattr(e, "text", "")))
        return r.value("ltx2", "video").frames, r.value("ltx2", "audio").samples, msgs
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    plain, plain_sound, _ = render(7)
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    runs.clear()
    loads.clear()
    render(6)
    assert len(runs) == 2 and loads == ["Gemma3ForConditionalGeneration"]  # loaded for the new prompts, kept
    runs.clear()
    loads.clear()
    frames, sound, msgs = render(7)
    assert runs == [] and loads == [] and NOT_LOADED in msgs
    assert np.array_equal(frames, plain) and np.array_equal(sound, plain_sound)


@pytest.mark.fresh_models
def test_a_cached_image_to_video_gets_the_crf_gemma_would_give(ltx2_dir, tmp_path, monkeypatch):
    """LTX-2's image to video re-compresses its image at a CRF diffusers reads from the text encoder's
    model type; with every prompt cached Gemma waits on disk and the node gives the CRF from its config:
    the frames of a render with the cache off, the call given image_crf 33 (a Gemma 3)."""
    from diffusers import LTX2ImageToVideoPipeline
    from transformers import Gemma3ForConditionalGeneration

    from .prompt_cache_check import NOT_LOADED, counted_loads
    loads = counted_loads(monkeypatch, Gemma3ForConditionalGeneration)
    calls = []
    orig = LTX2ImageToVideoPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        calls.append(dict(kw, encoder=self.text_encoder))
        return orig(self, *a, **kw)
    monkeypatch.setattr(LTX2ImageToVideoPipeline, "__call__", spy)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))

    def render(seed):
        msgs = []
        g, _, gen = ltx2_graph(ltx2_dir, seed=seed, steps=1, width=0, height=0)
        with_still(g, gen)
        r = Executor().run(g, targets=[gen.id], device="cpu", on_event=lambda e: msgs.append(getattr(e, "text", "")))
        return r.value(gen.id, "video").frames, msgs
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    plain, _ = render(3)
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    render(2)
    calls.clear()
    loads.clear()
    frames, msgs = render(3)
    assert loads == [] and NOT_LOADED in msgs and calls[0]["encoder"] is None and calls[0]["image_crf"] == 33
    assert np.array_equal(frames, plain)


def test_the_crf_of_a_waiting_encoder_is_read_from_its_config():
    """diffusers gives LTX-2.5's Gemma 4 encoder CRF 18 and Gemma 3 CRF 33: with the encoder waiting on
    disk the node reads its model type from the config (conditions get it too); with it loaded, the
    call resolves it itself (nothing added)."""
    from types import SimpleNamespace

    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

    from nodes.video_models.families.ltx2.conditions import with_crf
    from nodes.video_models.loading.deferred_text import Waiting

    def ref(model_type):
        w = Waiting({"text_encoder": lambda: None}, 0, {"text_encoder": SimpleNamespace(model_type=model_type)})
        return SimpleNamespace(shared=SimpleNamespace(text_loader=w))
    cond = LTX2VideoCondition(frames=[np.zeros((8, 8, 3), np.uint8)], index=0)
    out = with_crf(ref("gemma4_unified"), SimpleNamespace(text_encoder=None), {"image": 1, "conditions": [cond]})
    assert out["image_crf"] == 18 and cond.crf == 18
    assert with_crf(ref("gemma3_text"), SimpleNamespace(text_encoder=None), {"image": 1})["image_crf"] == 33
    assert with_crf(ref("gemma4"), SimpleNamespace(text_encoder=object()), {"image": 1}) == {"image": 1}


NEWER = {"LTX-2.3": {}, "LTX-2.5": {"use_prompt_adaln_single": False, "use_keyframes_abs_pos_embedding": True,
                                    "ff_bias": False}}


@pytest.fixture(scope="module", params=sorted(NEWER))
def ltx23_dir(request, tmp_path_factory):
    """(the generation, a tiny folder of it): diffusers' LTX-2.3 structure (gated attention, prompt
    modulation of the cross-attention, per-modality text projections in the connectors, no caption
    projection), and LTX-2.5's changes over it (cross-attention without the prompt AdaLN, a keyframe
    position embedding, no feed-forward bias), in the tiny LTX-2's sizes (its Gemma 3: the text encoder
    does not change the transformer's structure)."""
    from diffusers import LTX2VideoTransformer3DModel
    from diffusers.pipelines.ltx2 import LTX2TextConnectors

    from .tiny_ltx2 import build_ltx2
    real_t, real_c = LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__

    def t_init(self, *a, **k):
        real_t(self, *a, **dict(k, gated_attn=True, cross_attn_mod=True, audio_gated_attn=True,
                                audio_cross_attn_mod=True, use_prompt_embeddings=False, **NEWER[request.param]))

    def c_init(self, *a, **k):
        real_c(self, *a, **dict(k, video_gated_attn=True, audio_gated_attn=True, per_modality_projections=True,
                                video_hidden_dim=16, audio_hidden_dim=8, video_connector_num_attention_heads=2,
                                video_connector_attention_head_dim=8, audio_connector_num_attention_heads=2,
                                audio_connector_attention_head_dim=4))
    LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__ = t_init, c_init
    try:
        return request.param, build_ltx2(str(tmp_path_factory.mktemp("ltx23") / "tiny"))
    finally:
        LTX2VideoTransformer3DModel.__init__, LTX2TextConnectors.__init__ = real_t, real_c


def test_ltx23_and_ltx25_folders_are_named_and_render_as_the_pipeline_called_directly(ltx23_dir, ltx2_dir):
    """Issue 56: a diffusers LTX-2.3 or LTX-2.5 folder loads with its generation said (the variant) and
    its picture and sound are those of LTX2Pipeline called directly; the LTX-2 folder is named LTX-2."""
    import torch
    from diffusers import LTX2Pipeline
    generation, ltx23_dir = ltx23_dir
    with pytest.MonkeyPatch.context() as mp:
        seeds, _ = spy_call(mp, LTX2Pipeline)
        g, load, _ = ltx2_graph(ltx23_dir)
        r = Executor().run(g, targets=["ltx2", load.id], device="cpu")
    assert r.value(load.id).variant == generation
    out = LTX2Pipeline.from_pretrained(ltx23_dir)(
        prompt=ARGS["prompt"], negative_prompt=None, height=32, width=32, num_frames=9, frame_rate=24.0,
        num_inference_steps=2, guidance_scale=1.0, audio_guidance_scale=1.0, max_sequence_length=32,
        generator=torch.Generator().manual_seed(seeds[-1]), output_type="np")
    assert np.array_equal(r.value("ltx2", "video").frames, np.clip(np.asarray(out.frames[0], np.float32), 0, 1))
    assert np.array_equal(r.value("ltx2", "audio").samples, np.clip(out.audio[0].float().numpy().T, -1, 1))
    g, load, _ = ltx2_graph(ltx2_dir)
    assert Executor().run(g, targets=[load.id], device="cpu").value(load.id).variant == "LTX-2"
