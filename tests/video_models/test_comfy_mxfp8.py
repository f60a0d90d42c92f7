"""ComfyUI's MXFP8 layers (files/comfy_mxfp8.py; the 'mxfp8' comfy_quant format, 2026's '..._mxfp8'
files): fp8 e4m3 weights with one E8M0 (power-of-two) scale per 32 weights of a row, the scales in
cuBLAS's swizzled tiles. Files are written here by this test's own writer (each fp8 byte decoded by
its bit fields, each E8M0 byte as 2^(e - 127), the scales placed by cuBLAS's tile index formula, not
by Studio's reshapes), read back exactly through Studio's reader, misfits refused in one sentence
naming the layer before anything is read, and a tiny Wan denoiser in the Wan repository's names
loaded through Load Video Model's loader against the weights the file holds and the fp32 model."""
from __future__ import annotations

import json
import math

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files import comfy_mxfp8 as mx
from nodes.video_models.files import single_file
from nodes.video_models.files.weight_formats import read_weight_file

from . import tiny_formats as tf

CPU = torch.device("cpu")
FP8 = torch.float8_e4m3fn
E8M0 = torch.float8_e8m0fnu


# ---- the test's own writer and reference ----------------------------------------------------------

def fp8_value(byte: int) -> float:
    """An e4m3fn byte's value from its bit fields: sign bit 7, exponent bits 3-6 (bias 7), mantissa
    bits 0-2; exponent 0 is subnormal (m/8 * 2^-6); 0x7F / 0xFF are NaN."""
    sign = -1.0 if byte & 0x80 else 1.0
    exp, man = (byte >> 3) & 0xF, byte & 0x7
    if exp == 0:
        return sign * man / 8 * 2.0 ** -6
    return sign * (1 + man / 8) * 2.0 ** (exp - 7)


def e8m0_value(byte: int) -> float:
    return 0.0 if byte == 0 else math.ldexp(1.0, byte - 127)


