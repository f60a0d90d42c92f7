"""InfiniteTalk (issue 58): the audio windows and the per-latent-frame split on a hand-computed case,
the projection and the audio block against the reference's formulas (MeiGen-AI/InfiniteTalk@0107cd9
wan/modules/multitalk_model.py, written out here step for step), the node's frames against
diffusers' WanImageToVideoPipeline called directly with the same audio conditioning, and bad input
said in words naming the node. Tiny random models and a tiny random patch file, built here."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")
einops = pytest.importorskip("einops")

from nodes.video_models.families.wan.infinitetalk import (audio_tokens, audio_windows, build_patch,  # noqa: E402
                                                          latent_windows, read_patch, talk_applied)

from .test_wan_move import _register, _still  # noqa: E402

DIM, HEADS, LAYERS = 24, 2, 2  # tests/video_models/tiny.py's Wan transformer
PER_FRAME, INTER, OUT = 2 * 8, 16, 8  # 2 'layers' of 8 a frame; the projection's widths


def _patch_state(seed=0, per_frame=PER_FRAME, layers=LAYERS):
    g = torch.Generator().manual_seed(seed)

    def r(*s):
        return torch.randn(*s, generator=g) * 0.2
    st = {"audio_proj.proj1.weight": r(INTER, 5 * per_frame), "audio_proj.proj1.bias": r(INTER),
          "audio_proj.proj1_vf.weight": r(INTER, 8 * per_frame), "audio_proj.proj1_vf.bias": r(INTER),
          "audio_proj.proj2.weight": r(INTER, INTER), "audio_proj.proj2.bias": r(INTER),
          "audio_proj.proj3.weight": r(32 * OUT, INTER), "audio_proj.proj3.bias": r(32 * OUT),
          "audio_proj.norm.weight": 1 + r(OUT), "audio_proj.norm.bias": r(OUT)}
    for i in range(layers):
        b = f"blocks.{i}."
        st.update({b + "audio_cross_attn.q_linear.weight": r(DIM, DIM), b + "audio_cross_attn.q_linear.bias": r(DIM),
                   b + "audio_cross_attn.kv_linear.weight": r(2 * DIM, OUT),
                   b + "audio_cross_attn.kv_linear.bias": r(2 * DIM),
                   b + "audio_cross_attn.proj.weight": r(DIM, DIM), b + "audio_cross_attn.proj.bias": r(DIM),
                   b + "norm_x.weight": 1 + r(DIM), b + "norm_x.bias": r(DIM)})
    return st


def _patch(seed=0):
    return build_patch(_patch_state(seed), DIM, HEADS, LAYERS)


# -- the conditioning formulas ------------------------------------------------------------------------
def test_windows_and_the_latent_split_on_a_hand_computed_case():
    feats = torch.arange(9.0)[:, None]  # frame t's feature is t
    win = audio_windows(feats, 0, 9)[0, :, :, 0]
    assert win[0].tolist() == [0, 0, 0, 1, 2] and win[8].tolist() == [6, 7, 8, 8, 8]  # clamped at the ends
    first, later = latent_windows(audio_windows(feats, 0, 9))
    assert first[0, 0, :, 0].tolist() == [0, 0, 0, 1, 2]
    # latent frame 1 = frames 1..4: frame 1's window to its centre, 2's and 3's centres, 4's from its centre
    assert later[0, 0, :, 0].tolist() == [0, 0, 1, 2, 3, 4, 5, 6]
    assert later[0, 1, :, 0].tolist() == [3, 4, 5, 6, 7, 8, 8, 8]
    assert audio_windows(feats, 4, 9)[0, 0, :, 0].tolist() == [2, 3, 4, 5, 6]  # a later window's start


def _reference_tokens(state, audio_cond, vae_scale=4, audio_window=5):
    """WanModel.forward's audio split and AudioProjModel.forward, as released (0107cd9), on [B, n, 5, L, D]."""
    from einops import rearrange
    F = torch.nn.functional
    first_frame_audio_emb_s = audio_cond[:, :1, ...]
    latter_frame_audio_emb = audio_cond[:, 1:, ...]
    latter_frame_audio_emb = rearrange(latter_frame_audio_emb, "b (n_t n) w s c -> b n_t n w s c", n=vae_scale)
    middle_index = audio_window // 2
    latter_first = rearrange(latter_frame_audio_emb[:, :, :1, :middle_index + 1, ...], "b n_t n w s c -> b n_t (n w) s c")
    latter_last = rearrange(latter_frame_audio_emb[:, :, -1:, middle_index:, ...], "b n_t n w s c -> b n_t (n w) s c")
    latter_middle = rearrange(latter_frame_audio_emb[:, :, 1:-1, middle_index:middle_index + 1, ...],
                              "b n_t n w s c -> b n_t (n w) s c")
    audio_embeds_vf = torch.concat([latter_first, latter_middle, latter_last], dim=2)
    audio_embeds = first_frame_audio_emb_s
    video_length = audio_embeds.shape[1] + audio_embeds_vf.shape[1]
    B = audio_embeds.shape[0]
    audio_embeds = rearrange(audio_embeds, "bz f w b c -> (bz f) w b c")
    audio_embeds = audio_embeds.reshape(audio_embeds.shape[0], -1)
    audio_embeds_vf = rearrange(audio_embeds_vf, "bz f w b c -> (bz f) w b c")
    audio_embeds_vf = audio_embeds_vf.reshape(audio_embeds_vf.shape[0], -1)
    lin = lambda x, n: F.linear(x, state[f"audio_proj.{n}.weight"], state[f"audio_proj.{n}.bias"])  # noqa: E731
    audio_embeds = torch.relu(lin(audio_embeds, "proj1"))
    audio_embeds_vf = torch.relu(lin(audio_embeds_vf, "proj1_vf"))
    audio_embeds = rearrange(audio_embeds, "(bz f) c -> bz f c", bz=B)
    audio_embeds_vf = rearrange(audio_embeds_vf, "(bz f) c -> bz f c", bz=B)
    c = torch.concat([audio_embeds, audio_embeds_vf], dim=1)
    bc, n_t, ca = c.shape
    c = torch.relu(lin(c.view(bc * n_t, ca), "proj2"))
    tokens = lin(c, "proj3").reshape(bc * n_t, 32, OUT)
    tokens = F.layer_norm(tokens, (OUT,), state["audio_proj.norm.weight"], state["audio_proj.norm.bias"])
    return rearrange(tokens, "(bz f) m c -> bz f m c", f=video_length)


