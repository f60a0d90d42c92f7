"""Wan Dancer (issue 58, families/wan/dancer/): the music features equal the release's librosa calls
(modelscope/DiffSynth-Studio@fed7b18 get_music_base_feature) and hand-computed cases, the music encoder,
injection, rotary positions and prompts equal the release's formulas by hand, the hooked diffusers
transformer equals a transcription of the release's forward (model_fn_wan_video) on the same weights,
the pipeline samples both passes, and the released 14B sizes are checked with nothing allocated."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import functools
import math
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")
librosa = pytest.importorskip("librosa")

from nodes.video_models.families.wan.dancer import dancer  # noqa: E402
from nodes.video_models.families.wan.dancer.dancer_hooks import SplitImageProcessor, dancer_applied, skipping  # noqa: E402

from tests.sources import source  # noqa: E402

from .graphs import model_graph, ramp, spy_call  # noqa: E402
from .tiny_dancer import CLIP, DIM, tiny_parts  # noqa: E402
from .tiny_dancer import tiny_pipeline as _tiny_pipeline  # noqa: E402

tiny_pipeline = functools.cache(_tiny_pipeline)  # one tiny model for the file (every hook is put back)


# -- the music features --------------------------------------------------------------------------------------

def _clicks(sr: int, seconds: float, bpm: float, stereo: bool = False) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    y = 0.02 * np.sin(2 * np.pi * 220 * t)
    period = 60.0 / bpm
    for k in range(int(seconds / period)):
        a = int(k * period * sr)
        y[a:a + 300] += np.hanning(600)[300:] * np.sin(2 * np.pi * 1500 * t[:300])
    y = y.astype(np.float32)
    return np.stack([y, 0.5 * y]) if stereo else y


def _release_features(path: str) -> np.ndarray:
    """get_music_base_feature (wan_video.py), line for line, librosa.beat.tempo as librosa.feature.tempo."""
    hop_length, fps = 512, 30
    data, sr = librosa.load(path, sr=fps * hop_length)
    sr = 22050
    envelope = librosa.onset.onset_strength(y=data, sr=sr)
    mfcc = librosa.feature.mfcc(y=data, sr=sr, n_mfcc=20).T
    chroma = librosa.feature.chroma_cens(y=data, sr=sr, hop_length=hop_length, n_chroma=12).T
    peak_idxs = librosa.onset.onset_detect(onset_envelope=envelope.flatten(), sr=sr, hop_length=hop_length)
    peak_onehot = np.zeros_like(envelope, dtype=np.float32)
    peak_onehot[peak_idxs] = 1.0
    start_bpm = librosa.feature.tempo(y=librosa.load(path)[0])[0]
    _, beat_idxs = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=hop_length,
                                           start_bpm=start_bpm, tightness=100)
    beat_onehot = np.zeros_like(envelope, dtype=np.float32)
    beat_onehot[beat_idxs] = 1.0
    return np.concatenate([envelope[:, None], mfcc, chroma, peak_onehot[:, None], beat_onehot[:, None]], axis=-1)


def test_music_features_equal_the_releases_librosa_calls_on_a_file(tmp_path):
    import soundfile as sf
    sr = 44100
    wave = _clicks(sr, 3.0, 120.0, stereo=True)
    path = str(tmp_path / "music.wav")
    sf.write(path, wave.T, sr, subtype="FLOAT")
    got = dancer.music_features(wave, sr)
    want = _release_features(path)
    assert got.shape == want.shape == (1 + 3 * 15360 // 512, 35)  # one row per 512 samples at 15360 Hz, centred
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_music_features_by_hand_on_clicks_and_silence():
    f = dancer.music_features(_clicks(15360, 4.0, 120.0), 15360)  # already at 15360 Hz: not resampled
    beats = np.flatnonzero(f[:, 34])
    assert set(np.unique(f[:, 33:])) <= {0.0, 1.0}  # peaks and beats one-hot
    assert len(beats) >= 6 and np.all(np.abs(np.diff(beats) - 15) <= 1)  # 120 bpm: a beat every 15 rows (0.5 s)
    peaks = np.flatnonzero(f[:, 33])
    assert all(np.min(np.abs(peaks - 15 * k)) <= 2 for k in range(1, 7))  # an onset at each click
    quiet = dancer.music_features(np.zeros(15360, np.float32), 15360)
    assert quiet.shape == (31, 35) and not quiet[:, 0].any() and not quiet[:, 33:].any()  # no onsets, no beats


def test_frame_rate_and_prompts_are_the_releases():
    assert dancer.frame_rate(596, 149) == 7.5  # the release's global example: 149 frames over 19.9 s
    assert dancer.frame_rate(150, 149) == 30.0 and dancer.frame_rate(40, 149) == 0.0
    assert dancer.prompt_for("K-Pop", 7.5) == "一个人正在跳舞，舞蹈种类是韩舞。帧率是7.5000"  # Wan-Dancer-14B-global.py
    assert dancer.prompt_for("Chinese Classic Dance", 30.0, "medium") == (  # Wan-Dancer-14B-local.py
        "一个人正在跳舞，舞蹈种类是古典舞,图像清晰程度高,人物动作平均幅度中等,人物动作最大幅度中等。, 帧率是30fps。")


# -- the modules by hand -------------------------------------------------------------------------------------

def test_music_rotary_by_hand():
    x = torch.tensor([[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]])
    got = dancer.music_rotary(x)
    assert torch.allclose(got[0, 0], x[0, 0])  # position 0: unrotated
    a, b = 1.0, 0.01  # position 1; 1 / 10000^(0/4), 1 / 10000^(2/4)
    want = [math.cos(a) - 2 * math.sin(a), math.sin(a) + 2 * math.cos(a),
            3 * math.cos(b) - 4 * math.sin(b), 3 * math.sin(b) + 4 * math.cos(b)]
    assert torch.allclose(got[0, 1], torch.tensor(want), atol=1e-6)


def test_music_layer_is_the_releases_rotary_encoder_layer():
    torch.manual_seed(0)
    layer = dancer.MusicLayer(8, 2, 16).eval()
    x = torch.randn(1, 5, 8)
    with torch.no_grad():
        got = layer(x)
        h = layer.norm1(x)
        qk = dancer.music_rotary(h)
        wq, wk, wv = layer.self_attn.in_proj_weight.chunk(3)
        bq, bk, bv = layer.self_attn.in_proj_bias.chunk(3)
        q, k, v = (t.view(5, 2, 4).transpose(0, 1) for t in (qk @ wq.T + bq, qk @ wk.T + bk, h @ wv.T + bv))
        att = torch.softmax(q @ k.transpose(1, 2) / 2.0, -1) @ v
        y = x + layer.self_attn.out_proj(att.transpose(0, 1).reshape(1, 5, 8))
        want = y + layer.linear2(torch.nn.functional.gelu(layer.linear1(layer.norm2(y))))
    assert torch.allclose(got, want, atol=1e-5)


def test_music_injection_by_hand():
    parts = tiny_parts()
    x = torch.randn(1, 2 * 8 * 3, DIM)  # 2 latent frames, 16 music groups of 3 tokens
    tokens = torch.randn(1, 16, DIM)
    with torch.no_grad():
        got = dancer.inject(parts, 1, x, tokens)
        a = parts.music_injector.injector[1]
        for g in range(16):  # one key: the softmax is 1, each group gets o(v(its token))
            assert torch.allclose(got[0, 3 * g:3 * g + 3] - x[0, 3 * g:3 * g + 3], a.o(a.v(tokens[0, g])), atol=1e-5)
    with pytest.raises(dancer.ModelError, match="music groups"):
        dancer.inject(parts, 0, torch.randn(1, 20, DIM), tokens)


def test_time_positions_are_the_releases():
    low, w = dancer.time_positions(38, 7.5)  # 30 / (7.5 + 1e-6) apart: 4 less a hair, as the release has it
    assert [round(a + b, 4) for a, b in zip(low, w)][:4] == [0, 4.0, 8.0, 12.0]
    assert low[-1] == 151 and w[-1] == 0  # the last at round(30 / 7.5 x 38) - 1
    low, w = dancer.time_positions(4, 12.0)
    assert low == [0, 2, 4, 9] and [round(x, 4) for x in w] == [0, 0.5, 1.0, 0]


def test_keyframe_mask_and_segment_slots_by_hand():
    from nodes.video_models.families.wan.dancer.dancer_pipeline import keyframe_mask, segment_slots
    m = keyframe_mask([1, 0, 0, 0, 1], 16, 16)
    assert m.shape == (4, 2, 2, 2)
    assert m[:, 0].flatten().tolist() == [1.0] * 16 and m[:, 1, 0, 0].tolist() == [0, 0, 0, 1]
    assert segment_slots(3, 9, 1) == [[(0, 0), (3, 1), (8, 2)]]  # 3 apart; the last at the segment's end
    assert segment_slots(5, 5, 2) == [[(0, 0), (4, 1)], [(0, 1), (4, 2)]]  # the seam's keyframe in both
    s = segment_slots(38, 149, 4)  # the global take's 38 keyframes over four 149-frame segments
    assert [len(x) for x in s] == [10] * 4 and s[0][1] == (16, 1) and s[1][0] == (0, 9) and s[3][-1] == (148, 36)


# -- the hooked transformer against the release's forward -------------------------------------------------------

def _rms(x, w, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def _release_forward(tr, parts, x, t, text, clip_first, clip_ref, music, fps, skip=False):
    """model_fn_wan_video for Wan Dancer (batch 1), transcribed on diffusers' modules: the text is given
    ``512 - CLIP tokens`` long so diffusers' own cross-attention splits the context where the release does
    (the first image-token set to the image branch)."""
    glob = int(fps + 0.5) != 30
    temb, tproj, ctx, img = tr.condition_embedder(t, text, clip_first)
    tproj = tproj.unflatten(1, (6, -1))
    ctx = torch.cat([parts.img_emb_refimage(clip_ref), img, ctx], dim=1)
    h = (parts.patch_embedding_global if glob else tr.patch_embedding)(x)
    f, hh, ww = h.shape[2:]
    h = h.flatten(2).transpose(1, 2)
    cos, sin = tr.rope(x)
    if glob:  # wantodance_get_single_freqs on the time part of the tables
        rope = tr.rope
        interval = 30.0 / (fps + 1e-6)
        total = int(interval * f + 0.5)
        tabs = []
        for table in (rope.freqs_cos, rope.freqs_sin):
            tt, th, tw = table.split([rope.t_dim, rope.h_dim, rope.w_dim], 1)
            new = torch.zeros(f, tt.shape[1], dtype=tt.dtype)
            new[0], new[-1] = tt[0], tt[total - 1]
            for i in range(1, f - 1):
                pos = i * interval
                lo = int(pos)
                new[i] = tt[lo] * (1 - (pos - lo)) + tt[min(lo + 1, total - 1)] * (pos - lo)
            grid = torch.cat([new.view(f, 1, 1, -1).expand(f, hh, ww, -1), th[:hh].view(1, hh, 1, -1).expand(
                f, hh, ww, -1), tw[:ww].view(1, 1, ww, -1).expand(f, hh, ww, -1)], -1)
            tabs.append(grid.reshape(1, f * hh * ww, 1, -1))
        cos, sin = tabs
    m = parts.music_projection(music)
    for layer in parts.music_encoder:
        m = layer(m)
    m = torch.nn.functional.interpolate(m.unsqueeze(1), size=(149, 4800), mode="bilinear")
    m = torch.nn.functional.interpolate(m, size=(f * 8, h.shape[-1]), mode="bilinear").squeeze(1)
    for i, block in enumerate(tr.blocks):
        if skip and i == parts.skip_block:
            continue
        h = block(h, ctx, tproj, (cos, sin))
        if i in parts.inject_layers:
            j = parts.inject_layers.index(i)
            a = parts.music_injector.injector[j]
            g = torch.nn.functional.layer_norm(h, h.shape[-1:], eps=1e-6).reshape(f * 8, -1, h.shape[-1])
            au = m.reshape(f * 8, 1, -1)
            q = _rms(a.q(g), a.norm_q.weight).view(f * 8, -1, 2, 12).transpose(1, 2)
            k = _rms(a.k(au), a.norm_k.weight).view(f * 8, 1, 2, 12).transpose(1, 2)
            v = a.v(au).view(f * 8, 1, 2, 12).transpose(1, 2)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(12), -1) @ v
            h = h + a.o(att.transpose(1, 2).reshape(f * 8, -1, h.shape[-1])).reshape(h.shape)
    if glob:
        shift, scale = (parts.head_global.modulation + temb.unsqueeze(1)).chunk(2, dim=1)
        out = parts.head_global.head(tr.norm_out(h) * (1 + scale) + shift)
    else:
        shift, scale = (tr.scale_shift_table + temb.unsqueeze(1)).chunk(2, dim=1)
        out = tr.proj_out(tr.norm_out(h) * (1 + scale) + shift)
    out = out.reshape(1, f, hh, ww, 1, 2, 2, -1).permute(0, 7, 1, 4, 2, 5, 3, 6)
    return out.flatten(6, 7).flatten(4, 5).flatten(2, 3)


@pytest.mark.parametrize("fps,skip", [(30.0, False), (7.5, False), (7.5, True)])
def test_hooked_transformer_equals_the_releases_forward(fps, skip):
    pipe = tiny_pipeline()
    tr, parts = pipe.transformer.eval(), tiny_parts()
    torch.manual_seed(5)
    x = torch.randn(1, 36, 3, 8, 8)  # 3 latent frames of 4 x 4 tokens: 48 tokens, 24 music groups
    t = torch.tensor([700.0])
    text = torch.randn(1, 512 - 65, 32)  # the tiny CLIP's 65 tokens + these = 512
    clip_first, clip_ref = torch.randn(1, 65, CLIP), torch.randn(1, 65, CLIP)
    music = torch.randn(1, 40, 35)
    with torch.no_grad():
        want = _release_forward(tr, parts, x, t, text, clip_first, clip_ref, music, fps, skip)
        plain = tr(x, t, text, clip_first, return_dict=False)[0]
        with dancer_applied(tr, parts, music, clip_ref, fps):
            with skipping(tr, parts.skip_block) if skip else _nothing():
                got = tr(x, t, text, clip_first, return_dict=False)[0]
        after = tr(x, t, text, clip_first, return_dict=False)[0]
    assert torch.allclose(got, want, atol=1e-4), float((got - want).abs().max())
    assert not torch.allclose(got, plain, atol=1e-3)  # the music, the reference (and the global parts) count
    assert torch.equal(after, plain) and len(tr.blocks) == 2  # everything put back
    assert tr.patch_embedding is not parts.patch_embedding_global


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_split_processor_equals_diffusers_where_they_split_alike():
    from diffusers.models.transformers.transformer_wan import WanAttnProcessor
    attn = tiny_pipeline().transformer.blocks[0].attn2
    torch.manual_seed(2)
    hs, ctx = torch.randn(1, 10, DIM), torch.randn(1, 9 + 512, DIM)
    with torch.no_grad():
        want = WanAttnProcessor()(attn, hs, ctx)
        got = SplitImageProcessor(9)(attn, hs, ctx)
        other = SplitImageProcessor(4)(attn, hs, ctx)
    assert torch.allclose(got, want, atol=1e-5) and not torch.allclose(other, want, atol=1e-4)


# -- the pipeline ----------------------------------------------------------------------------------------------

def test_pipeline_samples_the_global_and_local_passes():
    from nodes.video_models.families.wan.dancer.dancer_pipeline import DancerPipeline
    pipe = DancerPipeline(tiny_pipeline())
    parts = tiny_parts()
    keys = np.zeros((9, 32, 64, 3), np.float32)
    keys[0], keys[8] = 0.7, 0.3
    common = dict(prompt="dance", negative_prompt="still", keyframes=keys, reference=keys[0], dancer_parts=parts,
                  music=np.random.RandomState(0).rand(40, 35).astype(np.float32), height=32, width=64,
                  num_frames=9, num_inference_steps=2, guidance_scale=2.0, output_type="np")
    glob = pipe(**common, keyframes_mask=[1] + [0] * 8, fps=7.5, framewise=True,
                generator=torch.Generator().manual_seed(0)).frames
    local = pipe(**common, keyframes_mask=[1] + [0] * 7 + [1], fps=30.0,
                 generator=torch.Generator().manual_seed(0)).frames
    other = pipe(**dict(common, music=np.zeros((40, 35), np.float32)), keyframes_mask=[1] + [0] * 7 + [1], fps=30.0,
                 generator=torch.Generator().manual_seed(0)).frames
    assert glob.shape == (1, 3, 32, 64, 3)  # framewise: one picture a latent frame (the keyframes)
    assert local.shape == (1, 9, 32, 64, 3) and np.isfinite(local).all()
    assert np.abs(local - other).max() > 1e-3  # the music moves the frames
    assert len(pipe.transformer.blocks) == 2 and pipe.transformer.blocks[0].attn2.processor.__class__.__name__ \
        == "WanAttnProcessor"


def test_clip_tokens_squash_the_whole_frame_as_the_release_does():
    """DiffSynth-Studio@fed7b18 WanImageEncoder.encode_image, transcribed: [-1, 1] pixels, bicubic to the
    encoder's square (no crop), x 0.5 + 0.5, CLIP's normalisation, the tokens before the last layer."""
    import torch.nn.functional as F

    from nodes.video_models.families.wan.dancer.dancer_pipeline import CLIP_MEAN, CLIP_STD, clip_tokens
    pipe = tiny_pipeline()
    img = np.zeros((16, 48, 3), np.uint8)
    img[:, :12] = 250  # a bright band at the left edge: a centre crop of the short side's square drops it
    img[:, 12:] = (np.arange(36)[None, :, None] * 7 % 200).astype(np.uint8)
    got = clip_tokens(pipe, img, "cpu")
    x = torch.from_numpy(img.astype(np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
    x = F.interpolate(x, size=(8, 8), mode="bicubic", align_corners=False).mul_(0.5).add_(0.5)
    x = (x - torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)) / torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    want = pipe.image_encoder(pixel_values=x, output_hidden_states=True).hidden_states[-2]
    assert torch.allclose(got, want, atol=1e-5)
    cropped = pipe.encode_image(img, "cpu")  # diffusers' Wan: the processor's centre crop
    assert got.shape == cropped.shape and not torch.allclose(got, cropped, atol=1e-3)


# -- the released sizes, nothing allocated ---------------------------------------------------------------------

def test_released_14b_parts_have_the_releases_names_and_shapes():
    with meta_device():
        parts = dancer.DancerParts(5120, 40, 36, 16)  # DiffSynth's model_configs.py entry for Wan-Dancer-14B
    shapes = {k: tuple(v.shape) for k, v in parts.state_dict().items()}
    assert all(v.is_meta for v in parts.state_dict().values())
    assert shapes["music_projection.weight"] == (256, 35)
    assert shapes["music_encoder.1.self_attn.in_proj_weight"] == (768, 256)
    assert shapes["music_encoder.0.linear1.weight"] == (1024, 256)
    assert shapes["music_injector.injector.7.q.weight"] == (5120, 5120)
    assert shapes["music_injector.injector.7.norm_k.weight"] == (5120,)
    assert "music_injector.injector.8.q.weight" not in shapes
    assert shapes["img_emb_refimage.proj.1.weight"] == (1280, 1280)
    assert shapes["img_emb_refimage.proj.3.weight"] == (5120, 1280)
    assert shapes["patch_embedding_global.weight"] == (5120, 36, 1, 2, 2)
    assert shapes["head_global.head.weight"] == (64, 5120) and shapes["head_global.modulation"] == (1, 2, 5120)
    assert dancer.injected_layers(8, 40) == (dancer.INJECT_LAYERS, 9)
    n = sum(math.prod(s) for s in shapes.values())
    assert 8 * 4 * 5120 * 5120 < n < 8 * 4 * 5120 * 5120 * 1.05  # the injector's 32 5120-square linears dominate


def test_parts_load_from_comfyui_names_and_refuse_a_plain_wan():
    tr = tiny_pipeline().transformer
    src = tiny_parts()
    state = {"model.diffusion_model." + k: v for k, v in src.state_dict().items()}
    for i in range(2):  # ComfyUI's separate q/k/v music projections
        p = f"model.diffusion_model.music_encoder.{i}.self_attn."
        for leaf in ("weight", "bias"):
            q, k, v = state.pop(f"{p}in_proj_{leaf}").chunk(3)
            state.update({f"{p}q_proj.{leaf}": q, f"{p}k_proj.{leaf}": k, f"{p}v_proj.{leaf}": v})
    got = dancer.load_parts(state, tr, "x.safetensors")
    assert got.inject_layers == (0, 1) and got.skip_block == 1
    assert all(torch.equal(a, b) for a, b in zip(got.state_dict().values(), src.state_dict().values()))
    with pytest.raises(dancer.ModelError, match="not a Wan Dancer model"):
        dancer.load_parts({"blocks.0.self_attn.q.weight": torch.zeros(2, 2)}, tr, "plain.safetensors")


# -- the node ----------------------------------------------------------------------------------------------------

SEG = 9  # the tiny take's segment (the release's 149 frames: dancer_node.SEGMENT)


@pytest.fixture(scope="module")
def dancer_dir(tmp_path_factory):
    from .tiny_dancer import build_dancer
    return build_dancer(str(tmp_path_factory.mktemp("models") / "tiny-dancer"))


def _still():
    return ramp(24, 40, 0.4)


_SRC: dict = {}


def _music(seconds=0.7, rate=22050, silent=False):
    from studio.core.values import Audio
    y = _clicks(rate, seconds, 240.0, stereo=True).T
    return Audio(y * 0 if silent else y, rate)


def _graph(model_dir, audio, **p):
    _SRC["audio"] = audio
    return model_graph(model_dir, "video_models.wan_dancer", {"steps": 2, "steps_global": 2, "previews": False,
                       "preview_size": "off", "width": 64, "height": 32, "seed": 3, "guidance": 2.0, **p},
                       model_inputs=("global_model", "local_model"),
                       image=(source("test.dancer_image", "image", "Image", lambda _: _still()), "image"),
                       audio=(source("test.dancer_audio", "audio", "Audio", lambda _: _SRC["audio"]), "audio"))


def test_the_node_equals_the_pipeline_fed_the_same_conditioning(dancer_dir, monkeypatch):
    from studio.engine.executor import Executor

    from nodes.video_models.families.wan.dancer import dancer_node
    from nodes.video_models.families.wan.dancer.dancer_pipeline import DancerPipeline, segment_slots
    monkeypatch.setattr(dancer_node, "SEGMENT", SEG)
    ex = Executor()
    audio = _music()
    g = _graph(dancer_dir, audio)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    seeds, orig = spy_call(monkeypatch, DancerPipeline)
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.frames.shape == (2 * SEG, 32, 64, 3) and len(seeds) == 3  # 0.7 s: two 0.3 s segments; 1 + 2 calls
    assert made.audio is not None and abs(made.audio.duration - 2 * SEG / 30) < 1e-3  # the music, cut to the take
    pipe, parts = DancerPipeline(ref.pipeline("i2v")), ref.shared.own_modules[("dancer_parts", ref.path)]
    wave = audio.samples[:int(round(2 * SEG / 30 * audio.rate))].T
    feats = dancer.music_features(wave, audio.rate)
    fps = dancer.frame_rate(len(feats), SEG)
    assert fps == 15.0  # 0.6 s of music: 18 rows for 9 frames
    keys = np.zeros((SEG, 24, 40, 3), np.float32)
    keys[0] = _still()
    common = dict(negative_prompt=dancer_node.NEGATIVE, reference=_still(), dancer_parts=parts, height=32, width=64,
                  num_frames=SEG, num_inference_steps=2, guidance_scale=2.0, output_type="np")
    glob = orig(pipe, prompt=dancer.prompt_for("Latin Dance", fps), keyframes=keys, keyframes_mask=[1] + [0] * 8,
                music=feats, fps=fps, framewise=True, generator=torch.Generator().manual_seed(seeds[0]),
                **common).frames[0]
    assert glob.shape == (3, 32, 64, 3)
    per = int(round(SEG / 30 * audio.rate))
    out = []
    for k, slots in enumerate(segment_slots(3, SEG, 2)):
        frames, mask = np.zeros((SEG, 32, 64, 3), np.float32), [0] * SEG
        for pos, i in slots:
            frames[pos], mask[pos] = glob[i], 1
        f = dancer.music_features(wave[:, k * per:(k + 1) * per], audio.rate)
        out.append(orig(pipe, prompt=dancer.prompt_for("Latin Dance", dancer.frame_rate(len(f), SEG), "medium"),
                        keyframes=frames, keyframes_mask=mask, music=f, fps=30.0,
                        generator=torch.Generator().manual_seed(seeds[1 + k]), **common).frames[0])
    direct = np.concatenate(out)
    assert np.abs(made.frames - direct).max() < 1e-4


@pytest.mark.parametrize("audio,p,words", [
    (lambda: _music(silent=True), {}, "the music is silent"),
    (lambda: _music(0.2), {}, "shorter than one segment"),
    (lambda: _music(0.7), {"segments": 3}, "shorter than the take's 0.90 s"),
    (lambda: _music(0.7), {"width": 48}, "must be multiples of 16 with"),
])
def test_bad_input_is_refused_naming_the_node(dancer_dir, monkeypatch, audio, p, words):
    from studio.core.errors import NodeExecutionError
    from studio.engine.executor import Executor

    from nodes.video_models.families.wan.dancer import dancer_node
    monkeypatch.setattr(dancer_node, "SEGMENT", SEG)
    with pytest.raises(NodeExecutionError, match="Wan Dancer: .*" + re.escape(words)):
        Executor().run(_graph(dancer_dir, audio(), **p), targets=["gen"], device="cpu", use_cache=False)


def test_a_plain_wan_i2v_is_refused_naming_the_node(tmp_path, monkeypatch):
    from studio.core.errors import NodeExecutionError
    from studio.engine.executor import Executor

    from nodes.video_models.families.wan.dancer import dancer_node

    from .tiny_dancer import build_dancer
    monkeypatch.setattr(dancer_node, "SEGMENT", SEG)
    plain = build_dancer(str(tmp_path / "plain"), parts=False)
    with pytest.raises(NodeExecutionError, match="Wan Dancer: the global model: model .* is not a Wan Dancer model"):
        Executor().run(_graph(plain, _music()), targets=["gen"], device="cpu", use_cache=False)


def test_comfyuis_dancer_file_is_told_loads_and_its_parts_are_read(tmp_path):
    """ComfyUI's layout: the denoiser in Wan's original names with Dancer's tensors and the release's unused
    ``ref_conv`` (prefixed 'model.diffusion_model.'), ComfyUI's UMT5, VAE and CLIP-vision files: told by name,
    loaded as a Wan I2V model with Dancer's tensors and ref_conv set aside, the parts read by the node's reader;
    a Wan Fun V1.1 file's ref_conv is still not set aside."""
    from safetensors.torch import load_file, save_file

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.families.wan.dancer import dancer_node
    from nodes.video_models.families.wan.family import FAMILY
    from nodes.video_models.loading.load import load_video_model

    from . import tiny_parts as tp
    files = tp.write_parts(tp.build(str(tmp_path / "wan"), i2v=True), str(tmp_path / "models"),
                           prefix="model.diffusion_model.")
    st = load_file(files["denoiser"])
    dim = st["model.diffusion_model.blocks.0.self_attn.q.weight"].shape[0]
    torch.manual_seed(4)
    src = dancer.DancerParts(dim, 2, 36, 16, inject_layers=(0,), clip_dim=st["model.diffusion_model.img_emb.proj.1."
                                                                               "weight"].shape[0], skip_block=0)
    st.update({"model.diffusion_model." + k: v.contiguous() for k, v in src.state_dict().items()})
    st.update({"model.diffusion_model.ref_conv.weight": torch.zeros(dim, 16, 2, 2),
               "model.diffusion_model.ref_conv.bias": torch.zeros(dim)})
    path = str(tmp_path / "models" / "wan2.2_dancer_14b_global_tiny.safetensors")
    save_file(st, path)
    e = describe_file(path)
    assert (e.kind, e.family) == ("denoiser", "wan") and e.variant.startswith("Wan Dancer") and "(global)" in e.variant
    ref = load_video_model(path, base=None, device=torch.device("cpu"), dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                  "image_encoder": files["clip_vision"]})
    assert type(ref.module).__name__ == "WanImageToVideoPipeline"
    got = dancer_node.read_parts(ref, ref.module.transformer, "global")
    assert got.inject_layers == (0,)
    assert all(torch.equal(a, b) for a, b in zip(got.state_dict().values(), src.state_dict().values()))
    names = ["blocks.0.self_attn.q.weight", "ref_conv.weight"]
    from nodes.video_models.base.capabilities import single_file
    own_in = single_file(FAMILY).own_in
    assert "ref_conv." not in own_in(names) and "ref_conv." in own_in(names + ["music_injector.x"])


