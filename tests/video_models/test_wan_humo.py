"""Wan HuMo (issue 58, families/wan/humo/): HuMo's conditioning equals the release's formulas
(Phantom-video/HuMo@17094e9) on hand-computed cases, its audio layers equal a transcription of the
release's modules, the node's frames equal HumoPipeline called directly on the same conditioning, its
files are told from their tensors, and bad input is refused in one sentence naming the node."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.values import Features
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from . import layouts as L  # noqa: E402
from .graphs import model_graph, ramp, spy_call  # noqa: E402
from .tiny_humo import CHANNELS, release_names, tiny_audio  # noqa: E402

T, STATES = 9, 33
_EXTRA: dict = {}  # what the test source's voice is given (the refusal tests)


# -- conditioning, by hand ------------------------------------------------------------------------------

def test_audio_windows_are_the_releases_on_a_hand_computed_case():
    from nodes.video_models.families.wan.humo.humo import audio_windows
    emb = (torch.arange(T, dtype=torch.float32) + 1).view(T, 1, 1).expand(T, 5, 2)  # frame i holds i + 1
    w = audio_windows(emb, 9)
    assert w.shape == (3, 8, 5, 2)
    got = w[:, :, 0, 0].tolist()
    assert got[0] == [0, 0, 0, 0, 0, 1, 2, 3]  # 3 zeros, then frames -2..2 (the two before the voice: zeros)
    assert got[1] == [0, 1, 2, 3, 4, 5, 6, 7]  # frames -1..6
    assert got[2] == [4, 5, 6, 7, 8, 9, 0, 0]  # frames 3..10, past the voice: zeros


def test_whisper_layers_are_grouped_as_the_release_groups_them():
    from nodes.video_models.families.wan.humo.humo import whisper_groups
    states = torch.arange(STATES, dtype=torch.float32).view(1, STATES, 1).expand(2, STATES, 3)  # layer l holds l
    g = whisper_groups(states)
    assert g.shape == (2, 5, 3)
    assert g[0, :, 0].tolist() == [3.5, 11.5, 19.5, 27.5, 32.0]


def test_condition_channels_and_guidance_by_hand():
    from nodes.video_models.families.wan.humo.humo import condition, guided, passes
    zero = torch.full((1, 16, 3, 2, 2), 0.25)
    ref = torch.full((1, 16, 1, 2, 2), 7.0)
    y = condition(zero, ref)
    assert y.shape == (1, 20, 3, 2, 2)
    assert y[0, :4, :2].abs().sum() == 0 and (y[0, :4, 2] == 1).all()  # the mask: the reference's frame only
    assert (y[0, 4:, :2] == 0.25).all() and (y[0, 4:, 2] == 7).all()
    y0 = condition(zero, None)
    assert (y0[0, 4:] == 0.25).all() and (y0[0, :4, 2] == 1).all()  # y_null: the blank, the same mask
    out = {"tia": torch.tensor(4.0), "ti": torch.tensor(2.0), "i": torch.tensor(1.0), "null": torch.tensor(0.5)}
    assert float(guided(out, 5.0, 5.5, 990.0)) == 5.5 * 2 + 5 * 1 + 1  # above step 980: 'i' is the base
    assert float(guided(out, 5.0, 5.5, 500.0)) == 5.5 * 2 + 3 * 1.5 + 0.5  # below: scale_t - 2 against 'null'
    ta = {"ta": torch.tensor(3.0), "t": torch.tensor(1.0), "null": torch.tensor(0.0)}
    assert float(guided(ta, 5.0, 5.5, 990.0)) == 5.5 * 2 + 5 * 1
    assert passes(True, 990.0) == ("tia", "ti", "i") and passes(True, 10.0) == ("tia", "ti", "null")
    assert passes(False, 990.0) == ("ta", "t", "null")


# -- the audio layers against a transcription of the release's ------------------------------------------------

def _rms(x, w, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def _reference_block(st, i, x, audio, hw):
    """model_humo.py AudioCrossAttentionWrapper + WanT2VCrossAttentionGather on the release-named tensors."""
    p = f"blocks.{i}.audio_cross_attn_wrapper."
    a = p + "audio_cross_attn."
    n = 2
    xn = torch.nn.functional.layer_norm(x, x.shape[-1:], st[p + "norm1_audio.weight"], st[p + "norm1_audio.bias"],
                                        1e-6)
    q = _rms(xn @ st[a + "q.weight"].T + st[a + "q.bias"], st[a + "norm_q.weight"])
    k = _rms(audio @ st[a + "k.weight"].T + st[a + "k.bias"], st[a + "norm_k.weight"])
    v = audio @ st[a + "v.weight"].T + st[a + "v.bias"]
    d = q.shape[-1] // n
    q = q.reshape(-1, hw, n, d).transpose(1, 2)
    k = k.reshape(-1, 16, n, d).transpose(1, 2)
    v = v.reshape(-1, 16, n, d).transpose(1, 2)
    att = torch.softmax(q @ k.transpose(-1, -2) / d ** 0.5, -1) @ v
    return att.transpose(1, 2).reshape(x.shape) @ st[a + "o.weight"].T + st[a + "o.bias"]


def _reference_proj(st, emb):
    """audio_proj.py AudioProjModel.forward on the release-named tensors."""
    g = "audio_proj.audio_proj_glob_"
    b, f = emb.shape[:2]
    h = torch.relu(emb.reshape(b * f, -1) @ st[g + "1.layer.weight"].T + st[g + "1.layer.bias"])
    h = torch.relu(h @ st[g + "2.layer.weight"].T + st[g + "2.layer.bias"])
    h = (h @ st[g + "3.layer.weight"].T + st[g + "3.layer.bias"]).reshape(b * f, 16, -1)
    h = torch.nn.functional.layer_norm(h, h.shape[-1:], st[g + "norm.layer.weight"], st[g + "norm.layer.bias"])
    return h.reshape(b, f, 16, -1)


def test_audio_layers_read_from_release_names_equal_the_releases_modules():
    from nodes.video_models.families.wan.humo.humo import load_audio
    st = {"model.diffusion_model." + k: v for k, v in release_names(tiny_audio().state_dict()).items()}
    audio = load_audio(st, 24, 2, 2, "tiny")
    raw = {k.removeprefix("model.diffusion_model."): v for k, v in st.items()}
    g = torch.Generator().manual_seed(0)
    emb = torch.randn(1, 3, 8, 5, CHANNELS, generator=g)
    with torch.no_grad():
        tokens = audio.tokens(emb)
        assert torch.allclose(tokens, _reference_proj(raw, emb).flatten(1, 2), atol=1e-5)
        x = torch.randn(1, 3 * 4, 24, generator=g)  # 3 latent frames of 2x2 tokens
        for i in range(2):
            assert torch.allclose(audio.blocks[i](x, tokens, 3), _reference_block(raw, i, x, tokens, 4), atol=1e-5)
    bad = {k: v for k, v in st.items() if "blocks.1." not in k}
    from nodes.video_models.base.errors import ModelError
    with pytest.raises(ModelError, match="does not fit its Wan denoiser"):
        load_audio(bad, 24, 2, 2, "tiny")


def test_the_humo_denoiser_is_wans_plus_the_audio_step():
    from diffusers import WanTransformer3DModel

    from nodes.video_models.families.wan.humo.humo import audio_applied, humo_transformer_class
    cfg = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=36, out_channels=16,
               text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, rope_max_seq_len=32)
    torch.manual_seed(0)
    humo = humo_transformer_class()(**cfg, audio_channels=CHANNELS, audio_hidden=16, audio_dim=32).eval()
    humo.audio.load_state_dict(tiny_audio().state_dict())
    wan = WanTransformer3DModel(**cfg).eval()
    wan.load_state_dict({k: v for k, v in humo.state_dict().items() if not k.startswith("audio.")})
    g = torch.Generator().manual_seed(1)
    x, t = torch.randn(1, 36, 3, 4, 4, generator=g), torch.tensor([500.0])
    text = torch.randn(1, 5, 32, generator=g)
    emb = torch.randn(1, 3, 8, 5, CHANNELS, generator=g)
    with torch.no_grad():
        plain = wan(x, t, text, return_dict=False)[0]
        heard = humo(x, t, text, return_dict=False, audio_embeds=emb)[0]
        assert torch.equal(humo(x, t, text, return_dict=False)[0], plain)  # no audio: Wan's denoiser exactly
        assert (heard - plain).abs().max() > 1e-3  # the voice changes the prediction
        with audio_applied(wan, humo.audio) as applied:  # the same step on a plain Wan denoiser (the node's way)
            applied.set(emb)
            assert torch.allclose(wan(x, t, text, return_dict=False)[0], heard, atol=1e-6)
        assert torch.equal(wan(x, t, text, return_dict=False)[0], plain)  # hooks gone after the block


# -- files ------------------------------------------------------------------------------------------------

def test_a_comfyui_humo_file_is_told_from_its_tensors(tmp_path):
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.catalog.listing import describe_file
    s = L.wan(5120, 36, 2, i2v=True)
    s = {k: v for k, v in s.items() if not k.startswith("img_emb.")}
    s.update({f"blocks.{i}.audio_cross_attn_wrapper.norm1_audio.weight": (5120,) for i in range(2)})
    s.update({"audio_proj.audio_proj_glob_1.layer.weight": (512, 51200), "audio_proj.audio_proj_glob_3.layer.weight":
              (24576, 512)})
    r = recognise({"model.diffusion_model." + k: v for k, v in s.items()}, filename="humo_17B_fp8_e4m3fn.safetensors")
    assert (r.kind, r.family, r.variant) == ("denoiser", "wan", "Wan 2.1 HuMo 17B")
    e = describe_file(L.write(str(tmp_path / "humo_17B_fp8_e4m3fn.safetensors"),
                              {"model.diffusion_model." + k: v for k, v in s.items()}))
    assert (e.kind, e.family, e.variant) == ("denoiser", "wan", "Wan 2.1 HuMo 17B")  # the models picker's line
    plain = {k: v for k, v in s.items() if "audio" not in k}
    assert "HuMo" not in recognise(plain, filename="humo_17B.safetensors").variant


# -- the node ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def humo_dir(tmp_path_factory):
    from .tiny_humo import build_humo
    return build_humo(str(tmp_path_factory.mktemp("models") / "tiny-humo"))


@pytest.fixture(scope="module")
def wan_dir(tmp_path_factory):
    from .tiny_humo import build_humo
    return build_humo(str(tmp_path_factory.mktemp("models") / "tiny-wan-36"), audio=False)


def _states(silent=False, voice_frames=T, layers=STATES, width=CHANNELS):
    g = np.random.default_rng(3)
    return g.standard_normal((T, layers * width)).astype(np.float32), dict(
        encoder="WhisperModel", layers=layers, width=width, voice_frames=voice_frames, silent=silent)


def _reference(_):
    return ramp(24, 40, 0.4)


def _voice_states(_):
    data, extras = _states(**_EXTRA)
    return Features(data, per_frame=True, fps=25.0, extras=extras)


def _feeds() -> dict:
    """The node's reference image and voice features, from test sources."""
    return {"reference": (source("test.humo_reference", "image", "Image", _reference), "image"),
            "features": (source("test.humo_features", "features", "Features", _voice_states), "features")}


