"""InfiniteTalk (issue 58): the audio windows and the per-latent-frame split on a hand-computed case,
the projection and the audio block against the reference's formulas (MeiGen-AI/InfiniteTalk@0107cd9
wan/modules/multitalk_model.py, written out here step for step), the node's frames against
diffusers' WanImageToVideoPipeline called directly with the same audio conditioning, and bad input
said in words naming the node. Tiny random models and a tiny random patch file, built here."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")
import einops  # noqa: E402 - a test dependency (pyproject: test extra), the release's notation

from nodes.video_models.families.wan.talk.infinitetalk import (audio_tokens, audio_windows, build_patch,  # noqa: E402
                                                          latent_windows, read_patch, talk_applied)

from .graphs import model_graph, pipeline_of, seed_of, spied, spy_call  # noqa: E402
from .test_wan_move import _still, _still_node  # noqa: E402
from .tiny_talk import build_wav2vec2, talk_patch_state  # noqa: E402
from nodes.video_models.families.wan.talk.talk import NEGATIVE  # noqa: E402

DIM, HEADS, LAYERS = 24, 2, 2  # tests/video_models/tiny.py's Wan transformer
PER_FRAME, INTER, OUT = 2 * 8, 16, 8  # 2 'layers' of 8 a frame; the projection's widths


def _patch_state(seed=0, per_frame=PER_FRAME, layers=LAYERS):
    return talk_patch_state(seed, DIM, layers, per_frame, INTER, OUT)


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


def _one_voice_case():
    """A tiny Wan I2V denoiser (torch seeded 0), patch 1, its audio tokens of 9 random frames, and the denoiser's
    inputs: latents [1, 36, 3, 8, 8], text states [1, 5, 32], CLIP image states [1, 4, 4] (drawn in that order)."""
    from .tiny import tiny_wan_transformer
    torch.manual_seed(0)
    tr = tiny_wan_transformer(36, image_dim=4).eval()
    patch = _patch(1)
    cond = audio_tokens(patch, torch.randn(9, PER_FRAME), 0, 9)
    hs, ehs, img = torch.randn(1, 36, 3, 8, 8), torch.randn(1, 5, 32), torch.randn(1, 4, 4)
    return tr, patch, cond, hs, ehs, img


@pytest.mark.fresh_models
def test_the_audio_blocks_equal_the_reference_block_and_the_first_frame_is_held(monkeypatch):
    tr, patch, cond, hs, ehs, img = _one_voice_case()
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
    state = {k: v for k, v in _patch_state().items() if not k.startswith("audio_proj.norm")}
    with pytest.raises(StudioError, match=r"InfiniteTalk: the patch '.*it\.safetensors' lacks"):  # the file named
        build_patch(state, DIM, HEADS, 3, path=str(prefixed))


# -- the node ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny):
    from safetensors.torch import save_file
    d = tmp_path_factory.mktemp("models")
    save_file(_patch_state(2), str(d / "infinitetalk.safetensors"))
    return tiny("wan-i2v"), str(d / "infinitetalk.safetensors")


VOICES: dict = {}


def _voice(params):
    from studio.core.values import Features
    data, extras = VOICES[params.name]
    return Features(data, per_frame=True, fps=25.0, extras=dict(extras))


def _graph(model_dir, patch, voice="a", **p):
    from studio.core.params import String
    return model_graph(model_dir, "video_models.infinitetalk", {"patch": patch, "width": 32, "height": 32, "steps": 2,
                       "prompt": "a face", "previews": False, "preview_size": "off", **p},
                       image=(_still_node(), "image"),
                       speech=(source("test.talk_voice", "features", "Features", _voice, (String("name", "a"),)),
                               "features", {"name": voice}))


def _features(seed, frames=11, silent=False):
    data = torch.randn(frames, 3 * 8, generator=torch.Generator().manual_seed(seed))  # embeddings + 2 layers of 8
    return data, {"width": 8, "layers": 3, "voice_frames": frames, "silent": silent}


def test_the_node_equals_the_pipeline_called_with_the_same_audio_conditioning(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    model_dir, patch_path = models
    VOICES.update(a=_features(0), b=_features(1))
    g = _graph(model_dir, patch_path, guidance=3.0)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
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
        direct = orig_call(pipe, image=to_pil(_still()), prompt="a face", negative_prompt=NEGATIVE, height=32, width=32, num_frames=9,
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
        lat = orig_call(pipe, image=to_pil(_still()), prompt="a face", negative_prompt=NEGATIVE, height=32, width=32, num_frames=9,
                        num_inference_steps=2, guidance_scale=3.0, output_type="latent",
                        generator=torch.Generator().manual_seed(seeds[0])).frames
    assert torch.equal(lat[:, :, :1], conds[0][:, 4:, :1])  # the first latent frame ends as the image's clean latent


@pytest.mark.parametrize("voice, params, words", [
    ("silent", {}, "InfiniteTalk: the voice is silent"),
    ("short", {"frames": 13}, r"InfiniteTalk: the voice covers 11 frames \(0.44 s at 25 fps\) but the take is 13: set \'frames\' to 9"),
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
    VOICES["wide"] = (torch.randn(11, 3 * 16), {"width": 16, "layers": 3, "voice_frames": 11, "silent": False})
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
    from nodes.video_models.families.wan.talk.infinitetalk import padded_for, window_starts
    for n in (5, 81, 82, 153, 154, 1000, 1500):
        assert window_starts(n, 81, 9) == _reference_starts(n), n
    assert window_starts(100, 81, 9) == [0, 72]
    feats = torch.arange(10.0)[:, None]
    assert padded_for(feats, 9) is feats  # ends inside: untouched
    assert padded_for(feats, 10)[:, 0].tolist() == list(range(10)) + [9, 8, 7]  # 10 - 10 + 3 reversed
    assert padded_for(feats, 12)[10:, 0].tolist() == [9, 8, 7, 6, 5]


def test_a_long_take_is_windows_each_continued_from_the_last_frames_of_the_one_before(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk import talk
    from nodes.video_models.families.wan.fun.fun import encode_frames
    from nodes.video_models.families.wan.talk.infinitetalk import padded_for
    monkeypatch.setattr(talk, "TRAINED_FRAMES", 9)  # windows of 9 frames keep the test fast
    model_dir, patch_path = models
    VOICES["long"] = _features(5, frames=17)
    g = _graph(model_dir, patch_path, voice="long", motion_frames=5, guidance=1.0)  # frames: the voice's 17
    ex, pipe, calls, orig_call = spied(monkeypatch, g, "i2v", lambda k: (seed_of(k), k.get("latents")))
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (17, 32, 32, 3) and len(calls) == 3  # windows at 0, 4, 8
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    feats = VOICES["long"][0][:, 8:]
    want, held = [], None
    for k, at in enumerate((0, 4, 8)):
        f = padded_for(feats, at + 9) if k == 2 else feats  # the last window reaches the voice's end
        cond = audio_tokens(patch, f, at, 9)
        with talk_applied(pipe, patch, cond, cond, held=held):
            out = orig_call(pipe, image=to_pil(_still()), prompt="a face", negative_prompt=NEGATIVE, height=32, width=32, num_frames=9,
                            num_inference_steps=2, guidance_scale=1.0, output_type="pt", latents=calls[k][1],
                            generator=torch.Generator().manual_seed(calls[k][0])).frames[0].permute(0, 2, 3, 1).numpy()
        want.append(out if k == 0 else out[5:])
        with torch.inference_mode():
            held = encode_frames(pipe, out[-5:])
    assert calls[0][1] is None and calls[1][1] is not None and not torch.equal(calls[1][1], calls[2][1])
    assert np.allclose(made, np.concatenate(want)[:17], atol=1e-5)


# -- two speakers ------------------------------------------------------------------------------------------
def _ref_rope(x, pos):
    """multitalk_utils.py RotaryPositionalEmbedding1D.forward and rotate_half, as released."""
    d = x.shape[-1]
    freqs = 1.0 / (10000 ** (torch.arange(0, d, 2)[: (d // 2)].float() / d))
    freqs = einops.repeat(torch.einsum("..., f -> ... f", pos.float(), freqs), "... n -> ... (n r)", r=2)
    cos, sin = einops.rearrange(freqs.cos(), "n d -> 1 1 n d"), einops.rearrange(freqs.sin(), "n d -> 1 1 n d")
    x1, x2 = einops.rearrange(x.float(), "... (d r) -> ... d r", r=2).unbind(dim=-1)
    rot = einops.rearrange(torch.stack((-x2, x1), dim=-1), "... d r -> ... (d r)")
    return (x.float() * cos + rot * sin).type_as(x)


def _ref_map(visual_q, ref_k, shape, masks, split_num=2):
    """multitalk_utils.py get_attn_map_with_target and calculate_x_ref_attn_map, as released."""
    n_t, n_h, n_w = shape
    ref_k = ref_k[:, :n_h * n_w]
    _, seq, heads, _ = visual_q.shape
    out = torch.zeros(masks.shape[0], seq)
    chunk = heads // split_num
    for i in range(split_num):
        q, k = visual_q[:, :, i * chunk:(i + 1) * chunk], ref_k[:, :, i * chunk:(i + 1) * chunk]
        attn = ((q * q.shape[-1] ** -0.5).transpose(1, 2) @ k.transpose(1, 2).transpose(-2, -1)).softmax(-1)
        maps = []
        for m in masks:
            m = m[None, None, None]
            maps.append(((attn * m).sum(-1) / m.sum()).permute(0, 2, 1).mean(-1))
        out += torch.cat(maps, 0)
    return out / split_num


def test_the_speaker_map_positions_and_rotary_equal_the_reference(monkeypatch):
    from nodes.video_models.families.wan.talk import infinitetalk as it
    g = torch.Generator().manual_seed(4)
    q, k = torch.randn(1, 3 * 16, 4, 6, generator=g), torch.randn(1, 3 * 16, 4, 6, generator=g)
    masks = (torch.rand(3, 16, generator=g) > 0.5).float()
    want = _ref_map(q, k, (3, 4, 4), masks)
    assert torch.allclose(it.ref_attention_map(q, k, masks, 16), want, atol=1e-6)
    monkeypatch.setattr(it, "QUERY_CHUNK", 7)  # queries a few at a time: the same map
    assert torch.allclose(it.ref_attention_map(q, k, masks, 16), want, atol=1e-6)
    empty = masks.clone()
    empty[2] = 0  # faces over the whole frame: no background (the reference divides by zero there)
    got = it.ref_attention_map(q, k, empty, 16)
    assert torch.isfinite(got).all() and got[2].abs().max() == 0 and torch.allclose(got[:2], want[:2], atol=1e-6)
    x, pos = torch.randn(2, 4, 48, 6, generator=g), torch.rand(48, generator=g) * 24
    assert torch.allclose(it.rope_1d(x, pos), _ref_rope(x, pos), atol=1e-6)
    # the positions: speaker 1's map into 0..4, speaker 2's into 20..24, the background 12, by the largest
    m = torch.tensor([[0.1, 0.9, 0.2, 0.0], [0.3, 0.0, 0.7, 0.1], [0.2, 0.1, 0.1, 0.5]])
    pos = it.speaker_positions(m)
    # token 0 looks most at speaker 2 (0.3 of its 0..0.7), token 1 at speaker 1 (its most), 2 at speaker 2, 3 elsewhere
    assert torch.allclose(pos, torch.tensor([20 + 0.3 / 0.7 * 4, 4.0, 24.0, 12.0]), atol=1e-5)


def _ref_two(att, x, audio, frames, ref_map):
    """SingleStreamMutiAttention.forward with two speakers (attention.py), its steps as released."""
    F = torch.nn.functional
    x = einops.rearrange(x, "B (N_t S) C -> (B N_t) S C", N_t=frames)
    B, N, C = x.shape
    q = att.q_linear(x).view(B, N, HEADS, C // HEADS).permute((0, 2, 1, 3))
    maxs, mins = ref_map.max(1).values[:, None, None], ref_map.min(1).values[:, None, None]
    mm = torch.cat([maxs, mins], dim=2)
    h1 = (ref_map[0] - mm[0, :, 1].min()) / (mm[0, :, 0].max() - mm[0, :, 1].min() + 1e-8) * 4 + 0
    h2 = (ref_map[1] - mm[1, :, 1].min()) / (mm[1, :, 0].max() - mm[1, :, 1].min() + 1e-8) * 4 + 20
    back = torch.full((ref_map.size(1),), 12, dtype=h1.dtype)
    pos = torch.stack([h1, h2, back], dim=1)[range(ref_map.size(1)), ref_map.argmax(dim=0)]
    q = einops.rearrange(q, "(B N_t) H S C -> B H (N_t S) C", N_t=frames)
    q = einops.rearrange(_ref_rope(q, pos), "B H (N_t S) C -> (B N_t) H S C", N_t=frames)
    n_a = audio.shape[1]
    kv = att.kv_linear(audio).view(B, n_a, 2, HEADS, C // HEADS).permute((2, 0, 3, 1, 4))
    k, v = kv.unbind(0)
    per = torch.zeros(n_a)
    per[:n_a // 2], per[n_a // 2:] = 2, 22
    k = einops.rearrange(k, "(B N_t) H S C -> B H (N_t S) C", N_t=frames)
    k = einops.rearrange(_ref_rope(k, torch.cat([per] * frames)), "B H (N_t S) C -> (B N_t) H S C", N_t=frames)
    o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(B, N, C)
    return einops.rearrange(att.proj(o), "(B N_t) S C -> B (N_t S) C", N_t=frames)


def test_two_speakers_attention_equals_the_reference():
    from nodes.video_models.families.wan.talk.infinitetalk import two_speakers
    patch = _patch(5)
    g = torch.Generator().manual_seed(5)
    x, audio = torch.randn(1, 3 * 16, DIM, generator=g), torch.randn(3, 64, OUT, generator=g)
    ref_map = torch.rand(3, 3 * 16, generator=g)
    att = patch.blocks[0].audio_cross_attn
    assert torch.allclose(two_speakers(att, x, audio, 3, ref_map), _ref_two(att, x, audio, 3, ref_map), atol=1e-5)


def test_token_masks_are_the_faces_and_the_background_on_the_token_grid():
    from nodes.video_models.families.wan.talk.infinitetalk import token_masks
    a, b = np.zeros((32, 64), bool), np.zeros((32, 64), bool)
    a[:, :16], b[:, 48:] = True, True  # the left quarter and the right quarter
    m = token_masks([a, b], 32, 64).reshape(3, 2, 4)  # 32x64 -> latent 4x8 -> tokens 2x4
    assert m[0].tolist() == [[1, 0, 0, 0]] * 2 and m[1].tolist() == [[0, 0, 0, 1]] * 2
    assert m[2].tolist() == [[0, 1, 1, 0]] * 2


@pytest.mark.fresh_models
def test_two_speakers_on_the_denoiser_equal_the_reference_blocks(monkeypatch):
    from nodes.video_models.families.wan.talk.infinitetalk import token_masks
    from .tiny import tiny_wan_transformer
    torch.manual_seed(0)
    tr = tiny_wan_transformer(36, image_dim=4).eval()
    patch = _patch(6)
    f1, f2 = torch.randn(9, PER_FRAME), torch.randn(9, PER_FRAME)
    cond = torch.cat([audio_tokens(patch, f1, 0, 9), audio_tokens(patch, f2, 0, 9)], 2)
    a, b = np.zeros((64, 64), bool), np.zeros((64, 64), bool)
    a[:, :32], b[:, 32:48] = True, True
    masks = token_masks([a, b], 64, 64)
    hs, ehs, img = torch.randn(1, 36, 3, 8, 8), torch.randn(1, 5, 32), torch.randn(1, 4, 4)
    call = dict(timestep=torch.tensor([500.0]), encoder_hidden_states=ehs, encoder_hidden_states_image=img,
                return_dict=False)
    with torch.no_grad(), talk_applied(_Pipe(tr), patch, cond, cond, masks=masks):
        got = tr(hidden_states=hs, **call)[0]
    one = audio_tokens(patch, f1, 0, 9)
    with torch.no_grad(), talk_applied(_Pipe(tr), patch, one, one):
        single = tr(hidden_states=hs, **call)[0]
    assert not torch.allclose(got, single, atol=1e-3)
    F = torch.nn.functional

    def reference(block, audio_block):  # the block with the map from its own self-attention's q and k
        def forward(hidden_states, encoder_hidden_states, temb, rotary_emb):
            shift, scale, gate, c_shift, c_scale, c_gate = (block.scale_shift_table + temb.float()).chunk(6, dim=1)
            x = (block.norm1(hidden_states.float()) * (1 + scale) + shift).type_as(hidden_states)
            at = block.attn1
            q = at.norm_q(at.to_q(x)).unflatten(2, (at.heads, -1))
            k = at.norm_k(at.to_k(x)).unflatten(2, (at.heads, -1))
            cos, sin = rotary_emb
            q, k = (torch.view_as_real(torch.view_as_complex(t.double().unflatten(-1, (-1, 2))) * torch.complex(
                cos[..., 0::2].double(), sin[..., 1::2].double())).flatten(-2).float() for t in (q, k))
            ref_map = _ref_map(q, k, (3, 4, 4), masks)
            hidden_states = (hidden_states.float() + at(x, None, None, rotary_emb) * gate).type_as(hidden_states)
            x = block.norm2(hidden_states.float()).type_as(hidden_states)
            hidden_states = hidden_states + block.attn2(x, encoder_hidden_states, None, None)
            nx = F.layer_norm(hidden_states, (DIM,), audio_block.norm_x.weight, audio_block.norm_x.bias, 1e-6)
            hidden_states = hidden_states + _ref_two(audio_block.audio_cross_attn, nx, cond[0], 3, ref_map)
            x = (block.norm3(hidden_states.float()) * (1 + c_scale) + c_shift).type_as(hidden_states)
            return (hidden_states.float() + block.ffn(x).float() * c_gate).type_as(hidden_states)
        return forward
    pinned = hs.clone()
    pinned[:, :16, :1] = hs[:, 20:, :1]
    for i, block in enumerate(tr.blocks):
        monkeypatch.setattr(block, "forward", reference(block, patch.blocks[i]))
    with torch.no_grad():
        want = tr(hidden_states=pinned, **call)[0]
    assert torch.allclose(got, want, atol=1e-5)


def _face(params):
    m = np.zeros((32, 32, 1), np.float32)
    if params.side == 0:
        m[:, :8] = 1  # the left quarter
    elif params.side == 1:
        m[:, 24:] = 1  # the right quarter
    return m


def _dialogue(model_dir, patch_path, masks=(0, 1), **p):
    from studio.core.params import Int
    face = source("test.talk_face", "mask", "Mask", _face, (Int("side", 0, min=0, max=2),))
    g = _graph(model_dir, patch_path, **p)
    g.set_param("gen", "width", 64)  # a 4x4 token grid: faces at its sides, background between
    g.set_param("gen", "height", 64)
    g.add_node("test.talk_voice", {"name": "b"}, node_id="voice2")
    g.connect("voice2", "features", "gen", "speech_2")
    for i, side in enumerate(masks):
        g.add_node(face, {"side": side}, node_id=f"face{i + 1}")
        g.connect(f"face{i + 1}", "mask", "gen", f"mask_{i + 1}")
    return g


def test_a_dialogue_equals_the_pipeline_with_both_voices_and_faces(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk.infinitetalk import token_masks
    model_dir, patch_path = models
    VOICES.update(a=_features(0), b=_features(1))
    g = _dialogue(model_dir, patch_path, guidance=3.0)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    swapped = ex.run(_dialogue(model_dir, patch_path, masks=(1, 0), guidance=3.0), targets=["gen"], device="cpu",
                     use_cache=False).value("gen").frames
    assert not np.allclose(made, swapped, atol=1e-4)  # the voices on the other faces
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    f1, f2 = VOICES["a"][0][:, 8:], VOICES["b"][0][:, 8:]
    cond = torch.cat([audio_tokens(patch, f1, 0, 9), audio_tokens(patch, f2, 0, 9)], 2)
    uncond = audio_tokens(patch, torch.zeros_like(f2), 0, 9)
    left, right = np.zeros((64, 64), bool), np.zeros((64, 64), bool)
    left[:, :16], right[:, 48:] = True, True
    from nodes.video_models.families.wan.talk.talk import fitted
    with talk_applied(pipe, patch, cond, uncond, masks=token_masks([left, right], 64, 64)):
        direct = orig_call(pipe, image=to_pil(fitted(_still(), 64, 64)), prompt="a face", negative_prompt=NEGATIVE, height=64, width=64,
                           num_frames=9,
                           num_inference_steps=2, guidance_scale=3.0, output_type="pt",
                           generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)


def test_two_speakers_with_one_face_region_or_an_empty_one_are_refused(models):
    model_dir, patch_path = models
    VOICES.update(a=_features(0), b=_features(1))
    with pytest.raises(StudioError, match="InfiniteTalk: two speakers need a face region each: connect mask_1 and "
                                          r"mask_2 \(one face region given\)"):
        Executor().run(_dialogue(model_dir, patch_path, masks=(0,)), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="InfiniteTalk: mask_2 marks no face"):
        Executor().run(_dialogue(model_dir, patch_path, masks=(0, 2)), targets=["gen"], device="cpu", use_cache=False)


# -- ComfyUI's template, converted, renders ------------------------------------------------------------------
def test_the_converted_comfyui_template_renders_with_its_patch_found_by_name(models, tmp_path, monkeypatch):
    """video_wan2_1_infinitetalk as converted: Load Image + Load Audio -> Speech Features (reading a tiny
    wav2vec2 by its ComfyUI name in a models folder's audio_encoders/) -> InfiniteTalk, whose patch is found
    by its ComfyUI name in model_patches/; the take renders to a file with the voice's frames."""
    import json
    import os
    import wave

    from PIL import Image

    from studio.convert.mapping.convert import convert
    from studio.engine.media import probe
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    model_dir, _ = models
    root = tmp_path / "models"
    from .tiny_talk import build_talk_patch, build_wav2vec2_file
    build_talk_patch(str(root / "model_patches" / "wan2.1_infiniteTalk_multi_fp16.safetensors"), per_frame=128)
    build_wav2vec2_file(str(root / "audio_encoders" / "wav2vec2-chinese-base_fp16.safetensors"))  # ComfyUI's file
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "video_wan2_1_infinitetalk.json")) as f:
        g = convert(json.load(f), "video_wan2_1_infinitetalk").graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk")
    load = g.nodes[g.input_link(g.input_link(gen.id, "model").src, "model").src]  # Load -> LoRA -> gen
    g.remove_node(g.input_link(gen.id, "model").src)  # the distill LoRA (not in this models folder)
    g.connect(load.id, "model", gen.id, "model")
    for k in ("text_encoder", "vae", "clip_vision"):
        g.set_param(load.id, k, "")
    g.set_param(load.id, "model", model_dir)
    img = tmp_path / "face.png"
    Image.fromarray((np.random.default_rng(0).random((48, 40, 3)) * 255).astype(np.uint8)).save(img)
    voice = tmp_path / "voice.wav"
    t = np.arange(16000) / 16000
    with wave.open(str(voice), "wb") as wf:
        wf.setnchannels(1), wf.setsampwidth(2), wf.setframerate(16000)
        wf.writeframes((0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16).tobytes())
    for n in g.nodes.values():
        if n.type_id == "io.load_image":
            g.set_param(n.id, "path", str(img))
        elif n.type_id == "io.load_audio":
            g.set_param(n.id, "path", str(voice))
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", 0), ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video" and g.input_link(n.id, "video").src == gen.id)
    g.set_param(save.id, "path", str(out))
    assert g.validate() == []
    Executor(frame_caching=False).run(g, targets=[save.id], device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (25, 32, 32)  # 1 s of voice at 25 fps: 25 frames
    import av
    with av.open(str(out)) as c:  # the voice in the file with the take, as long as it within a frame
        stream = c.streams.audio[0]
        heard = sum(f.samples for f in c.decode(stream)) / stream.codec_context.sample_rate
    assert abs(heard - 25 / 25.0) <= 1 / 25.0, heard


def test_text_and_audio_guidance_apart_give_the_references_three_call_formula():
    """multitalk.py's vanilla CFG: uncond + t (cond - drop_text) + a (drop_text - uncond), and at t = 1
    drop_audio + a (cond - drop_audio), given through the pipeline's two calls (u' + t (c - u'))."""
    from .tiny import tiny_wan_transformer
    torch.manual_seed(0)
    tr = tiny_wan_transformer(36, image_dim=4).eval()
    patch = _patch(7)
    f = torch.randn(9, PER_FRAME)
    voice, silence = audio_tokens(patch, f, 0, 9), audio_tokens(patch, torch.zeros_like(f), 0, 9)
    hs, img = torch.randn(1, 36, 3, 8, 8), torch.randn(1, 4, 4)
    text, neg = torch.randn(1, 5, 32), torch.randn(1, 5, 32)

    def run(tokens_cond, tokens_uncond, ehs_list, guidance=None):
        outs = []
        with torch.no_grad(), talk_applied(_Pipe(tr), patch, tokens_cond, tokens_uncond, guidance=guidance):
            for ehs in ehs_list:
                outs.append(tr(hidden_states=hs, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
                               encoder_hidden_states_image=img, return_dict=False)[0])
        return outs
    c, drop_text = run(voice, voice, [text, neg])
    u, = run(silence, silence, [neg])
    drop_audio, = run(silence, silence, [text])
    t, a = 5.0, 2.0
    c2, u2 = run(voice, silence, [text, neg], guidance=(t, a))
    assert torch.allclose(c2, c)  # the conditional call as it was
    assert torch.allclose(u2 + t * (c2 - u2), u + t * (c - drop_text) + a * (drop_text - u), atol=1e-4)
    one, = run(voice, silence, [text], guidance=(1.0, a))
    assert torch.allclose(one, drop_audio + a * (c - drop_audio), atol=1e-5)
    assert not torch.allclose(one, c, atol=1e-3)


@pytest.mark.fresh_models
def test_the_node_with_audio_guidance_apart_equals_the_pipeline_so_guided(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    model_dir, patch_path = models
    VOICES.update(a=_features(0))
    ex = Executor()
    g = _graph(model_dir, patch_path, guidance=3.0, audio_guidance=2.0)
    pipe = pipeline_of(ex, g, "i2v")
    calls, orig_forward = [], type(pipe.transformer).forward
    seeds, orig_call = spy_call(monkeypatch, type(pipe))
    monkeypatch.setattr(type(pipe.transformer), "forward", lambda this, *a, **k: calls.append(1) or orig_forward(this, *a, **k))
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert len(calls) == 2 * 3  # 2 steps: the conditional call, the unconditional and one more
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    feats = VOICES["a"][0][:, 8:]
    cond, uncond = audio_tokens(patch, feats, 0, 9), audio_tokens(patch, torch.zeros_like(feats), 0, 9)
    with talk_applied(pipe, patch, cond, uncond, guidance=(3.0, 2.0)):
        direct = orig_call(pipe, image=to_pil(_still()), prompt="a face", negative_prompt=NEGATIVE, height=32, width=32, num_frames=9,
                           num_inference_steps=2, guidance_scale=3.0, output_type="pt",
                           generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)


def test_the_talking_portrait_template_renders_on_tiny_models(models, tmp_path, monkeypatch):
    """assets/graphs/talking_portrait_infinitetalk.json with its model names pointed at tiny models (the
    patch by its name in model_patches/): its portrait and voice make a take with the voice in the file."""
    import os


    from studio.core.fileformat import load_graph
    from studio.engine.media import probe
    model_dir, patch_path = models
    root = tmp_path / "models"
    (root / "model_patches").mkdir(parents=True)
    os.symlink(patch_path, root / "model_patches" / "wan2.1_infiniteTalk_single_fp16.safetensors")
    w2v = build_wav2vec2(str(root / "tiny-wav2vec2"))
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    here = os.path.dirname(os.path.abspath(__file__))
    g = load_graph(os.path.join(here, "..", "..", "assets", "graphs", "talking_portrait_infinitetalk.json"))
    assert g.validate() == []
    g.set_param("n5", "model", model_dir)
    g.set_param("n3", "model", w2v)
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", 9), ("preview_size", "off"),
                 ("previews", False)):
        g.set_param("n6", k, v)
    out = tmp_path / "portrait.mp4"
    g.set_param("n7", "path", str(out))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (9, 32, 32) and info.get("audio_codec")


def test_the_two_person_dialogue_template_renders_on_tiny_models(models, tmp_path, monkeypatch):
    """assets/graphs/two_person_dialogue.json with its model names pointed at tiny models found by name (the
    multi patch in model_patches/, ComfyUI's single wav2vec2 file in audio_encoders/): two voices, each on its
    face's box, make a take with both voices in the file; without the second face's box it is refused in words."""
    import os

    from studio.core.fileformat import load_graph
    from studio.engine.media import probe
    from .tiny_talk import build_talk_patch, build_wav2vec2_file
    model_dir, _ = models
    root = tmp_path / "models"
    build_talk_patch(str(root / "model_patches" / "wan2.1_infiniteTalk_multi_fp16.safetensors"), per_frame=128)
    build_wav2vec2_file(str(root / "audio_encoders" / "wav2vec2-chinese-base_fp16.safetensors"))
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "assets", "graphs", "two_person_dialogue.json")
    g = load_graph(path)
    assert g.validate() == []
    g.set_param("n8", "model", model_dir)
    for k, v in (("width", 64), ("height", 32), ("steps", 2), ("frames", 9), ("preview_size", "off"),
                 ("previews", False)):
        g.set_param("n9", k, v)
    out = tmp_path / "dialogue.mp4"
    g.set_param("n11", "path", str(out))
    said = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=said.append)
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (9, 64, 32) and info.get("audio_codec")
    text = " ".join(str(getattr(e, "text", "")) for e in said)
    assert "read as transformers' Wav2Vec2Model" in text  # ComfyUI's file, by its name
    g = load_graph(path)
    g.set_param("n8", "model", model_dir)
    g.disconnect("n9", "mask_2")
    with pytest.raises(StudioError, match="InfiniteTalk: two speakers need a face region each: connect mask_1 and "
                                          r"mask_2 \(one face region given\)"):
        Executor(frame_caching=False).run(g, device="cpu")