def test_the_dance_to_music_template_renders_on_tiny_models(tmp_path, monkeypatch, tiny):
    """assets/graphs/dance_to_music.json as shipped (its 'segments' 0: the 2 whole segments of 149 frames its 12 s
    of music cover), smaller and in one step, with the models folder holding the tiny Wan I2V base (its config's
    1024 rotary positions, as the real model's) and the tiny Dancer files under the template's names
    (tests/tiny_models.py): its still and music make a take, the music in the file. Issue 76: it failed at the
    run ("past its 32: set 'segments' to 0 or fewer") on a base of 32 positions, its test passing only with
    'segments' 2 and the segment patched to 9 frames."""
    import os

    from studio.core.fileformat import load_graph
    from studio.engine.executor import Executor
    from studio.engine.media import probe

    from nodes.video_models.families.wan.dancer.dancer_node import SEGMENT
    from tests.tiny_models import build
    root = tmp_path / "models"
    needs = {"Wan-AI/Wan2.1-I2V-14B-480P-Diffusers": ["dance_to_music"],
             "wan2.2_dancer_14b_global_fp8_scaled.safetensors": ["dance_to_music"],
             "wan2.2_dancer_14b_local_fp8_scaled.safetensors": ["dance_to_music"]}
    _, missing = build(str(root), needs, shelf=tiny)  # linked from the session's shelf, built once
    assert not missing
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    here = os.path.dirname(os.path.abspath(__file__))
    g = load_graph(os.path.join(here, "..", "..", "assets", "graphs", "dance_to_music.json"))
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_dancer").id
    assert g.nodes[gen].params["segments"] == 0
    for k, v in (("width", 64), ("height", 32), ("steps", 1), ("steps_global", 1), ("preview_size", "off"),
                 ("previews", False)):
        g.set_param(gen, k, v)
    out = tmp_path / "dance.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video").id
    g.set_param(save, "path", str(out))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (2 * SEGMENT, 64, 32) and info.get("audio_codec")