def swizzled(block: torch.Tensor) -> torch.Tensor:
    """[R, C] block scales placed as cuBLAS's tiled layout says: element (r, c) at tile
    (r // 128, c // 4), inside it at [r % 32][(r % 128) // 32][c % 4]; zero-padded tiles."""
    rows, cols = block.shape
    n_r, n_c = -(-rows // 128), -(-cols // 4)
    out = torch.zeros(n_r * 128 * n_c * 4, dtype=block.dtype)
    for r in range(rows):
        for c in range(cols):
            out[((r // 128) * n_c + c // 4) * 512 + (r % 32) * 16 + ((r % 128) // 32) * 4 + c % 4] = block[r, c]
    return out.reshape(n_r * 128, n_c * 4)


def mark(fmt: str = "mxfp8") -> torch.Tensor:
    return torch.tensor(list(json.dumps({"format": fmt}).encode()), dtype=torch.uint8)


def quantise(w: torch.Tensor):
    """(fp8 weight, swizzled E8M0 bytes, the weight they hold in fp64) of ``w`` [R, C] (C a multiple
    of 32) as comfy-kitchen's quantize_mxfp8 does: per block of 32, e = ceil(log2(max / 448)) + 127,
    the weights divided by 2^(e - 127) and rounded to fp8 (torch's cast: nearest)."""
    w = w.double()
    rows, cols = w.shape
    blocks = w.reshape(rows, cols // 32, 32)
    top = blocks.abs().amax(-1)
    e = torch.where(top > 0, torch.ceil(torch.log2(top / 448.0)) + 127, torch.zeros_like(top)).clamp(0, 254)
    scale = torch.where(e > 0, torch.exp2(e - 127), torch.ones_like(e))
    data = (blocks / scale.unsqueeze(-1)).clamp(-448, 448).reshape(rows, cols).to(FP8)
    held = [[fp8_value(int(b)) * e8m0_value(int(e[r, c // 32])) for c, b in enumerate(row)]
            for r, row in enumerate(data.view(torch.uint8).tolist())]
    return data, swizzled(e.to(torch.uint8)), torch.tensor(held, dtype=torch.float64)


# ---- the format itself ------------------------------------------------------------------------------

@pytest.mark.parametrize("scale_dtype,metadata", [(E8M0, False), (torch.uint8, True)])
def test_every_fp8_byte_and_its_block_scale_dequantise_exactly(tmp_path, scale_dtype, metadata):
    """160x64 MXFP8 (two tile rows, two blocks a row): every e4m3 byte but the two NaNs in turn, each
    block its own power of two (2^-17 ... 2^13), one block's byte 0 (a zero scale); the reference is
    each byte's bit fields times 2^(e - 127), in fp64, compared exactly."""
    rows, cols = 160, 64
    codes = [b for b in range(256) if b not in (0x7F, 0xFF)]
    data = torch.tensor([codes[(r * cols + c) % len(codes)] for r in range(rows) for c in range(cols)],
                        dtype=torch.uint8).reshape(rows, cols)
    e = torch.tensor([[110 + (r * 2 + c) % 31 for c in range(2)] for r in range(rows)], dtype=torch.uint8)
    e[37, 1] = 0
    ref = torch.tensor([[fp8_value(int(data[r, c])) * e8m0_value(int(e[r, c // 32])) for c in range(cols)]
                        for r in range(rows)], dtype=torch.float64)
    blocked = swizzled(e)
    assert blocked.shape == (256, 4) and blocked.view(-1)[512 + 5 * 16 + 0 * 4 + 1] == e[133, 1]  # tile row 1
    f = str(tmp_path / "one_mxfp8.safetensors")
    state = {"l.weight": data.view(FP8), "l.weight_scale": blocked.view(scale_dtype), "other.weight": torch.ones(4, 4,
             dtype=torch.bfloat16)}
    if not metadata:
        state["l.comfy_quant"] = mark()
    save_file(state, f, metadata={"_quantization_metadata": json.dumps({"layers": {"l": {"format": "mxfp8"}}})}
              if metadata else None)
    wf = read_weight_file(f)
    assert wf.tensors["l.weight"].dtype == "MXFP8" and wf.tensors["l.weight"].shape == (rows, cols)
    assert "l.weight_scale" not in wf.tensors and wf.fmt == "MXFP8 mixed (bf16 elsewhere)"
    with open(f, "rb") as fh:
        got = single_file.read_tensor(fh, wf, "l.weight")
    assert got.dtype == torch.bfloat16 and got.shape == (rows, cols)
    assert torch.equal(got.double(), ref)  # every value exactly
    assert torch.equal(torch.signbit(got), torch.signbit(torch.tensor(ref.tolist())))  # -0.0 stays -0.0
    assert int((got[37, 32:] != 0).sum()) == 0 and int((got[37, :32] != 0).sum()) > 0
    assert torch.equal(mx.dequantise(data.view(FP8), blocked.view(scale_dtype), torch.float32).double(), ref)


def test_the_writers_quantiser_round_trips_within_fp8_rounding(tmp_path):
    w = torch.randn(96, 128, generator=torch.Generator().manual_seed(3)) * 0.05
    data, blocked, held = quantise(w)
    f = str(tmp_path / "rt.safetensors")
    save_file({"x.weight": data, "x.weight_scale": blocked.view(E8M0), "x.comfy_quant": mark()}, f)
    wf = read_weight_file(f)
    with open(f, "rb") as fh:
        got = single_file.read_tensor(fh, wf, "x.weight")
    assert torch.equal(got.double(), held)
    db = tf.psnr(w, got)
    print(f"MXFP8 round trip of a 96x128 weight: {db:.1f} dB")
    assert db > 30


def _bad(tmp_path, **edit) -> str:
    state = {"blk.q.weight": torch.zeros(64, 64, dtype=FP8), "blk.q.weight_scale": torch.full((128, 4), 127,
             dtype=torch.uint8), "blk.q.comfy_quant": mark()}
    state.update({k: v for k, v in edit.items() if v is not None})
    for k in [k for k, v in edit.items() if v is None]:
        del state[k]
    f = str(tmp_path / "bad.safetensors")
    save_file({k.replace("__", "."): v for k, v in state.items()}, f)
    return f


@pytest.mark.parametrize("edit,words", [
    ({"blk.q.weight": torch.zeros(64, 64, dtype=torch.float8_e5m2)},
     r"MXFP8 layer 'blk.q': 'blk.q.weight' is F8_E5M2 \[64, 64\], but ComfyUI's MXFP8 weights are 2-D F8_E4M3"),
    ({"blk.q.weight": torch.zeros(64, 48, dtype=FP8)},
     r"MXFP8 layer 'blk.q': its 48 input columns are not a multiple of the 32-weight blocks"),
    ({"blk.q.weight_scale": torch.full((64, 2), 127, dtype=torch.uint8)},
     r"MXFP8 layer 'blk.q': 'blk.q.weight_scale' is U8 \[64, 2\]: the block scales of a 64x64 MXFP8 weight are "
     r"E8M0 \(F8_E8M0 or U8\) \[128, 4\]"),
    ({"blk.q.weight_scale": torch.ones(128, 4).to(FP8)}, r"'blk.q.weight_scale' is F8_E4M3 \[128, 4\]"),
    ({"blk.q.weight_scale": None}, r"MXFP8 layer 'blk.q': 'blk.q.weight_scale' is missing"),
    ({"blk.q.weight": None, "blk.k.weight": torch.zeros(4, 4)}, r"layer 'blk.q' is marked mxfp8 but has no 'blk.q.weight'"),
    ({"blk.k.weight": torch.ones(4, 4).to(E8M0)}, r"tensor 'blk.k.weight' is stored as F8_E8M0 \(powers of two\)"),
    ({"blk.q.comfy_quant": None}, r"'blk.q.weight' is fp8 with U8 block scales \[128, 4\] but not marked \(no comfy_quant\)"),
])
def test_misfits_are_refused_from_the_header_naming_the_layer(tmp_path, edit, words):
    with pytest.raises(ModelError, match=words) as e:
        read_weight_file(_bad(tmp_path, **edit))
    assert str(e.value).count(". ") == 0  # one sentence


def test_a_scale_that_is_not_a_number_is_refused_when_read(tmp_path):
    f = _bad(tmp_path, **{"blk.q.weight_scale": torch.full((128, 4), 255, dtype=torch.uint8)})
    wf = read_weight_file(f)
    with open(f, "rb") as fh, pytest.raises(ModelError, match=r"'blk.q.weight_scale' holds the E8M0 byte 255"):
        single_file.read_tensor(fh, wf, "blk.q.weight")


# ---- a Wan denoiser, as the NVFP4 tests load one (test_comfy_mixed_quant.py) -----------------------

@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    from diffusers import WanTransformer3DModel
    base = tf.build_wide_wan(str(tmp_path_factory.mktemp("models") / "wide-wan"))
    ref = WanTransformer3DModel.from_pretrained(base, subfolder="transformer")
    state = {k: v.clone() for k, v in ref.state_dict().items()}
    return base, ref, state, tf.run_denoiser(ref, tf.denoiser_input())


def write_mxfp8(state: dict, path: str, which) -> dict:
    """``state`` as ComfyUI's MXFP8 file: the 2-D weights ``which`` picks in MXFP8 (a comfy_quant marker
    each, an input_scale beside), the rest bf16. Returns the weights the file holds, in fp32."""
    out, held = {}, {}
    for k, v in state.items():
        if not which(k, v):
            out[k] = v.to(torch.bfloat16).contiguous()
            held[k] = out[k].float()
            continue
        layer = k[: -len(".weight")]
        out[k], blocked, h = quantise(v)
        out[layer + ".weight_scale"], out[layer + ".input_scale"] = blocked.view(E8M0), torch.ones(())
        out[layer + ".comfy_quant"] = mark()
        held[k] = h.float()
    save_file(out, path)
    return held


def _blocks(k, v):
    return v.dim() == 2 and k.endswith(".weight") and k.startswith("blocks.")


def test_a_wan_denoiser_in_comfys_mxfp8_layout(wide, tmp_path):
    """In the Wan repository's names (as ComfyUI's Wan files are), renamed by diffusers' converter; the
    blocks' matrices MXFP8, the rest bf16; loaded in fp32 and in bf16."""
    from diffusers import WanTransformer3DModel

    from nodes.video_models.loading.load import load_video_model
    base, ref, state, want = wide
    f = str(tmp_path / "wan_mxfp8.safetensors")
    held = write_mxfp8(tf.wan_original_names(state), f, _blocks)
    from nodes.video_models.catalog.listing import describe_file
    e = describe_file(f)  # the picker's line, from the header alone
    assert e.kind == "denoiser" and e.family == "wan" and e.dtype.startswith("mxfp8 mixed")
    assert e.params == sum(v.numel() for v in state.values())
    said = []
    one = load_video_model(f, base=base, device=CPU, dtype_name="fp32", info=said.append)
    den = one.module.transformer
    assert one.weights == "MXFP8 mixed (bf16 elsewhere)"
    assert "stored in 8 bits with a power-of-two scale per 32 weights, dequantised to fp32 as read" in said[0]
    q = den.blocks[0].attn1.to_q
    assert type(q) is torch.nn.Linear and q.weight.dtype == torch.float32
    assert torch.equal(q.weight, held["blocks.0.self_attn.q.weight"])  # exactly what the file holds
    m = WanTransformer3DModel.from_config(den.config)
    m.load_state_dict({n: held[o] for n, o in zip(state, tf.wan_original_names(state))})
    exact = tf.run_denoiser(m.eval(), tf.denoiser_input())
    out = tf.run_denoiser(den, tf.denoiser_input())
    assert tf.psnr(exact, out) >= 100
    db = tf.psnr(want, out)
    print(f"MXFP8 mixed, computed in fp32: {db:.1f} dB against the fp32 model")
    assert db >= 30
    bf16 = load_video_model(f, base=base, device=CPU, dtype_name="bf16").module.transformer
    assert bf16.blocks[0].attn1.to_q.weight.dtype == torch.bfloat16
    assert torch.equal(bf16.blocks[0].attn1.to_q.weight.float(), held["blocks.0.self_attn.q.weight"])  # exact
    db16 = tf.psnr(want, tf.run_denoiser(bf16, tf.denoiser_input()))
    print(f"MXFP8 mixed, computed in bf16: {db16:.1f} dB against the fp32 model")
    assert db16 >= 25


# ---- MiniMax H3's DiT file (heldout100 06's 'minimax_h3_fl2va_mxfp8'), read by the family's own reader ----------

@pytest.fixture(scope="module")
def curve():
    """The tiny MiniMax H3 curve model test_minimax_h3_curve.py makes (its ``pair`` fixture's second)."""
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer

    from .test_minimax_h3_curve import DIT, GRID
    torch.manual_seed(0)
    full = MiniMaxH3Transformer3DModel(**DIT).eval()
    with torch.no_grad():
        for p in full.parameters():
            p.add_(0.05 * torch.randn_like(p))
        g = torch.nn.functional.silu(full.time_embedder(full.time_proj(torch.linspace(0, 1, GRID))))
        v = torch.linalg.svd(g.double(), full_matrices=False).Vh.T.float()
        model = MiniMaxH3CurveTransformer(**DIT, adaln_curve_grid=GRID).eval()
        state = {k: t for k, t in full.state_dict().items() if not k.startswith("time_embedder.")}
        for k in [k for k in state if k.endswith("adaln_proj.linear.weight") or k == "norm_out.linear.weight"]:
            state[k] = state[k] @ v
        state["time_embedder.table"] = g @ v
        model.load_state_dict(state, strict=False)
    return model


def test_a_minimax_h3_pruned_file_in_mxfp8_reads_through_the_familys_reader(curve, tmp_path):
    """The tiny curve model in ComfyUI's pruned layout with each block's qkv_proj, out_proj, fc1 and fc2 in MXFP8:
    read by families/minimax_h3/comfy_file.py (its [q; k; v] split and [gate; value] swap made on the weights
    as read), every such weight exactly what the file holds, the output within fp8 rounding of the model's."""
    from nodes.video_models.families.minimax_h3 import comfy_file

    from .test_minimax_h3_curve import _inputs, comfy_layout
    layout = comfy_layout(curve)
    layers = [k[: -len(".weight")] for k in layout
              if k.startswith("blocks.") and k.endswith(("qkv_proj.weight", "out_proj.weight", "fc1.weight", "fc2.weight"))]
    assert len(layers) == 8
    held = {}
    for layer in layers:
        data, blocked, held[layer] = quantise(layout[layer + ".weight"])
        layout.update({layer + ".weight": data, layer + ".weight_scale": blocked.view(E8M0), layer + ".comfy_quant":
                       mark()})
    path = str(tmp_path / "minimax_h3_fl2va_mxfp8.safetensors")
    save_file(layout, path)
    assert read_weight_file(path).fmt == "MXFP8 mixed (fp32 elsewhere)"
    got = comfy_file.load(path, torch.float32).eval()
    q, k, v = held["blocks.0.attn.qkv_proj"].float().chunk(3)
    assert torch.equal(got.transformer_blocks[0].attn.to_k.weight, k)  # split as read, each row exactly
    gate, value = held["blocks.1.mlp.fc1"].float().chunk(2)
    assert torch.equal(got.transformer_blocks[1].ff.net[0].proj.weight, torch.cat([value, gate]))  # swapped back
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        a, b = curve(**x)[0], got(**x)[0]
    assert not torch.equal(a, b)
    assert float((a - b).abs().max()) < 0.05 * float(a.abs().max())


def test_a_layer_comfyui_padded_is_refused_by_the_config_check(wide, tmp_path):
    """A layer whose rows ComfyUI padded to 32 (here the 64-row head stored as 96 rows, zeros below) is read at the
    stored shape, which the config check refuses naming the tensor (Studio does not trim the padding)."""
    from nodes.video_models.loading.load import load_video_model
    base, _, state, _ = wide
    f = str(tmp_path / "wan_padded_mxfp8.safetensors")
    names = tf.wan_original_names(state)
    names["head.head.weight"] = torch.cat([names["head.head.weight"], torch.zeros(32, names["head.head.weight"].shape[1])])
    write_mxfp8(names, f, lambda k, v: k == "head.head.weight")
    assert read_weight_file(f).tensors["head.head.weight"].shape == (96, 256)
    with pytest.raises(ModelError, match="proj_out.weight") as e:
        load_video_model(f, base=base, device=CPU, dtype_name="fp32")
    assert "is [96, 256] there but the config makes it [64, 256]" in str(e.value)
