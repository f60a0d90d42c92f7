"""FantasyTalking (issue 112): the per-latent-frame slices on the release's own example, the audio term in the
image cross-attention against the release's formula (Fantasy-AMAP/fantasy-talking@8c2d0c9 model.py
WanCrossAttentionProcessor, written out here), its three-term guidance through the pipeline's two calls, and the
node on a tiny random Wan I2V: the voice changing the clip, the same clip twice, a wrong file refused in words
naming the node. Tiny random models and a tiny random FantasyTalking file, built here."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.talk.fantasy import (audio_tokens, build_weights, fantasy_applied,  # noqa: E402
                                                          latent_ranges, read_weights, sliced)

from .graphs import model_graph  # noqa: E402
from .test_wan_move import _still_node  # noqa: E402

DIM, HEADS, LAYERS = 24, 2, 2  # tests/video_models/tiny.py's Wan transformer
IN, CTX = 8, 6  # the features' width (wav2vec2's 768), the projection's (2048)


def _state(seed=0, kijai=True, layers=LAYERS):
    g = torch.Generator().manual_seed(seed)

    def r(*s):
        return torch.randn(*s, generator=g) * 0.3
    st = {"proj_model.proj.weight": r(CTX, IN), "proj_model.norm.weight": 1 + r(CTX), "proj_model.norm.bias": r(CTX)}
    for i in range(layers):
        b = f"blocks.{i}.cross_attn." if kijai else f"audio_processor.blocks.{i}.cross_attn.processor."
        st.update({b + "k_proj.weight": r(DIM, CTX), b + "v_proj.weight": r(DIM, CTX)})
    return st


def test_the_slices_follow_the_release_example():
    # split_audio_sequence's docstring: 173 features for 81 frames, ranges [[-7, 1], [1, 9], ...]; then widened by 4
    ranges = latent_ranges(173, 81)
    assert len(ranges) == 21 and ranges[:2] == [(-11, 5), (-3, 13)]
    assert all(b - a + 1 == 17 for a, b in ranges)  # "[b,21,9+8,768]"
    seq = torch.arange(1.0, 11.0)[None, :, None]  # 10 features, values 1..10
    got, lens = sliced(seq, [(-2, 3), (8, 13)])
    assert got[0, 0, :, 0].tolist() == [1, 2, 3, 4, 0, 0] and got[0, 1, :, 0].tolist() == [9, 10, 0, 0, 0, 0]
    assert lens.tolist() == [4, 2]  # the padding at the end, masked by the lengths


def _tiny():
    from .tiny import tiny_wan_transformer
    torch.manual_seed(0)
    tr = tiny_wan_transformer(36, image_dim=4).eval()
    weights = build_weights(_state(1), DIM, LAYERS)
    tokens, lens = audio_tokens(weights, torch.randn(30, IN), 9)
    hs, ehs, ehs_neg, img = torch.randn(1, 36, 3, 8, 8), torch.randn(1, 5, 32), torch.randn(1, 5, 32), torch.randn(1, 4, 4)
    return tr, weights, tokens, lens, hs, ehs, ehs_neg, img


class _Pipe:
    def __init__(self, transformer):
        self.transformer = transformer


def _call(tr, hs, ehs, img):
    return tr(hidden_states=hs, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
              encoder_hidden_states_image=img, return_dict=False)[0]


def test_the_audio_term_equals_the_release_processor(monkeypatch):
    tr, weights, tokens, lens, hs, ehs, _, img = _tiny()
    scale = 0.7
    with torch.no_grad():
        plain = _call(tr, hs, ehs, img)
        with fantasy_applied(_Pipe(tr), weights, tokens, lens, scale):
            got = _call(tr, hs, ehs, img)
    assert not tr._forward_pre_hooks and torch.equal(_call(tr, hs, ehs, img), plain)  # removed after
    assert not torch.allclose(got, plain, atol=1e-4)

    # the release: x = o(x_text + x_img + audio_scale * attention(q per latent frame, k_proj(a), v_proj(a), k_lens))
    def reference_attn2(block_i, attn):
        own = attn.forward

        def forward(x, encoder_hidden_states=None, *a, **k):
            out = own(x, encoder_hidden_states, *a, **k)
            b, n, c = x.shape
            d = c // HEADS
            q = attn.norm_q(attn.to_q(x)).view(b * 3, n // 3, HEADS, d)
            kv = weights.blocks[block_i].cross_attn
            key = kv.k_proj(tokens[0]).view(3, -1, HEADS, d)
            val = kv.v_proj(tokens[0]).view(3, -1, HEADS, d)
            outs = []
            for f in range(3):  # k_lens: each frame's real tokens only
                m = int(lens[f])
                w = torch.einsum("shd,mhd->hsm", q[f], key[f, :m]) / d ** 0.5
                outs.append(torch.einsum("hsm,mhd->shd", w.softmax(-1), val[f, :m]))
            audio_x = torch.stack(outs).reshape(b, n, c)
            return out + scale * audio_x @ attn.to_out[0].weight.t()  # o is linear: o(y + s a) = o(y) + s W a
        return forward
    for i, block in enumerate(tr.blocks):
        monkeypatch.setattr(block.attn2, "forward", reference_attn2(i, block.attn2))
    with torch.no_grad():
        want = _call(tr, hs, ehs, img)
    assert torch.allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("t, a", [(5.0, 4.0), (1.0, 3.0), (4.0, 4.0)])
def test_audio_guidance_is_the_release_three_terms_through_two_calls(t, a):
    tr, weights, tokens, lens, hs, ehs, ehs_neg, img = _tiny()
    with torch.no_grad():
        with fantasy_applied(_Pipe(tr), weights, tokens, lens):
            c = _call(tr, hs, ehs, img)  # the prompt with the voice
        c0, u = _call(tr, hs, ehs, img), _call(tr, hs, ehs_neg, img)  # silent: the denoiser alone
        want = u + t * (c0 - u) + a * (c - c0) if t > 1 else c0 + a * (c - c0)
        with fantasy_applied(_Pipe(tr), weights, tokens, lens, 1.0, a, t):
            cond = _call(tr, hs, ehs, img)  # the pipeline's order: the prompt's call, then the negative's
            got = cond if t <= 1 else (lambda unc: unc + t * (cond - unc))(_call(tr, hs, ehs_neg, img))
    assert torch.allclose(got, want, atol=1e-4)


def test_the_release_names_and_kijai_names_read_alike_and_other_files_are_refused(tmp_path):
    from safetensors.torch import save_file
    save_file(_state(2, kijai=False), str(tmp_path / "release.safetensors"))
    save_file(_state(2), str(tmp_path / "kijai.safetensors"))
    a, b = read_weights(str(tmp_path / "release.safetensors")), read_weights(str(tmp_path / "kijai.safetensors"))
    assert set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)
    save_file({"blocks.0.audio_cross_attn.q_linear.weight": torch.zeros(2, 2)}, str(tmp_path / "it.safetensors"))
    with pytest.raises(StudioError, match="FantasyTalking: 'it.safetensors' is not a FantasyTalking file"):
        read_weights(str(tmp_path / "it.safetensors"))
    with pytest.raises(StudioError, match="is a pickle"):
        read_weights(str(tmp_path / "fantasytalking_model.ckpt"))
    with pytest.raises(StudioError, match="FantasyTalking: the FantasyTalking file 'x' is for a denoiser of 2 blocks "
                                          "24 wide; this model's has 3 blocks"):
        build_weights(_state(), DIM, 3, path="x")


# -- the node ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny):
    from safetensors.torch import save_file
    d = tmp_path_factory.mktemp("fantasy")
    save_file(_state(3), str(d / "fantasytalking_fp16.safetensors"))
    save_file({"lora_unet_blocks_0.alpha": torch.ones(())}, str(d / "lora.safetensors"))
    return tiny("wan-i2v"), d


VOICES: dict = {}


def _voice(params):
    from studio.core.values import Features
    data, silent = VOICES[params.name]
    return Features(data, per_frame=True, fps=50.0, extras={"width": IN, "layers": 1, "voice_frames": len(data),
                                                           "silent": silent})


def _graph(model_dir, weights, voice="a", **p):
    from studio.core.params import String
    return model_graph(model_dir, "video_models.fantasytalking",
                       {"weights": weights, "width": 32, "height": 32, "steps": 2, "frames": 9, "prompt": "a face",
                        "previews": False, "preview_size": "off", "guidance": 3.0, **p},
                       image=(_still_node(), "image"),
                       speech=(source("test.fantasy_voice", "features", "Features", _voice, (String("name", "a"),)),
                               "features", {"name": voice}))


def _run(g):
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")


def test_the_node_hears_the_voice_and_makes_the_same_clip_twice(models):
    model_dir, d = models
    gen = torch.Generator().manual_seed(0)
    VOICES.update(a=(torch.randn(25, IN, generator=gen), False), b=(torch.randn(25, IN, generator=gen), False))
    w = str(d / "fantasytalking_fp16.safetensors")
    made = _run(_graph(model_dir, w, audio_guidance=4.0))
    assert made.n_frames == 9 and made.fps == 23.0 and made.frames.shape == (9, 32, 32, 3)
    again = _run(_graph(model_dir, w, audio_guidance=4.0))
    assert np.array_equal(made.frames, again.frames)  # determinism
    other = _run(_graph(model_dir, w, voice="b", audio_guidance=4.0))
    assert not np.allclose(made.frames, other.frames, atol=1e-4)  # another voice, another clip
    unheard = _run(_graph(model_dir, w, audio_scale=0.0))
    assert not np.allclose(_run(_graph(model_dir, w)).frames, unheard.frames, atol=1e-4)


@pytest.mark.parametrize("voice, params, words", [
    ("a", {"weights": "lora.safetensors"}, "Fantasy Talking: 'lora.safetensors' is not a FantasyTalking file"),
    ("a", {"weights": "nowhere.safetensors"}, "Fantasy Talking: FantasyTalking file 'nowhere.safetensors' not found"),
    ("silent", {}, "Fantasy Talking: the voice is silent"),
    ("short", {"frames": 13}, r"Fantasy Talking: the voice covers 9 frames .* but the take is 13: set 'frames' to 9"),
])
def test_bad_input_is_said_naming_the_node(models, voice, params, words, monkeypatch):
    from nodes.video_models.sampling import sampler
    model_dir, d = models
    VOICES.update(a=(torch.randn(25, IN), False), silent=(torch.zeros(25, IN), True), short=(torch.randn(20, IN), False))
    weights = params.pop("weights", "fantasytalking_fp16.safetensors")
    weights = str(d / weights) if (d / weights).exists() else weights

    def no_sampler(*a, **k):
        raise AssertionError("the sampler was made before the refusal")
    monkeypatch.setattr(sampler, "Sampler", no_sampler)  # refused before the pipeline is built for the take
    with pytest.raises(StudioError, match=words):
        _run(_graph(model_dir, weights, voice=voice, **params))


def test_frames_0_are_foreseen_at_the_takes_rate_not_the_features():
    from nodes.video_models.families.wan.talk.fantasy_node import FantasyTalking
    got = FantasyTalking.foresee({"frames": 0, "fps": 23.0}, None, {"speech": {"frames": 200, "voice_frames": 200,
                                                                              "fps": 50.0}})
    assert got == {"video": {"frames": 89}}  # 4 s of voice at 23 fps: 92 frames, 4k+1: 89 (not 200)
