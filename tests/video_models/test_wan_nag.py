"""Normalized Attention Guidance on Wan (families/wan/nag.py; the reference ChenDarYen/Normalized-Attention-Guidance
@69159ca, MIT): the mix equals the reference's rule on a hand-computed case, and a tiny Wan run through Text to Video
makes the same frames with nag_scale 0 as without the setting, other frames with it on, the same again on the same
seed, and leaves every cross-attention's own processor and no hook behind."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from .graphs import model_graph, render  # noqa: E402


def test_the_mix_is_the_references_rule_by_hand():
    from nodes.video_models.families.wan.nag import guided
    pos = torch.tensor([[3.0, 4.0], [1.0, 0.0]])  # norms 5 and 1
    neg = torch.tensor([[3.0, 4.0], [0.0, 1.0]])
    out = guided(pos, neg, 3.0, 2.0, 0.5)
    # token 0: z- = z+, so z~ = z+ and the output is z+
    assert torch.allclose(out[0], pos[0])
    # token 1: z~ = 3 (1, 0) - 2 (0, 1) = (3, -2), norm sqrt(13) > 2: scaled to norm 2; half of it, half of z+
    g = torch.tensor([3.0, -2.0]) * 2 / 13 ** 0.5
    assert torch.allclose(out[1], g * 0.5 + pos[1] * 0.5)


def _frames(wan_dir, **p):
    g = model_graph(wan_dir, "video_models.text_to_video",
                    {"frames": 5, "width": 16, "height": 16, "steps": 2, "seed": 3, "guidance": 1.0,
                     "prompt": "a red fox", "negative_prompt": "blurry", "previews": False, "preview_size": "off",
                     **p})
    ex = Executor()
    clip, said = render(ex, g)
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v")
    return np.asarray(clip.chunk(0, len(clip))), said, pipe


def test_nag_off_on_and_removed_after_the_call(wan_dir):
    plain, _, _ = _frames(wan_dir)
    off, said_off, _ = _frames(wan_dir, nag_scale=0.0)
    assert np.array_equal(plain, off)
    assert not any("Normalized Attention Guidance" in s for s in said_off)
    on, said_on, pipe = _frames(wan_dir, nag_scale=5.0, nag_tau=2.5, nag_alpha=0.5)
    assert not np.array_equal(on, plain)  # (the tiny random model's text barely moves its frames: any change)
    n = len(pipe.transformer.blocks)
    assert f"Normalized Attention Guidance on {n} cross-attention layers (scale 5, tau 2.5, alpha 0.5), away from " \
           "the negative prompt 'blurry'" in said_on
    again, _, _ = _frames(wan_dir, nag_scale=5.0, nag_tau=2.5, nag_alpha=0.5)
    assert np.array_equal(on, again)
    from diffusers.models.transformers.transformer_wan import WanAttnProcessor
    for block in pipe.transformer.blocks:
        assert type(block.attn2.processor) is WanAttnProcessor
        assert "forward" not in vars(block.attn2.to_out[0])  # (diffusers' registry: its hooks' forward gone)
    assert "forward" not in vars(pipe.transformer.condition_embedder)


def test_a_family_without_it_says_so():
    from nodes.video_models.base.capabilities import AttentionGuidance
    from nodes.video_models.base.registry import FAMILIES
    assert FAMILIES["wan"].capability(AttentionGuidance) is not None
    assert "not read for Normalized Attention Guidance" in FAMILIES["ltx"].why_without(AttentionGuidance)


def test_the_guided_pass_changes_and_the_negative_pass_is_left_unguided():
    """On a tiny Wan 2.2 expert: the prompt's pass moves under NAG (by far more than rounding), classifier-free
    guidance's unconditional pass (its text the negative itself) is the transformer's own, and the processors are
    put back."""
    from diffusers.models.transformers.transformer_wan import WanAttnProcessor

    from nodes.video_models.families.wan.nag import nag_installed

    from .tiny_wan22 import expert
    den = expert(0)
    pipe = type("Pipe", (), {"transformer": den})()
    gen = torch.Generator().manual_seed(0)
    c = den.config
    x = torch.randn(1, c.in_channels, 2, 4, 4, generator=gen)
    pos, neg = torch.randn(1, 512, c.text_dim, generator=gen), torch.randn(1, 512, c.text_dim, generator=gen)
    t = torch.tensor([500])
    with torch.no_grad():
        plain, plain_neg = den(x, t, pos).sample, den(x, t, neg).sample
        with nag_installed(pipe, {"negative_prompt_embeds": neg}, "", 11.0, 2.5, 0.25) as n:
            got, got_neg = den(x, t, pos).sample, den(x, t, neg).sample
        with nag_installed(pipe, {"negative_prompt_embeds": neg}, "", 1.0, 2.5, 0.25) as off:
            same = den(x, t, pos).sample
    assert n == len(den.blocks) and off == 0
    assert (got - plain).abs().max() > 1e-2
    assert torch.equal(got_neg, plain_neg) and torch.equal(same, plain)
    assert all(type(b.attn2.processor) is WanAttnProcessor for b in den.blocks)
