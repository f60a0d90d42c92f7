"""Normalized Attention Guidance on LTX-2 (families/ltx2/nag.py) on the tiny random LTX-2: nag_scale 0 makes the same
picture as the pipeline alone; on, the guided video cross-attention's output changes (classifier-free guidance's
unconditional half, its text the negative itself, is left as it was), the node says it, and every attn2 has its own
processor and no hook after."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

CALL = dict(prompt="a red fox sings into the camera", negative_prompt="blurry", height=32, width=32, num_frames=9,
            frame_rate=24.0, num_inference_steps=1, audio_guidance_scale=1.0, max_sequence_length=32,
            output_type="np")


@pytest.fixture(scope="module")
def pipe(ltx2_dir):
    from diffusers import LTX2Pipeline
    return LTX2Pipeline.from_pretrained(ltx2_dir)


def _run(pipe, guidance=1.0, nag=None):
    """(the frames, the first block's attn2 outputs of the first pass) of one call, NAG installed when ``nag``."""
    from nodes.video_models.families.ltx2.nag import nag_installed
    seen = []
    h = pipe.transformer.transformer_blocks[0].attn2.register_forward_hook(lambda _m, _a, out: seen.append(out))
    call = dict(CALL, guidance_scale=guidance, generator=torch.Generator().manual_seed(3))
    try:
        if nag is None:
            out = pipe(**call)
            n = None
        else:
            with nag_installed(pipe, call, "blurry", *nag) as n:
                out = pipe(**call)
    finally:
        h.remove()
    return np.asarray(out.frames[0]), seen[0], n


def _clean(pipe):
    from diffusers.models.transformers.transformer_ltx2 import LTX2AudioVideoAttnProcessor
    assert not pipe.transformer._forward_pre_hooks
    for block in pipe.transformer.transformer_blocks:
        assert type(block.attn2.processor) is LTX2AudioVideoAttnProcessor
        assert not block._forward_pre_hooks
        assert "forward" not in vars(block.attn2.to_out[0])  # (diffusers' registry: its hooks' forward gone)


def test_scale_0_same_frames_on_changes_the_guided_output_and_nothing_is_left(pipe):
    plain, att, _ = _run(pipe)
    off, att_off, n_off = _run(pipe, nag=(0.0, 2.5, 0.25))
    assert n_off == 0 and np.array_equal(plain, off) and torch.equal(att, att_off)
    on, att_on, n = _run(pipe, nag=(5.0, 2.5, 0.5))
    assert n == len(pipe.transformer.transformer_blocks)
    assert (att_on - att).abs().max() > 1e-3  # the guided cross-attention's output moved (not rounding)
    assert not np.array_equal(on, plain)
    _clean(pipe)
    again, _, _ = _run(pipe, nag=(5.0, 2.5, 0.5))
    assert np.array_equal(on, again)


def test_the_unconditional_half_is_left_unguided(pipe):
    _, att, _ = _run(pipe, guidance=3.0)
    _, att_on, _ = _run(pipe, guidance=3.0, nag=(5.0, 2.5, 0.5))
    assert att.shape[0] == 2  # [negative, prompt], as diffusers' LTX2Pipeline batches them
    assert torch.allclose(att_on[0], att[0], atol=1e-6)
    assert (att_on[1] - att[1]).abs().max() > 1e-3
    _clean(pipe)


def test_the_node_says_it(ltx2_dir):
    from studio.engine.executor import Executor

    from .graphs import render
    from .test_ltx2 import ltx2_graph
    g, _load, gen = ltx2_graph(ltx2_dir, negative_prompt="blurry", nag_scale=5.0, nag_alpha=0.5, steps=1)
    _, said = render(Executor(), g, gen.id)
    assert any("Normalized Attention Guidance on 2 cross-attention layers (scale 5, tau 2.5, alpha 0.5), away from "
               "the negative prompt 'blurry'" in s for s in said), said
