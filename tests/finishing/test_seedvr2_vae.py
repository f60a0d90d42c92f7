"""SeedVR2's causal video VAE (nodes/finishing/seedvr2/vae*.py) against a line-by-line
transcription of the reference's forward for the parts that matter (ByteDance-Seed/SeedVR at
673b563: causal_inflation_lib.py's extend_head / remove_head / InflatedCausalConv3d.basic_forward /
inflate_weight, attn_video_vae.py's Upsample3D.forward and Downsample3D.forward), on tiny random
weights; temporal slicing equal to the whole clip; the scaling of infer.py; the round trip's shapes;
the header check refusing wrong files; the released config's shapes on the meta device."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from einops import rearrange
from safetensors.torch import save_file

from nodes.finishing.seedvr2.vae import SeedVR2VAE, config_from_state_dict, expected_shapes, load_vae
from nodes.finishing.seedvr2.vae_config import FULL_CONFIG, numel
from nodes.finishing.seedvr2.vae_layers import CausalConv3d, Downsample3D, Memory, Upsample3D
from studio.core.errors import ModelError
from studio.core.errors import StudioError

TINY = {"block_out_channels": [32, 32, 32, 32], "layers_per_block": 1}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: one thread (on a shared, loaded machine two threads' hand-offs cost 50x)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# --- the reference, transcribed line by line (causal_inflation_lib.py / attn_video_vae.py @ 673b563) ---

def ref_extend_head(tensor, times=2, memory=None):
    if memory is not None:
        return torch.cat((memory.to(tensor), tensor), dim=2)
    assert times >= 0, "Invalid input for function 'extend_head'!"
    if times == 0:
        return tensor
    tile_repeat = [1] * tensor.ndim
    tile_repeat[2] = times
    return torch.cat(tensors=(torch.tile(tensor[:, :, :1], tile_repeat), tensor), dim=2)


def ref_remove_head(tensor, times=1):
    if times == 0:
        return tensor
    return torch.cat(tensors=(tensor[:, :, :1], tensor[:, :, times + 1:]), dim=2)


def ref_causal_conv(conv, input, state, store):
    """InflatedCausalConv3d.basic_forward; ``store`` holds self.memory."""
    mem_size = conv.stride[0] - conv.kernel_size[0]
    if store.get("memory") is not None and state == Memory.ACTIVE:
        input = ref_extend_head(input, memory=store["memory"], times=-1)
    else:
        input = ref_extend_head(input, times=conv.temporal_padding * 2)
    memory = input[:, :, mem_size:].detach() if (mem_size != 0 and state != Memory.DISABLED) else None
    if state != Memory.DISABLED:
        store["memory"] = memory
    return F.conv3d(input, conv.weight, conv.bias, conv.stride, conv.padding)


def ref_inflate_weight(weight_2d, weight_3d, inflation_mode):
    with torch.no_grad():
        if inflation_mode == "replicate":
            depth = weight_3d.size(2)
            weight_3d.copy_(weight_2d.unsqueeze(2).repeat(1, 1, depth, 1, 1) / depth)
        else:
            weight_3d.fill_(0.0)
            weight_3d[:, :, -1].copy_(weight_2d)
    return weight_3d


def ref_upsample(up, hidden_states, state, store):
    """Upsample3D.forward with slicing off, interpolate off, use_conv on."""
    z = up.temporal_ratio
    hidden_states = up.upscale_conv(hidden_states)
    hidden_states = rearrange(hidden_states, "b (x y z c) f h w -> b c (f z) (h x) (w y)", x=2, y=2, z=z)
    if z == 2 and state != Memory.ACTIVE:
        hidden_states = ref_remove_head(hidden_states)
    return ref_causal_conv(up.conv, hidden_states, state, store)


def ref_downsample(down, hidden_states, state, store):
    """Downsample3D.forward with padding 0 and spatial_down."""
    hidden_states = F.pad(hidden_states, (0, 1, 0, 1), mode="constant", value=0)
    return ref_causal_conv(down.conv, hidden_states, state, store)


def sliced(fn, x, size):
    """slicing_encode's schedule: first frame + ``size``, then ``size`` at a time."""
    rest = x[:, :, 1:].split(size, dim=2)
    out = [fn(torch.cat((x[:, :, :1], rest[0]), dim=2), Memory.INITIALIZING)]
    out += [fn(r, Memory.ACTIVE) for r in rest[1:]]
    return torch.cat(out, dim=2)