def _graph(model_dir, **p):
    return model_graph(model_dir, "video_models.wan_humo", {"steps": 2, "prompt": "a man talking", "previews": False,
                       "preview_size": "off", "width": 32, "height": 32, "seed": 3, **p}, **_feeds())


def test_the_node_equals_humo_pipeline_called_directly(humo_dir, monkeypatch):
    from nodes.video_models.families.wan.humo.humo import whisper_groups
    from nodes.video_models.families.wan.humo.humo_node import NEGATIVE
    from nodes.video_models.families.wan.humo.humo_pipeline import HumoPipeline
    ex = Executor()
    g = _graph(humo_dir)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    assert ref.fam.key == "wan"
    seen, orig = spy_call(monkeypatch, HumoPipeline)
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (9, 32, 32, 3) and len(seen) == 1
    pipe = HumoPipeline(ref.pipeline("t2v"))
    audio = ref.shared.own_modules[("humo_audio", ref.path)]
    data, _ = _states()
    image = ramp(24, 40, 0.4)
    emb = whisper_groups(torch.from_numpy(data).reshape(T, STATES, CHANNELS))
    kw = dict(prompt="a man talking", negative_prompt=NEGATIVE, image=image, audio_embeds=emb, humo_audio=audio,
              height=32, width=32, num_frames=9, num_inference_steps=2)
    direct = orig(pipe, **kw, generator=torch.Generator().manual_seed(seen[0]), output_type="np").frames[0]
    assert np.abs(made - direct).max() < 1e-5
    silent = orig(pipe, **dict(kw, audio_embeds=emb * 0), generator=torch.Generator().manual_seed(seen[0]),
                  output_type="np").frames[0]
    assert np.abs(direct - silent).max() > 1e-3  # the voice changes the frames
    off = orig(pipe, **kw, guidance="off", generator=torch.Generator().manual_seed(seen[0]), output_type="np").frames[0]
    assert np.abs(direct - off).max() > 1e-3