def test_a_take_past_the_global_models_rotary_reach_is_refused_at_validation(dancer_dir, monkeypatch):
    """The tiny model's rotary table holds 32 positions (its config, foreseen by Load Video Model): 2 segments of 9
    frames put its 3 keyframes 15 fps apart (reach 4), 12 segments 2.5 fps apart (reach 38): refused at validation,
    naming the node and the segments that fit (the run's own check, dancer_node.take_problem). With the release's
    149-frame segments not one fits: said so (issue 76: it said "set 'segments' to 0 or fewer" at the run)."""
    from studio.core.errors import StudioError
    from studio.engine.executor import Executor

    from nodes.video_models.families.wan.dancer import dancer_node
    from nodes.video_models.families.wan.dancer.dancer_pipeline import DancerPipeline
    calls = []
    monkeypatch.setattr(DancerPipeline, "__call__", lambda *a, **k: calls.append(1))
    with pytest.raises(StudioError, match=r"'Wan Dancer' \(gen\): it is not Wan Dancer's model \(its Wan 2.1 I2V 14B "
                                          r"base holds 1024\)|holds 32 rotary positions"):
        Executor().compile(_graph(dancer_dir, _music(3.7), segments=1), targets=["gen"], device="cpu")
    monkeypatch.setattr(dancer_node, "SEGMENT", SEG)
    with pytest.raises(StudioError, match=r"'Wan Dancer' \(gen\): a 3.6 s take .* past its 32: set 'segments' to 10 "
                                          r"or fewer"):
        Executor().run(_graph(dancer_dir, _music(3.7), segments=12), targets=["gen"], device="cpu", use_cache=False)
    assert calls == []
    assert "set 'segments' to 10 or fewer" in dancer_node.take_problem(12, 3.7, 111, 32)  # the run's rows: the same