def randomise(module, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.2)
    return module


# --- the parts ---

@pytest.mark.parametrize("kernel,stride,pad", [(3, 1, 1), ((3, 3, 3), (2, 2, 2), (1, 0, 0)), (1, 1, 0)])
def test_causal_conv_is_the_references_whole_and_sliced(kernel, stride, pad):
    torch.manual_seed(0)
    conv = randomise(CausalConv3d(4, 6, kernel, stride=stride, padding=pad)).double()
    x = torch.randn(1, 4, 9, 7, 7, dtype=torch.float64)
    ref = ref_causal_conv(conv, x, Memory.DISABLED, {})
    assert torch.allclose(conv(x), ref, atol=1e-12)
    store = {}
    ref_sliced = sliced(lambda s, m: ref_causal_conv(conv, s, m, store), x, 4)
    ours = sliced(lambda s, m: conv(s, m), x, 4)
    assert torch.allclose(ours, ref_sliced, atol=1e-12)
    assert torch.allclose(ours, ref, atol=1e-12)  # causal memory: slices give the whole clip


def test_causal_conv_pads_the_head_with_the_first_frame_only():
    conv = randomise(CausalConv3d(2, 2, 3, padding=1)).double()
    x = torch.randn(1, 2, 5, 6, 6, dtype=torch.float64)
    y = conv(x)
    x2 = x.clone()
    x2[:, :, 3:] += 1.0  # a later frame changes: earlier outputs must not
    y2 = conv(x2)
    assert y.shape == (1, 2, 5, 6, 6)
    assert torch.equal(y[:, :, :3], y2[:, :, :3]) and not torch.allclose(y[:, :, 3:], y2[:, :, 3:])