# -- two speakers with no face regions; a clip to dub (talk_frames.py) ------------------------------------------
def test_no_face_regions_are_the_references_left_and_right_boxes():
    from nodes.video_models.families.wan.talk.talk_frames import halves
    left, right = halves(20, 40)  # generate_infinitetalk, no bbox, face_scale 0.05: rows 1..18, cols 1..18 / 21..38
    want_l, want_r = np.zeros((20, 40)), np.zeros((20, 40))
    want_l[1:19, 1:19], want_r[1:19, 21:39] = 1, 1
    assert np.array_equal(left, want_l) and np.array_equal(right, want_r)


def test_a_dialogue_with_no_face_regions_equals_the_pipeline_with_the_references_boxes(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk.infinitetalk import token_masks
    from nodes.video_models.families.wan.talk.talk import fitted
    from nodes.video_models.families.wan.talk.talk_frames import halves
    model_dir, patch_path = models
    VOICES.update(a=_features(0), b=_features(1))
    g = _dialogue(model_dir, patch_path, masks=(), guidance=3.0)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    f1, f2 = VOICES["a"][0][:, 8:], VOICES["b"][0][:, 8:]
    cond = torch.cat([audio_tokens(patch, f1, 0, 9), audio_tokens(patch, f2, 0, 9)], 2)
    uncond = audio_tokens(patch, torch.zeros_like(f2), 0, 9)
    boxes = [fitted(m[..., None], 64, 64)[..., 0] > 0.5 for m in halves(32, 32)]  # at the picture's size, fitted
    with talk_applied(pipe, patch, cond, uncond, masks=token_masks(boxes, 64, 64)):
        direct = orig_call(pipe, image=to_pil(fitted(_still(), 64, 64)), prompt="a face", negative_prompt=NEGATIVE,
                           height=64, width=64, num_frames=9, num_inference_steps=2, guidance_scale=3.0,
                           output_type="pt", generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)


def _source_clip(params):
    from studio.engine.clip import ArrayClip
    frames = np.stack([np.full((32, 32, 3), i / 12, np.float32) for i in range(6)])  # 6 frames, each its own grey
    return ArrayClip(frames, 25.0)


def test_a_clip_to_dub_gives_each_window_its_frame_at_the_windows_start(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk import talk
    monkeypatch.setattr(talk, "TRAINED_FRAMES", 9)  # windows of 9 frames keep the test fast
    model_dir, patch_path = models
    VOICES["long"] = _features(5, frames=17)
    g = _graph(model_dir, patch_path, voice="long", motion_frames=5, guidance=1.0)
    g.disconnect("gen", "image")  # the clip's frame 0 starts the take
    g.add_node(source("test.talk_clip", "video", "Video", _source_clip), {}, node_id="clip")
    g.connect("clip", "video", "gen", "clip")
    ex, pipe, calls, _ = spied(monkeypatch, g, "i2v", lambda k: np.asarray(k["image"]))
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert made.n_frames == 17 and len(calls) == 3  # windows at 0, 4, 8
    clip = _source_clip(None)
    for seen, at in zip(calls, (0, 4, 8)):  # frame 8 is past the clip's 6: its last, as the reference reads it
        assert np.array_equal(seen, np.asarray(to_pil(clip.frame(min(at, 5))))), at
