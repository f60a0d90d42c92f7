"""The decode's work counted on a meta VAE (estimates/decode_cost.py) makes the results of norms, activations,
attention, arithmetic and concatenation from their arguments' shapes instead of running torch's Python meta
kernels (base/work.py): the count must be the one the kernels give, for every family's kind of VAE."""
from __future__ import annotations

import contextlib

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


@pytest.mark.parametrize("name,shape,more", VAES, ids=[v[0] for v in VAES])
def test_the_counter_places_what_is_made_from_nothing_as_torch_device_does(name, shape, more):
    """``counter(device='meta')`` puts a tensor made with no device (torch.zeros, torch.arange in a decoder) on
    meta itself, where the meta decode had run under ``torch.device('meta')`` too: the same count."""
    import diffusers
    import torch

    from nodes.video_models.base import work
    from studio.engine.meta_device import meta_device
    with meta_device():
        vae = getattr(diffusers, name)()
    vae = vae.to("meta").eval()

    def count(own_device: bool):
        c = work.counter(device="meta") if own_device else work.counter()
        z = torch.empty(shape, device="meta")
        with torch.inference_mode(), (contextlib.nullcontext() if own_device else torch.device("meta")), c:
            vae.decode(z, **more)
        return c.work
    mine, placed = count(True), count(False)
    assert (mine.ops, mine.convs, mine.elements, mine.flops) == (placed.ops, placed.convs, placed.elements, placed.flops)
    assert mine.ops > 20


def test_a_vaes_meta_copy_is_built_once_and_each_size_counts_as_a_fresh_one(monkeypatch):
    """decode_work keeps one meta copy of a VAE a process (its class and config): a second size reuses it, and
    counts what a copy built for that size alone counts."""
    import diffusers

    from nodes.video_models.estimates import decode_cost

    class Pipe:  # what decode_work reads of a pipeline: its VAE and compression
        vae_scale_factor_spatial = 8

        def __init__(self):
            from studio.engine.meta_device import meta_device
            with meta_device():
                self.vae = diffusers.AutoencoderKLWan(base_dim=8, z_dim=4, dim_mult=[1, 2], num_res_blocks=1,
                                                      temperal_downsample=[True])
    monkeypatch.setattr(decode_cost, "_SKELETONS", {})
    monkeypatch.setattr(decode_cost, "_DECODES", {})
    built, real = [], diffusers.AutoencoderKLWan.from_config

    def from_config(*a, **k):
        built.append(1)
        return real(*a, **k)
    monkeypatch.setattr(diffusers.AutoencoderKLWan, "from_config", from_config)
    pipe = Pipe()
    monkeypatch.setattr(decode_cost, "latent_shape", lambda p, w, h, f: (1, 4, (f - 1) // 4 + 1, h // 8, w // 8))
    small = decode_cost.decode_work(pipe, 32, 32, 5)
    large = decode_cost.decode_work(pipe, 64, 48, 9)
    assert len(built) == 1 and small is not None and large is not None
    monkeypatch.setattr(decode_cost, "_SKELETONS", {})
    monkeypatch.setattr(decode_cost, "_DECODES", {})
    alone = decode_cost.decode_work(pipe, 64, 48, 9)
    assert len(built) == 2 and large == alone and large.elements > small.elements