@pytest.mark.parametrize("extra,words", [
    ({"silent": True}, "the voice is silent"),
    ({"voice_frames": 5}, "the voice covers 5 frames (0.20 s at 25 fps) but the take is 9"),
    ({"layers": 5}, "HuMo reads Whisper large-v3's 33 hidden states"),
    ({"width": 5}, "the voice's features are 5 wide; this HuMo model reads Whisper features 4 wide"),
])
def test_bad_voices_are_refused_naming_the_node(humo_dir, monkeypatch, extra, words):
    monkeypatch.setattr(__import__(__name__, fromlist=["_EXTRA"]), "_EXTRA", extra)
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(_graph(humo_dir, frames=T), targets=["gen"], device="cpu", use_cache=False)
    assert "Wan HuMo: " in str(e.value) and words in str(e.value)


def test_frames_0_is_the_voices_length_not_the_silence_speech_features_padded(humo_dir, monkeypatch):
    """Speech Features pads a take longer than the voice with silence (voice_frames says where the voice
    ends): 'frames' 0 makes the voice's 5 frames, not the features' 9 (base/voice.py, shared with S2V and
    InfiniteTalk)."""
    monkeypatch.setattr(__import__(__name__, fromlist=["_EXTRA"]), "_EXTRA", {"voice_frames": 5})
    clip = Executor().run(_graph(humo_dir), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(clip) == 5


def test_a_wan_model_without_humos_layers_is_refused(wan_dir):
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False)
    assert "Wan HuMo: " in str(e.value) and "is not a HuMo model" in str(e.value)


