"""The set-up the tests of Wan's control add-ons share (TheDenk's ControlNet, spacepxl's control LoRA): a tiny
random Wan 2.1 T2V denoiser, a control clip (a bright line moving across, or its negative), the node's graph with that
clip wired in, and the end-to-end check that the node follows the clip. What each add-on's test checks of its own
stays in its module."""
from __future__ import annotations

import numpy as np

from studio.core.params import Int
from studio.engine.clip import ArrayClip
from tests.sources import source

from .graphs import model_graph, render


def tiny_wan(seed=0, heads=2, head_dim=12, layers=4, channels=16):
    """diffusers' WanTransformer3DModel, tiny, its weights moved off their initial values (as a trained one's)."""
    import torch
    from diffusers import WanTransformer3DModel
    torch.manual_seed(seed)
    tr = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=heads, attention_head_dim=head_dim,
                               in_channels=channels, out_channels=channels, text_dim=32, freq_dim=256, ffn_dim=32,
                               num_layers=layers, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                               rope_max_seq_len=32)
    with torch.no_grad():
        for p in tr.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    return tr.eval()


def moving_line(n, flip=0):
    """``n`` frames [n, 32, 32, 3] in [0, 1] of a bright line moving across (``flip``: its negative)."""
    t, y, x = np.mgrid[0:n, 0:32, 0:32].astype(np.float32)
    line = (np.abs(x - 6 - 2 * t) < 3) * 0.9
    return np.repeat((0.9 - line if flip else line)[..., None], 3, -1).astype(np.float32)


def control_graph(model_dir, node: str, params: dict, flip=0):
    """Load Video Model into ``node`` (2 steps, guidance 1, seed 3, no previews, and ``params``), a 9-frame
    :func:`moving_line` clip on its 'control' input."""
    feeds = {"control": (source("test.moving_line_clip", "video", "Video",
                                lambda q: ArrayClip(moving_line(q.frames, q.flip), 16.0),
                                (Int("frames", 9), Int("flip", 0))), "video", {"frames": 9, "flip": flip})}
    return model_graph(model_dir, node, {"steps": 2, "guidance": 1.0, "prompt": "a line", "previews": False,
                                         "preview_size": "off", "seed": 3, **params}, **feeds)


def follows_the_control(ex, graph, off: dict) -> list[str]:
    """``graph(**params)`` (the node's graph with its file) rendered: 9 frames at 32x32, the same twice, another
    control clip (flip 1) changing them; started at 0.9 of the steps (no step inside) the model as it is, the same as
    with the other clip and the add-on switched off by ``off``. What the node said."""
    a, said = render(ex, graph())
    again, _ = render(ex, graph())
    moved, _ = render(ex, graph(flip=1))
    late, _ = render(ex, graph(start=0.9))  # no step inside: the model as it is
    plain, _ = render(ex, graph(flip=1, **off))
    assert a.frames.shape == (9, 32, 32, 3)
    assert np.array_equal(a.frames, again.frames)
    assert not np.allclose(a.frames, moved.frames, atol=1e-4)
    assert np.array_equal(late.frames, plain.frames) and not np.allclose(a.frames, late.frames, atol=1e-4)
    return said