@pytest.mark.parametrize("mode", ["tail", "replicate"])
def test_2d_kernels_inflate_as_the_reference(mode):
    torch.manual_seed(1)
    conv = CausalConv3d(3, 5, 3, padding=1, inflation_mode=mode).double()
    w2, b2 = torch.randn(5, 3, 3, 3, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    conv.load_state_dict({"weight": w2.clone(), "bias": b2.clone()})
    expected = ref_inflate_weight(w2, torch.empty(5, 3, 3, 3, 3, dtype=torch.float64), mode)
    assert torch.equal(conv.weight, expected) and torch.equal(conv.bias, b2)
    if mode == "tail":  # the current frame only: a 2D convolution of each frame
        x = torch.randn(1, 3, 4, 6, 6, dtype=torch.float64)
        per_frame = torch.stack([F.conv2d(x[:, :, t], w2, b2, padding=1) for t in range(4)], dim=2)
        assert torch.allclose(conv(x), per_frame, atol=1e-12)


@pytest.mark.parametrize("temporal", [True, False])
def test_upsample_is_the_references(temporal):
    up = randomise(Upsample3D(4, temporal), 2).double()
    x = torch.randn(1, 4, 3, 5, 6, dtype=torch.float64)
    ref = ref_upsample(up, x, Memory.DISABLED, {})
    ours = up(x)
    assert ours.shape == (1, 4, 5 if temporal else 3, 10, 12)
    assert torch.allclose(ours, ref, atol=1e-12)
    store = {}
    ref_sliced = sliced(lambda s, m: ref_upsample(up, s, m, store), x, 1)
    assert torch.allclose(sliced(lambda s, m: up(s, m), x, 1), ref_sliced, atol=1e-12)
    assert torch.allclose(ref_sliced, ref, atol=1e-12)


@pytest.mark.parametrize("temporal", [True, False])
def test_downsample_is_the_references(temporal):
    down = randomise(Downsample3D(4, temporal), 3).double()
    x = torch.randn(1, 4, 9, 8, 10, dtype=torch.float64)
    ref = ref_downsample(down, x, Memory.DISABLED, {})
    assert down(x).shape == (1, 4, 5 if temporal else 9, 4, 5)
    assert torch.allclose(down(x), ref, atol=1e-12)
    store = {}
    ref_sliced = sliced(lambda s, m: ref_downsample(down, s, m, store), x, 4)
    assert torch.allclose(sliced(lambda s, m: down(s, m), x, 4), ref_sliced, atol=1e-12)


# --- the whole VAE ---

@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return randomise(SeedVR2VAE(TINY), 4).eval()


def test_round_trip_shapes_and_slices_equal_the_whole_clip(tiny):
    image = torch.rand(1, 3, 1, 16, 24) * 2 - 1  # one frame: a still
    z = tiny.encode(image, sample=False)
    assert z.shape == (1, 16, 1, 2, 3) and z.dtype == torch.float32 and tiny.decode(z).shape == image.shape
    x = torch.rand(2, 3, 9, 8, 16) * 2 - 1  # 9 frames: slices of 5 and 4 (encode), 2 and 1 latents (decode)
    sliced_enc = tiny.moments(x)
    z = sliced_enc[:, :16]
    sliced_dec = tiny.decode(z)
    assert sliced_enc.shape == (2, 32, 3, 1, 2) and sliced_dec.shape == x.shape
    assert all(m.memory is None for m in tiny.modules() if isinstance(m, CausalConv3d))  # freed
    tiny.config["slicing_sample_min_size"] = 0  # one whole clip
    try:
        assert torch.allclose(sliced_enc, tiny.moments(x), atol=1e-4)
        assert torch.allclose(sliced_dec, tiny.decode(z), atol=1e-4)
    finally:
        tiny.config["slicing_sample_min_size"] = 4


def test_scaling_is_infer_pys(tiny):
    x = torch.rand(1, 3, 5, 8, 8) * 2 - 1
    mean = tiny.moments(x)[:, :16]
    assert torch.allclose(tiny.encode(x, sample=False), mean * 0.9152, atol=1e-6)
    z = torch.randn(1, 16, 2, 1, 1)
    assert torch.allclose(tiny.decode(z * 0.9152), tiny.decoder(z), atol=1e-4)
    a = tiny.encode(x, generator=torch.Generator().manual_seed(7))
    b = tiny.encode(x, generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b) and not torch.allclose(a, mean * 0.9152)


def test_wrong_clip_lengths_and_sizes_are_refused(tiny):
    with pytest.raises(StudioError, match="1 \\+ 4k frames and sizes that are multiples of 8"):
        tiny.encode(torch.zeros(1, 3, 6, 16, 16))
    with pytest.raises(StudioError, match="must be \\[batch, 16"):
        tiny.decode(torch.zeros(1, 4, 2, 2, 2))


# --- files ---

def write(path, sd):
    save_file({k: v.contiguous() for k, v in sd.items()}, str(path))
    return str(path)


def test_load_vae_reads_the_file_as_it_is(tiny, tmp_path):
    sd = {k: v.half() for k, v in tiny.state_dict().items()}
    vae = load_vae(write(tmp_path / "seedvr2_vae.safetensors", sd), dtype=torch.float32)
    assert vae.config == tiny.config and next(vae.parameters()).dtype == torch.float32
    assert all(torch.equal(vae.state_dict()[k], v.float()) for k, v in sd.items())
    # the old diffusers attention names (query/key/value/proj_attn) and a vae. prefix read the same
    old = {("vae." + k).replace("to_q.", "query.").replace("to_out.0.", "proj_attn."): v for k, v in sd.items()}
    again = load_vae(write(tmp_path / "old_names.safetensors", old), dtype=torch.float32)
    assert all(torch.equal(again.state_dict()[k], v) for k, v in vae.state_dict().items())


def test_wrong_files_are_refused_before_loading(tiny, tmp_path):
    sd = {k: v.half() for k, v in tiny.state_dict().items()}
    other = write(tmp_path / "unet.safetensors", {"model.diffusion_model.x.weight": torch.zeros(2, 2)})
    with pytest.raises(ModelError, match="is not a SeedVR2 VAE: it holds 1 tensors \\(model.diffusion_model.x.weight"
                                         " \\[2, 2\\]\\) but not encoder.conv_in.weight"):
        load_vae(other)
    less = dict(sd)
    del less["decoder.mid_block.attentions.0.to_k.bias"]
    with pytest.raises(ModelError, match="SeedVR2 VAE.*lacks 1 of its \\d+ tensors \\(decoder.mid_block.attentions.0.to_k.bias"):
        load_vae(write(tmp_path / "less.safetensors", less))
    flat = dict(sd, **{"encoder.conv_in.weight": sd["encoder.conv_in.weight"][:, :, -1]})
    with pytest.raises(ModelError, match="encoder.conv_in.weight is \\[32, 3, 3, 3\\] .*a 2D kernel"):
        load_vae(write(tmp_path / "flat.safetensors", flat))
    path = write(tmp_path / "cut.safetensors", sd)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 100)
    with pytest.raises(ModelError, match="SeedVR2 VAE: .*truncated"):
        load_vae(path)
    pickle = tmp_path / "vae.pth"
    pickle.write_bytes(b"\x80\x04N.")
    with pytest.raises(ModelError, match="SeedVR2 VAE: .*pickle"):
        load_vae(str(pickle))