def test_comfyuis_humo_file_with_its_parts_loads_and_runs_through_the_node(tmp_path, tiny):
    """ComfyUI's layout: the denoiser in Wan's original names with HuMo's audio tensors (prefixed
    'model.diffusion_model.'), ComfyUI's UMT5 and Wan VAE files; the audio layers are set aside by the
    loader, read by the node from the file, and the denoiser's Wan weights are the file's."""
    from diffusers import WanTransformer3DModel
    from safetensors.torch import save_file

    from nodes.video_models.families.wan.humo.humo import HumoAudio
    from nodes.video_models.loading.load import load_video_model

    from . import tiny_parts as tp
    from .tiny_formats import WIDE, wan_original_names
    files = tp.write_parts(tiny("wan-parts"), str(tmp_path / "models"))
    torch.manual_seed(0)
    den = WanTransformer3DModel(**{**WIDE, "text_dim": 32, "rope_max_seq_len": 1024, "in_channels": 36})
    torch.manual_seed(2)
    audio = HumoAudio(256, 2, 1, CHANNELS, hidden=16, audio_dim=32)
    state = {**wan_original_names(den.state_dict()), **release_names(audio.state_dict())}
    path = str(tmp_path / "models" / "humo_17B_tiny_fp32.safetensors")
    save_file({"model.diffusion_model." + k: v.contiguous() for k, v in state.items()}, path)
    parts = {"text_encoder": files["text_encoder"], "vae": files["vae"]}
    ref = load_video_model(path, base=None, device=torch.device("cpu"), dtype_name="fp32", parts=parts)
    got = ref.module.transformer.state_dict()
    assert all(torch.equal(got[k], v) for k, v in den.state_dict().items())
    g = model_graph(path, "video_models.wan_humo", {"steps": 1, "previews": False, "preview_size": "off", "width": 16,
                                                     "height": 16, "guidance_mode": "off"}, **_feeds())
    g.nodes["load"].params.update(parts)
    ex = Executor()
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.n_frames == T
    loaded = ex.run(g, targets=["load"], device="cpu").value("load")
    kept = loaded.shared.own_modules[("humo_audio", path)].state_dict()
    assert all(torch.equal(kept[k].float(), v) for k, v in audio.state_dict().items())