def test_the_projection_equals_the_reference():
    state = _patch_state(3)
    patch = build_patch(state, DIM, HEADS, LAYERS)
    feats = torch.randn(17, PER_FRAME)
    got = audio_tokens(patch, feats, 0, 13)
    want = _reference_tokens(state, audio_windows(feats, 0, 13).reshape(1, 13, 5, 2, 8))
    assert got.shape == (1, 4, 32, OUT)
    assert torch.allclose(got, want, atol=1e-5)


class _Pipe:
    def __init__(self, transformer):
        from diffusers import FlowMatchEulerDiscreteScheduler
        self.transformer, self.scheduler = transformer, FlowMatchEulerDiscreteScheduler()


def _reference_block(block, audio_block, audio, frames):
    """diffusers' WanTransformerBlock.forward with the reference's audio step between the text
    cross-attention and the feed-forward (multitalk_model.py WanAttentionBlock.forward)."""
    F = torch.nn.functional

    def forward(hidden_states, encoder_hidden_states, temb, rotary_emb):
        shift, scale, gate, c_shift, c_scale, c_gate = (block.scale_shift_table + temb.float()).chunk(6, dim=1)
        x = (block.norm1(hidden_states.float()) * (1 + scale) + shift).type_as(hidden_states)
        hidden_states = (hidden_states.float() + block.attn1(x, None, None, rotary_emb) * gate).type_as(hidden_states)
        x = block.norm2(hidden_states.float()).type_as(hidden_states)
        hidden_states = hidden_states + block.attn2(x, encoder_hidden_states, None, None)
        # x_a = audio_cross_attn(norm_x(x), audio) (SingleStreamAttention: per latent frame)
        nx = F.layer_norm(hidden_states, (DIM,), audio_block.norm_x.weight, audio_block.norm_x.bias, 1e-6)
        att = audio_block.audio_cross_attn
        q = einops.rearrange(att.q_linear(nx), "B (N_t S) (H K) -> (B N_t) H S K", N_t=frames, H=HEADS)
        k, v = einops.rearrange(att.kv_linear(audio), "M A (two H K) -> two M H A K", two=2, H=HEADS)
        o = torch.softmax(q @ k.transpose(-1, -2) / (DIM // HEADS) ** 0.5, -1) @ v
        hidden_states = hidden_states + att.proj(einops.rearrange(o, "(B N_t) H S K -> B (N_t S) (H K)", N_t=frames))
        x = (block.norm3(hidden_states.float()) * (1 + c_scale) + c_shift).type_as(hidden_states)
        return (hidden_states.float() + block.ffn(x).float() * c_gate).type_as(hidden_states)
    return forward


def test_the_audio_blocks_equal_the_reference_block_and_the_first_frame_is_held(monkeypatch):
    from .tiny import tiny_wan_transformer
    torch.manual_seed(0)
    tr = tiny_wan_transformer(36, image_dim=4).eval()
    patch = _patch(1)
    cond = audio_tokens(patch, torch.randn(9, PER_FRAME), 0, 9)
    hs, ehs = torch.randn(1, 36, 3, 8, 8), torch.randn(1, 5, 32)
    img = torch.randn(1, 4, 4)
    pipe = _Pipe(tr)
    with torch.no_grad(), talk_applied(pipe, patch, cond, cond):
        got = tr(hidden_states=hs, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
                 encoder_hidden_states_image=img, return_dict=False)[0]
    assert not tr._forward_pre_hooks and not tr.blocks[0].attn2._forward_hooks  # removed after
    pinned = hs.clone()
    pinned[:, :16, :1] = hs[:, 20:, :1]  # the start image's latent in the first latent frame
    for i, block in enumerate(tr.blocks):
        monkeypatch.setattr(block, "forward", _reference_block(block, patch.blocks[i], cond[0], 3))
    with torch.no_grad():
        want = tr(hidden_states=pinned, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
                  encoder_hidden_states_image=img, return_dict=False)[0]
    assert torch.allclose(got, want, atol=1e-5)
    assert not torch.allclose(got, tr(hidden_states=hs, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
                                      encoder_hidden_states_image=img, return_dict=False)[0], atol=1e-3)


def test_a_file_that_is_not_an_infinitetalk_patch_is_refused_in_words(tmp_path):
    from safetensors.torch import save_file
    other = tmp_path / "lora.safetensors"
    save_file({"blocks.0.attn1.to_q.lora_A.weight": torch.zeros(2, 2)}, str(other))
    with pytest.raises(StudioError, match=r"InfiniteTalk: 'lora.safetensors' is not an InfiniteTalk patch"):
        read_patch(str(other))
    prefixed = tmp_path / "it.safetensors"
    save_file({"model.diffusion_model." + k: v for k, v in _patch_state().items()}, str(prefixed))
    assert set(read_patch(str(prefixed))) == set(_patch_state())  # ComfyUI's prefix dropped
    with pytest.raises(StudioError, match="this model's has 3 blocks"):
        build_patch(_patch_state(), DIM, HEADS, 3)


# -- the node ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from safetensors.torch import save_file
    from .tiny_i2v import build_wan_i2v
    d = tmp_path_factory.mktemp("models")
    save_file(_patch_state(2), str(d / "infinitetalk.safetensors"))
    return build_wan_i2v(str(d / "tiny-wan-i2v")), str(d / "infinitetalk.safetensors")


VOICES: dict = {}


def _voice_node():
    from studio.core.params import String
    from studio.core.registry import default_registry
    from studio.core.spec import SOURCE, Node, Out
    from studio.core.values import Features
    if "test.talk_voice" in default_registry():
        return

    class Voice(Node):
        id = "test.talk_voice"
        timing = SOURCE
        params = (String("name", "a"),)
        outputs = (Out("features", "Features"),)

        def run(self, ctx):
            data, extras = VOICES[ctx.params.name]
            return Features(data, per_frame=True, fps=25.0, extras=dict(extras))
    default_registry().register(Voice)


def _graph(model_dir, patch, voice="a", **p):
    _register()
    _voice_node()
    g = Graph()
    g.add_node("video_models.load", {"model": model_dir}, node_id="load")
    g.add_node("test.move_still", {}, node_id="img")
    g.add_node("test.talk_voice", {"name": voice}, node_id="voice")
    g.add_node("video_models.infinitetalk", {"patch": patch, "width": 32, "height": 32, "steps": 2, "prompt": "a face",
                                             "previews": False, "preview_size": "off", **p}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.connect("img", "image", "gen", "image")
    g.connect("voice", "features", "gen", "speech")
    return g


def _features(seed, frames=11, silent=False):
    data = torch.randn(frames, 3 * 8, generator=torch.Generator().manual_seed(seed))  # embeddings + 2 layers of 8
    return data, {"width": 8, "layers": 3, "voice_s": frames / 25.0, "peak": 0.0 if silent else 0.3}


def test_the_node_equals_the_pipeline_called_with_the_same_audio_conditioning(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    model_dir, patch_path = models
    VOICES.update(a=_features(0), b=_features(1))
    ex = Executor()
    g = _graph(model_dir, patch_path, guidance=3.0)
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("i2v")
    seeds = []
    cls = type(pipe)
    orig_call = cls.__call__

    @functools.wraps(orig_call)
    def spy(this, *a, **k):
        seeds.append(k["generator"].initial_seed())
        return orig_call(this, *a, **k)
    monkeypatch.setattr(cls, "__call__", spy)
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.n_frames == 9 and made.fps == 25.0  # 11 frames of voice: 4k+1 = 9
    frames = made.frames
    other = ex.run(_graph(model_dir, patch_path, voice="b", guidance=3.0), targets=["gen"], device="cpu",
                   use_cache=False).value("gen").frames
    assert not np.allclose(frames, other, atol=1e-4)  # another voice, another face
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    feats = VOICES["a"][0][:, 8:]  # wav2vec2's layers after its embeddings
    cond, uncond = audio_tokens(patch, feats, 0, 9), audio_tokens(patch, torch.zeros_like(feats), 0, 9)
    with talk_applied(pipe, patch, cond, uncond):
        direct = orig_call(pipe, image=to_pil(_still()), prompt="a face", height=32, width=32, num_frames=9,
                           num_inference_steps=2, guidance_scale=3.0, output_type="pt",
                           generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(frames, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)
    assert "step" not in vars(pipe.scheduler) and not pipe.transformer._forward_pre_hooks
    conds, prepare = [], pipe.prepare_latents

    def kept(*a, **k):
        out = prepare(*a, **k)
        conds.append(out[1])
        return out
    monkeypatch.setattr(pipe, "prepare_latents", kept)
    with talk_applied(pipe, patch, cond, uncond):
        lat = orig_call(pipe, image=to_pil(_still()), prompt="a face", height=32, width=32, num_frames=9,
                        num_inference_steps=2, guidance_scale=3.0, output_type="latent",
                        generator=torch.Generator().manual_seed(seeds[0])).frames
    assert torch.equal(lat[:, :, :1], conds[0][:, 4:, :1])  # the first latent frame ends as the image's clean latent


@pytest.mark.parametrize("voice, params, words", [
    ("silent", {}, "InfiniteTalk: the voice is silent"),
    ("short", {"frames": 13}, r"InfiniteTalk: the voice lasts 11 frames \(0.44 s\) but the take is 13"),
    ("a", {"fps": 16.0}, "InfiniteTalk: the speech features are at 25 fps, the clip at 16"),
    ("a", {"patch": "nowhere.safetensors"}, "InfiniteTalk: InfiniteTalk patch 'nowhere.safetensors' not found"),
])
def test_bad_input_is_said_naming_the_node(models, voice, params, words):
    model_dir, patch_path = models
    VOICES.update(a=_features(0), silent=_features(0, silent=True), short=_features(0))
    g = _graph(model_dir, params.pop("patch", patch_path), voice=voice, **params)
    with pytest.raises(StudioError, match=words):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_features_of_another_encoder_width_are_refused(models):
    model_dir, patch_path = models
    VOICES["wide"] = (torch.randn(11, 3 * 16), {"width": 16, "layers": 3, "voice_s": 0.44, "peak": 0.3})
    with pytest.raises(StudioError, match="the speech features are 48 values a frame but the patch reads 16"):
        Executor().run(_graph(model_dir, patch_path, voice="wide"), targets=["gen"], device="cpu", use_cache=False)


# -- long takes: windows continued from their last frames ------------------------------------------------
def _reference_starts(n, frame_num=81, motion=9):
    """generate_infinitetalk's loop (multitalk.py), its window starts only."""
    starts, start, last = [], 0, False
    while True:
        starts.append(start)
        if last or n <= frame_num:
            break
        start += frame_num - motion
        if start + frame_num >= n:
            last = True
    return starts


def test_window_starts_and_the_reversed_tail_follow_the_reference():
    from nodes.video_models.families.wan.infinitetalk import padded_for, window_starts
    for n in (5, 81, 82, 153, 154, 1000, 1500):
        assert window_starts(n, 81, 9) == _reference_starts(n), n
    assert window_starts(100, 81, 9) == [0, 72]
    feats = torch.arange(10.0)[:, None]
    assert padded_for(feats, 9) is feats  # ends inside: untouched
    assert padded_for(feats, 10)[:, 0].tolist() == list(range(10)) + [9, 8, 7]  # 10 - 10 + 3 reversed
    assert padded_for(feats, 12)[10:, 0].tolist() == [9, 8, 7, 6, 5]


def test_a_long_take_is_windows_each_continued_from_the_last_frames_of_the_one_before(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan import talk
    from nodes.video_models.families.wan.fun import encode_frames
    from nodes.video_models.families.wan.infinitetalk import padded_for
    monkeypatch.setattr(talk, "TRAINED_FRAMES", 9)  # windows of 9 frames keep the test fast
    model_dir, patch_path = models
    VOICES["long"] = _features(5, frames=17)
    ex = Executor()
    g = _graph(model_dir, patch_path, voice="long", motion_frames=5, guidance=1.0)  # frames: the voice's 17
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("i2v")
    calls = []
    cls = type(pipe)
    orig_call = cls.__call__

    @functools.wraps(orig_call)
    def spy(this, *a, **k):
        calls.append((k["generator"].initial_seed(), k.get("latents")))
        return orig_call(this, *a, **k)
    monkeypatch.setattr(cls, "__call__", spy)
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (17, 32, 32, 3) and len(calls) == 3  # windows at 0, 4, 8
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    feats = VOICES["long"][0][:, 8:]
    want, held = [], None
    for k, at in enumerate((0, 4, 8)):
        f = padded_for(feats, at + 9) if k == 2 else feats  # the last window reaches the voice's end
        cond = audio_tokens(patch, f, at, 9)
        with talk_applied(pipe, patch, cond, cond, held=held):
            out = orig_call(pipe, image=to_pil(_still()), prompt="a face", height=32, width=32, num_frames=9,
                            num_inference_steps=2, guidance_scale=1.0, output_type="pt", latents=calls[k][1],
                            generator=torch.Generator().manual_seed(calls[k][0])).frames[0].permute(0, 2, 3, 1).numpy()
        want.append(out if k == 0 else out[5:])
        with torch.inference_mode():
            held = encode_frames(pipe, out[-5:])
    assert calls[0][1] is None and calls[1][1] is not None and not torch.equal(calls[1][1], calls[2][1])
    assert np.allclose(made, np.concatenate(want)[:17], atol=1e-5)