def test_the_released_config_on_the_meta_device():
    shapes = expected_shapes(FULL_CONFIG)
    assert len(shapes) == 250 and numel(shapes) == 250_648_227
    assert shapes["decoder.up_blocks.2.upsamplers.0.upscale_conv.weight"] == (1024, 256, 1, 1, 1)  # spatial only
    assert shapes["decoder.up_blocks.0.upsamplers.0.upscale_conv.weight"] == (4096, 512, 1, 1, 1)  # and temporal
    assert shapes["encoder.down_blocks.1.downsamplers.0.conv.weight"] == (256, 256, 3, 3, 3)
    assert shapes["encoder.down_blocks.0.downsamplers.0.conv.weight"] == (128, 128, 1, 3, 3)
    assert shapes["encoder.conv_out.weight"] == (32, 512, 3, 3, 3)
    assert config_from_state_dict({k: list(v) for k, v in shapes.items()}) == FULL_CONFIG
    with meta_device():
        vae = SeedVR2VAE(FULL_CONFIG)
        latent = vae.encode(torch.empty(1, 3, 9, 720, 1280), sample=False)
        video = vae.decode(latent)
    assert latent.shape == (1, 16, 3, 90, 160) and video.shape == (1, 3, 9, 720, 1280)
    assert np.prod(latent.shape) and latent.is_meta


# --- spatial tiles ---

def test_tiles_cover_and_cross_fade_to_the_whole_result():
    from nodes.finishing.seedvr2.vae_tiles import blended, ramps, tile_spans
    assert tile_spans(48, 0, 8) == [(0, 48)] and tile_spans(48, 64, 8) == [(0, 48)]
    assert tile_spans(64, 32, 16) == [(0, 32), (16, 48), (32, 64)]
    assert tile_spans(40, 32, 8) == [(0, 32), (8, 40)]  # the last tile ends at the edge
    w = ramps(tile_spans(64, 32, 16), 1, 1)
    assert torch.allclose(w[0][16:] + w[1][:16], torch.ones(16)) and w[0][:16].eq(1).all() and (w[1] > 0).all()
    x = torch.randn(1, 2, 3, 40, 56)
    up = lambda t: (t * 3).repeat_interleave(8, -1).repeat_interleave(8, -2)  # noqa: E731 - pixel-local, x8
    assert torch.allclose(blended(up, x, 16, 8, 8, 1), up(x), atol=1e-6)
    down = lambda t: F.avg_pool3d(t, (1, 8, 8))  # noqa: E731 - pixel-local, /8
    assert torch.allclose(blended(down, x, 16, 8, 1, 8), down(x), atol=1e-6)


def test_the_vae_in_tiles(tiny):
    x = torch.rand(1, 3, 5, 24, 40) * 2 - 1
    z = tiny.encode(x, sample=False)
    assert torch.allclose(tiny.encode(x, sample=False, tile=48, overlap=8), z, atol=1e-6)  # one tile: untiled
    assert tiny.encode(x, sample=False, tile=16, overlap=8).shape == z.shape
    tiled = tiny.decode(z, tile=16, overlap=8)
    assert tiled.shape == x.shape and torch.isfinite(tiled).all()
    with pytest.raises(StudioError, match="multiples of 8 and the overlap less than the tile"):
        tiny.decode(z, tile=20, overlap=8)