def test_comfyuis_humo_template_converts_to_the_node_with_image_voice_and_prompt():
    import json
    import os
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "video_humo.json"), encoding="utf-8") as f:
        conv = convert(json.load(f), "video_humo")
    g = conv.graph
    assert g.validate() == []
    by = {n.type_id: n for n in g.nodes.values()}
    gen, speech, save = by["video_models.wan_humo"], by["encode.speech"], by["io.save_video"]
    assert gen.params["prompt"].startswith("A young boy in sci-fi style clothing is talking")
    assert (gen.params["frames"], gen.params["width"], gen.params["steps"], gen.params["guidance_mode"]) == \
        (97, 640, 6, "off")  # cfg 1 with the lightx2v LoRA: one model call a step
    assert speech.params["layers"] == "all" and "preprocess.load" not in by
    assert speech.params["encoder"] == "whisper_large_v3_fp16.safetensors"  # ComfyUI's file, read by Speech Features
    links = {(lk.src, lk.src_port, lk.dst, lk.dst_port) for lk in g.links}
    wired = {(g.nodes[a].type_id, b, g.nodes[c].type_id, d) for a, b, c, d in links}
    assert ("io.load_image", "image", "video_models.wan_humo", "reference") in wired
    assert ("encode.speech", "features", "video_models.wan_humo", "features") in wired
    assert ("io.load_audio", "audio", "encode.speech", "audio") in wired
    assert ("io.load_audio", "audio", "io.save_video", "audio") in wired  # the voice in the file with the take
    assert any("reads ComfyUI's 'whisper_large_v3_fp16.safetensors' (audio_encoders/) into transformers' Whisper"
               in line for line in conv.log)


def _whisper33(path):
    """A tiny Whisper with large-v3's 32 encoder layers (33 hidden states), CHANNELS wide."""
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel
    torch.manual_seed(0)
    cfg = WhisperConfig(d_model=CHANNELS, encoder_layers=32, decoder_layers=1, encoder_attention_heads=2,
                        decoder_attention_heads=2, encoder_ffn_dim=8, decoder_ffn_dim=8, num_mel_bins=16,
                        max_source_positions=1500, max_target_positions=32, vocab_size=64,
                        pad_token_id=1, bos_token_id=2, eos_token_id=3, decoder_start_token_id=2)
    WhisperModel(cfg).eval().save_pretrained(path, safe_serialization=True)
    WhisperFeatureExtractor(feature_size=16, sampling_rate=16000).save_pretrained(path)
    return str(path)


_VOICE: dict = {}


def _voice_graph(model_dir, whisper):
    from studio.core.values import Audio
    voice = source("test.humo_voice", "audio", "Audio", lambda _: {"audio": Audio(_VOICE["samples"], _VOICE["rate"])})
    g = _graph(model_dir, frames=9)
    g.add_node(voice, {}, node_id="voice")
    g.add_node("preprocess.load", {"kind": "speech", "model": whisper, "device": "cpu"}, node_id="whisper")
    g.add_node("encode.speech", {"layers": "all", "fps": 25.0}, node_id="speech")
    g.connect("voice", "audio", "speech", "audio")
    g.connect("whisper", "model", "speech", "model")
    g.disconnect("gen", "features")  # the test source's features replaced by the voice's
    g.connect("speech", "features", "gen", "features")
    return g


