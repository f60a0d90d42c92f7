"""The decode's work counted on a meta VAE (runs/decode_cost.py) makes the results of norms, activations,
attention, arithmetic and concatenation from their arguments' shapes instead of running torch's Python meta
kernels (base/work.py): the count must be the one the kernels give, for every family's kind of VAE."""
from __future__ import annotations

import pytest

VAES = [  # diffusers' own default configs (full size: on meta they hold nothing), a latent of each's layout
    ("AutoencoderKLWan", (1, 16, 3, 4, 4), {}),
    ("AutoencoderKLLTXVideo", (1, 128, 2, 2, 2), {}),
    ("AutoencoderKLCogVideoX", (1, 16, 3, 4, 4), {}),
    ("AutoencoderKLHunyuanVideo", (1, 16, 2, 4, 4), {}),
    ("AutoencoderKLMochi", (1, 12, 2, 2, 2), {}),
    ("AutoencoderKLTemporalDecoder", (2, 4, 4, 4), {"num_frames": 2}),
]


@pytest.mark.parametrize("name,shape,more", VAES, ids=[v[0] for v in VAES])
def test_a_meta_decode_counts_the_same_with_results_made_from_shapes(name, shape, more, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.base import work
    from studio.engine.meta_device import meta_device
    cls = getattr(diffusers, name)
    with meta_device():
        vae = cls()
    vae = vae.to("meta").eval()

    def count():
        z = torch.empty(shape, device="meta")
        c = work.counter()
        with torch.inference_mode(), torch.device("meta"), c:
            out = vae.decode(z, **more)
        sample = out.sample if hasattr(out, "sample") else out[0]
        return c.work, tuple(sample.shape)

    made_here, real = [], work._meta_result

    def made_from_shapes(*a):
        out = real(*a)
        made_here.append(out is not None)
        return out
    monkeypatch.setattr(work, "_meta_result", made_from_shapes)
    made, made_shape = count()
    assert sum(made_here) > 5  # the shortcuts were taken
    monkeypatch.setattr(work, "_meta_result", lambda *a: None)  # every call through torch's meta kernels
    ran, ran_shape = count()
    assert made_shape == ran_shape
    assert (made.ops, made.convs, made.elements, made.flops) == (ran.ops, ran.convs, ran.elements, ran.flops)
    assert made.ops > 20