def test_a_config_is_read_back_from_its_shapes():
    variant = dict(FULL_CONFIG, block_out_channels=[32, 64, 64], layers_per_block=1, temporal_scale_num=1,
                   time_receptive_field="half", attention=False, use_quant_conv=True, use_post_quant_conv=True)
    shapes = expected_shapes(variant)
    assert "quant_conv.weight" in shapes and not any("attentions" in k for k in shapes)
    assert shapes["encoder.down_blocks.0.resnets.0.conv1.weight"][2] == 1  # half: a one-frame kernel
    assert config_from_state_dict(shapes) == variant
    with meta_device():
        assert SeedVR2VAE(variant).encode(torch.empty(1, 3, 5, 16, 16), sample=False).shape == (1, 16, 3, 4, 4)


def test_attention_in_query_chunks_is_diffusers_attention(monkeypatch):
    from diffusers.models.attention_processor import Attention

    from nodes.finishing.seedvr2 import vae_blocks
    ours = randomise(vae_blocks.FrameAttention(32, 32), 5).double()
    theirs = Attention(32, heads=1, dim_head=32, rescale_output_factor=1.0, eps=1e-6, norm_num_groups=32,
                       residual_connection=True, bias=True, upcast_softmax=True, _from_deprecated_attn_block=True)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 32, 3, 5, 7, dtype=torch.float64)
    ref = rearrange(theirs.double()(rearrange(x, "b c f h w -> (b f) c h w")), "(b f) c h w -> b c f h w", f=3)
    monkeypatch.setattr(vae_blocks, "SCORES", 1)  # 256 queries a chunk: all 35 in one
    assert torch.allclose(ours(x), ref, atol=1e-12)
    x = torch.randn(1, 32, 1, 20, 30, dtype=torch.float64)  # 600 queries: 3 chunks
    ref = rearrange(theirs(rearrange(x, "b c f h w -> (b f) c h w")), "(b f) c h w -> b c f h w", f=1)
    assert torch.allclose(ours(x), ref, atol=1e-12)


@pytest.mark.parametrize("kernel,stride,pad", [(3, 1, 1), ((3, 3, 3), (2, 2, 2), (1, 0, 0)), ((1, 3, 3), 1, (0, 1, 1))])
def test_a_large_input_is_convolved_in_bands_exactly(kernel, stride, pad, monkeypatch):
    conv = randomise(CausalConv3d(3, 4, kernel, stride=stride, padding=pad), 6).double()
    x = torch.randn(1, 3, 5, 23, 9, dtype=torch.float64)
    whole = conv(x)
    monkeypatch.setattr(conv, "memory_limit", 2000)  # bytes: bands of a few rows
    assert torch.allclose(conv(x), whole, atol=1e-12)
    monkeypatch.setattr(conv, "memory_limit", 1)  # one output row a band
    assert torch.allclose(conv(x), whole, atol=1e-12)


def test_the_vae_with_its_convolutions_in_bands(tiny, monkeypatch):
    z = torch.randn(1, 16, 2, 2, 3)
    whole = tiny.decode(z)
    monkeypatch.setattr(CausalConv3d, "memory_limit", 64 * 1024)  # most convolutions in bands
    assert torch.allclose(tiny.decode(z), whole, atol=1e-5)


def test_frame_norm_is_the_references_causal_norm_wrapper(monkeypatch):
    from nodes.finishing.seedvr2 import vae_layers
    norm = randomise(torch.nn.GroupNorm(4, 8, eps=1e-6), 7).double()
    x = torch.randn(2, 8, 5, 3, 4, dtype=torch.float64)
    ref = rearrange(norm(rearrange(x, "b c t h w -> (b t) c h w")), "(b t) c h w -> b c t h w", t=5)
    assert torch.allclose(vae_layers.frame_norm(norm, x), ref, atol=1e-12)
    monkeypatch.setattr(vae_layers, "NORM_ELEMENTS", 200)  # one frame a call
    y = vae_layers.frame_norm(norm, x)
    assert torch.allclose(y, ref, atol=1e-12) and y.is_contiguous()