def test_a_voice_at_another_rate_through_speech_features_drives_the_node_and_bad_voices_are_said(humo_dir, tmp_path,
                                                                                                monkeypatch):
    """Speech Features (Whisper, every hidden state) of a 22.05 kHz stereo voice, resampled to Whisper's 16 kHz,
    into the node; a voice shorter than the take and a silent one are refused in words naming the node."""
    whisper = _whisper33(tmp_path / "whisper")
    t = np.arange(int(0.4 * 22050)) / 22050
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    monkeypatch.setitem(_VOICE, "samples", np.stack([tone, 0.5 * tone], 1))
    monkeypatch.setitem(_VOICE, "rate", 22050)
    made = Executor().run(_voice_graph(humo_dir, whisper), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.n_frames == 9
    monkeypatch.setitem(_VOICE, "samples", np.stack([tone[:4410], tone[:4410]], 1))  # 0.2 s: 5 frames
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(_voice_graph(humo_dir, whisper), targets=["gen"], device="cpu", use_cache=False)
    assert "Wan HuMo: the voice covers 5 frames (0.20 s at 25 fps) but the take is 9" in str(e.value)
    monkeypatch.setitem(_VOICE, "samples", np.zeros((len(tone), 1), np.float32))
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(_voice_graph(humo_dir, whisper), targets=["gen"], device="cpu", use_cache=False)
    assert "Wan HuMo: the voice is silent" in str(e.value)


def test_scaled_fp8_audio_layers_are_read_with_their_scales():
    """ComfyUI's scaled fp8 layout: each linear's weight in fp8 beside its per-tensor scale_weight."""
    from nodes.video_models.families.wan.humo.humo import load_audio
    full = release_names(tiny_audio().state_dict())
    st = {}
    for k, v in full.items():
        if k.endswith(".weight") and v.ndim == 2:
            scale = v.abs().max() / 448
            st[k] = (v / scale).to(torch.float8_e4m3fn)
            st[k[: -len("weight")] + "scale_weight"] = scale.reshape(())
        else:
            st[k] = v
    got = load_audio(st, 24, 2, 2, "tiny").state_dict()
    want = load_audio(full, 24, 2, 2, "tiny").state_dict()
    w = "blocks.1.attn.to_k.weight"
    assert not torch.equal(got[w], st["blocks.1.audio_cross_attn_wrapper.audio_cross_attn.k.weight"].float())
    assert torch.allclose(got[w], want[w], rtol=0.07, atol=1e-3)  # fp8's 3 mantissa bits


def test_the_reference_is_fitted_as_the_release_fits_it():
    """load_image_latent_ref_id: scaled to fit (aspect kept), centred on white."""
    from nodes.video_models.families.wan.humo.humo_pipeline import fitted
    wide = np.full((20, 40, 3), 0.2, np.float32)  # twice as wide as high, into a square
    out = fitted(wide, 32, 32)
    assert out.shape == (32, 32, 3)
    assert (out[:8] == 1).all() and (out[24:] == 1).all()  # 32 x 16 placed in the middle: 8 white rows each side
    assert np.allclose(out[8:24], 0.2, atol=1 / 255)
    tall = fitted(np.zeros((40, 10, 3), np.float32), 32, 16)  # into 32 wide, 16 high: 4 x 16, 14 white columns left
    assert (tall[:, :14] == 1).all() and (tall[:, 14:18] == 0).all() and (tall[:, 18:] == 1).all()


# -- a take reworked (a refine pass) ------------------------------------------------------------------------


def _take(_):
    return ArrayClip(np.stack([ramp(32, 32, 0.1 * i) for i in range(T)]), 25.0)


def _rework_graph(model_dir, **p):
    return model_graph(model_dir, "video_models.wan_humo", {"steps": 4, "prompt": "a man singing", "previews": False,
                       "preview_size": "off", "width": 32, "height": 32, "seed": 3, **p},
                       features=(source("test.humo_features", "features", "Features", _voice_states), "features"),
                       video=(source("test.humo_take", "video", "Video", _take), "video"))


def test_a_take_reworked_at_a_strength_equals_the_pipeline_called_on_it(humo_dir, monkeypatch):
    """A take reworked (issue 112 item 4: Wan HuMo refining an LTX-2.3 take): with a video and 'strength' below 1 the
    node runs the last int(steps * strength) steps from the take's frames, encoded and noised to that step's sigma,
    equal to HumoPipeline called with the same take; the frames differ from a take made from noise."""
    from nodes.video_models.families.wan.humo.humo import whisper_groups
    from nodes.video_models.families.wan.humo.humo_node import NEGATIVE
    from nodes.video_models.families.wan.humo.humo_pipeline import HumoPipeline
    ex = Executor()
    g = _rework_graph(humo_dir, strength=0.5)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    seen, orig = spy_call(monkeypatch, HumoPipeline)
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (T, 32, 32, 3)  # the take's 9 frames
    pipe = HumoPipeline(ref.pipeline("t2v"))
    steps = []
    monkeypatch.setattr(type(pipe.scheduler), "step", lambda self, *a, _s=type(pipe.scheduler).step, **k:
                        steps.append(1) or _s(self, *a, **k))
    data, _ = _states()
    emb = whisper_groups(torch.from_numpy(data).reshape(T, STATES, CHANNELS))
    kw = dict(prompt="a man singing", negative_prompt=NEGATIVE, audio_embeds=emb, height=32, width=32, num_frames=T,
              num_inference_steps=4, humo_audio=ref.shared.own_modules[("humo_audio", ref.path)])
    direct = orig(pipe, **kw, video=_take(None).chunk(0, T), strength=0.5,
                  generator=torch.Generator().manual_seed(seen[0]), output_type="np").frames[0]
    assert np.abs(made - direct).max() < 1e-5
    assert len(steps) == 2  # the last 2 of the 4 steps
    fresh = orig(pipe, **kw, generator=torch.Generator().manual_seed(seen[0]), output_type="np").frames[0]
    assert np.abs(direct - fresh).max() > 1e-3  # the take is reworked, not replaced
